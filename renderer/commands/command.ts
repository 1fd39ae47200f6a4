// Editor commands as registered records (excalidraw's actions): a name, a label, the keys that
// run it, and `perform`, which returns the state change (never mutates) and whether it is one
// undoable step. A bulk action (deleting twenty nodes) is one record, hence one step.
import type { GraphDocument } from '../../engine/protocol/graph-document.ts';
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

/** Where the help overlay lists a command (File, View and Run actions need the session and are listed there by the help itself). */
export type CommandGroup = 'File' | 'Edit' | 'Blocks' | 'View' | 'Run';

export interface Command {
  name: string;
  /** A short name (`Make block`), what the help lists and searches. */
  label: string;
  /** One line on what it does, for the help overlay. */
  doc: string;
  group: CommandGroup;
  /** How the help lists its shortcut (`Ctrl+Z`). */
  shortcut?: string;
  keyTest?: (event: KeyLike) => boolean;
  /**
   * Whether perform has anything to do in this state, without doing it (perform may have side
   * effects, e.g. copy writes the system clipboard), so the help can show it disabled.
   */
  enabled(state: EditorState): boolean;
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

/** Applies what a command (or a gesture sharing its logic, like double-click) returned; false for null. */
export function applyResult(store: EditorStore, result: CommandResult | null): boolean {
  if (!result) return false;
  if (result.document) store.getState().commit(result.document, { history: result.captureHistory });
  if (result.patch) store.setState(result.patch);
  // An earlier command's "Made block1" would read as this one's outcome: a command that says
  // nothing clears the previous information line (errors stay until something replaces them).
  if (!(result.patch && 'notice' in result.patch) && store.getState().notice?.kind === 'info') store.setState({ notice: null });
  return true;
}

/** Runs a command against the store; returns false when it had nothing to do. */
export function runCommand(store: EditorStore, name: string): boolean {
  const command = registry.get(name);
  if (!command) throw new Error(`no command named '${name}'`);
  return applyResult(store, command.perform(store.getState()));
}

/** The command a key press runs, if any. */
export function commandForKey(event: KeyLike): Command | undefined {
  return registeredCommands().find((c) => c.keyTest?.(event));
}

export const modKey = (e: KeyLike) => e.ctrlKey || e.metaKey;
