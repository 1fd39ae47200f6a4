// Editor commands as registered records (excalidraw's actions): a name, a label, the keys that
// run it, and `perform`, which returns the state change (never mutates) and whether it is one
// undoable step. A bulk action (deleting twenty nodes) is one record, hence one step.
import type { GraphDocument } from '../../engine/schema/graph-document.ts';
import type { EditorState } from '../store/editor-state.ts';
import type { EditorStore } from '../store/editor-store.ts';

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export interface CommandResult {
  /** The next document, when the command changes it. */
  document?: GraphDocument;
  /** Other state to set (selection, history). */
  patch?: Partial<EditorState>;
  /** True: the document change is one undoable step. */
  captureHistory: boolean;
}

export interface Command {
  name: string;
  label: string;
  /** How the help lists its shortcut (`Ctrl+Z`). */
  shortcut?: string;
  keyTest?: (event: KeyLike) => boolean;
  /** null: nothing to do in this state. */
  perform(state: EditorState): CommandResult | null;
}

const registry = new Map<string, Command>();

export function register(command: Command): Command {
  registry.set(command.name, command);
  return command;
}

export function registeredCommands(): Command[] {
  return [...registry.values()];
}

export function commandNamed(name: string): Command | undefined {
  return registry.get(name);
}

/** Runs a command against the store; returns false when it had nothing to do. */
export function runCommand(store: EditorStore, name: string): boolean {
  const command = registry.get(name);
  if (!command) throw new Error(`no command named '${name}'`);
  const result = command.perform(store.getState());
  if (!result) return false;
  if (result.document) store.getState().commit(result.document, { history: result.captureHistory });
  if (result.patch) store.setState(result.patch);
  return true;
}

/** The command a key press runs, if any. */
export function commandForKey(event: KeyLike): Command | undefined {
  return registeredCommands().find((c) => c.keyTest?.(event));
}

export const modKey = (e: KeyLike) => e.ctrlKey || e.metaKey;
