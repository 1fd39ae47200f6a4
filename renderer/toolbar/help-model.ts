// What the help overlay (`?`) lists, without React: every registered command and the toolbar's
// actions (File, View, Run: they need the engine session or the file controller, so they are not
// registry commands) as entries grouped File › Edit › Blocks › View › Run, the mouse gestures,
// the search over all of them, and the keyboard movement through the list. Pure.
import type { Command, CommandGroup } from '../commands/command.ts';
import { selectBody } from '../store/block-slice.ts';
import type { EditorState } from '../store/editor-state.ts';

export const HELP_GROUPS: readonly CommandGroup[] = ['File', 'Edit', 'Blocks', 'View', 'Run'];

export interface HelpEntry {
  /** A registry command (run with runCommand) or one of APP_ACTIONS (run by the help's handlers). */
  source: 'command' | 'app';
  /** The registry's command name, or an app action's id. */
  id: string;
  group: CommandGroup;
  label: string;
  shortcut?: string;
  doc: string;
}

export interface HelpGesture {
  gesture: string;
  doc: string;
}

/** The toolbar's and File menu's actions, listed and run by the help (ShortcutHelp maps each id to its handler). */
export const APP_ACTIONS = [
  { source: 'app', id: 'new', group: 'File', label: 'New', doc: 'Start an empty document (asks before dropping unsaved changes)' },
  {
    source: 'app',
    id: 'open',
    group: 'File',
    label: 'Open…',
    shortcut: 'Ctrl+O',
    doc: 'Open a document file by its path (the engine reads it; version-1 files are upgraded)',
  },
  { source: 'app', id: 'save', group: 'File', label: 'Save', shortcut: 'Ctrl+S', doc: 'Write the document to its file (asks for a path the first time)' },
  {
    source: 'app',
    id: 'saveAs',
    group: 'File',
    label: 'Save as…',
    shortcut: 'Ctrl+Shift+S',
    doc: 'Write the document to a new path, which it keeps from then on',
  },
  {
    source: 'app',
    id: 'importModel',
    group: 'File',
    label: 'Import model…',
    doc: 'Open an ONNX model as a document: layers, repeated units as blocks, its values loaded (or drop the .onnx on the editor)',
  },
  {
    source: 'app',
    id: 'exportModel',
    group: 'File',
    label: 'Export…',
    shortcut: 'Ctrl+Shift+E',
    doc: 'Write the model as ONNX, PyTorch / Gluon / TypeScript code, .safetensors (with the graph), .npz or MXNet .params',
  },
  { source: 'app', id: 'download', group: 'File', label: 'Download', doc: "Save the document as a JSON file through the browser's downloads" },
  {
    source: 'app',
    id: 'layout',
    group: 'View',
    label: 'Layout',
    doc: 'Lay out the selection (two or more nodes) or the whole graph left to right, as one undo step',
  },
  { source: 'app', id: 'toggleTheme', group: 'View', label: 'Toggle dark theme', doc: 'Switch between the light and the dark theme' },
  {
    source: 'app',
    id: 'run',
    group: 'Run',
    label: 'Run',
    shortcut: 'Ctrl+Enter',
    doc: 'A forward pass in the engine, then the parameter table and the output heatmap',
  },
] as const satisfies readonly HelpEntry[];

export type AppActionId = (typeof APP_ACTIONS)[number]['id'];

export const GESTURES: readonly HelpGesture[] = [
  { gesture: 'Drag from the palette', doc: 'add a layer or block where you drop it' },
  { gesture: 'Double-click the canvas', doc: "quick add: type a layer's name, Enter adds the first match" },
  { gesture: 'Double-click a block or repeat', doc: 'drill in: edit its definition (an inline sequence becomes one first); the breadcrumb leads back out' },
  { gesture: 'Drag from an output port to an input port', doc: 'connect (refused for cycles and a second edge into one input)' },
  { gesture: "Drag an edge's end to another port", doc: 'reconnect it, with the same checks as connecting' },
  { gesture: 'Click, Ctrl+click', doc: 'select; add to the selection' },
  { gesture: 'Shift+drag', doc: 'box select' },
  { gesture: '?', doc: 'this help; Escape closes it' },
];

/** The registry's commands as help entries, in registration order. */
export function commandEntries(commands: readonly Command[]): HelpEntry[] {
  return commands.map(({ name, group, label, shortcut, doc }) => ({
    source: 'command',
    id: name,
    group,
    label,
    doc,
    ...(shortcut !== undefined ? { shortcut } : {}),
  }));
}

/** Whether Enter on the entry would do something now: the command's own check, or the toolbar's for an app action. */
export function entryEnabled(entry: HelpEntry, state: EditorState, commandNamed: (name: string) => Command | undefined): boolean {
  if (entry.source === 'command') return commandNamed(entry.id)?.enabled(state) ?? false;
  // As the toolbar: Run is disabled unless the engine is ready; a layout needs nodes to place.
  if (entry.id === 'run') return state.engineStatus === 'ready' && state.connectionLost === null;
  if (entry.id === 'layout') return selectBody(state).nodes.length > 0;
  return true;
}

/**
 * Whether `text` matches the search: every word of the query (case-insensitive) appears in it, so
 * `block` finds the block commands and `ctrl+g` finds Make block by its keys.
 */
export function matchesQuery(text: string, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const hay = text.toLowerCase();
  return words.every((w) => hay.includes(w));
}

const entryText = (e: HelpEntry) => `${e.group} ${e.label} ${e.shortcut ?? ''} ${e.doc}`;

export interface HelpSection {
  group: CommandGroup;
  entries: HelpEntry[];
}

export interface HelpView {
  /** The groups with a match, in HELP_GROUPS order; entries keep their given order. */
  sections: HelpSection[];
  /** The matching entries in the order drawn: what ↑/↓ move through and Enter runs. */
  entries: HelpEntry[];
  gestures: HelpGesture[];
}

export function helpView(entries: readonly HelpEntry[], gestures: readonly HelpGesture[], query: string): HelpView {
  const shown = entries.filter((e) => matchesQuery(entryText(e), query));
  const sections = HELP_GROUPS.map((group) => ({ group, entries: shown.filter((e) => e.group === group) })).filter((s) => s.entries.length > 0);
  return {
    sections,
    entries: sections.flatMap((s) => s.entries),
    gestures: gestures.filter((g) => matchesQuery(`${g.gesture} ${g.doc}`, query)),
  };
}

/**
 * The active row after ↑ / ↓ (wrapping around); null for any other key, which stays the search
 * field's (Home / End move its caret).
 */
export function moveActive(key: string, active: number, count: number): number | null {
  if (count === 0) return null;
  if (key === 'ArrowDown') return (Math.min(active, count - 1) + 1) % count;
  if (key === 'ArrowUp') return (Math.min(active, count - 1) - 1 + count) % count;
  return null;
}
