// Commands on blocks: make a block from the selection and unmake one, repeat a block ×N, open the
// selected block's definition (an inline-sequence repeat gets one first) and go back out. Each
// edit is one undoable step.
import type { GraphNode } from '../../engine/protocol/graph-document.ts';
import { makeBlock, unmakeBlock } from '../graph/block-ops.ts';
import { repeatInstance, sequenceToBlock } from '../graph/repeat-ops.ts';
import { documentWithBody, selectBlockId, selectBody, selectEditPath } from '../store/block-slice.ts';
import type { EditorState } from '../store/editor-state.ts';
import { modKey, register, type CommandResult } from './command.ts';

/** The count "Repeat ×N" starts with; the inspector changes it afterwards. */
export const DEFAULT_REPEAT_COUNT = 4;

const refused = (what: string, reason: string): CommandResult => ({
  captureHistory: false,
  patch: { notice: { kind: 'error', text: `Cannot ${what}: ${reason}` } },
});

export const makeBlockCommand = register({
  name: 'makeBlock',
  label: 'Make block',
  doc: 'Turn the selected nodes into a block definition and put one instance of it in their place',
  group: 'Blocks',
  shortcut: 'Ctrl+G',
  enabled: (state) => state.selectedNodes.length > 0,
  keyTest: (e) => modKey(e) && !e.shiftKey && e.key.toLowerCase() === 'g',
  perform(state) {
    if (state.selectedNodes.length === 0) return null;
    const made = makeBlock(selectBody(state), state.selectedNodes);
    if (!made.ok) return refused('make a block', made.reason);
    return {
      document: documentWithBody(state, made.doc),
      captureHistory: true,
      patch: { selectedNodes: [made.instanceId], selectedEdges: [], notice: { kind: 'info', text: `Made ${made.blockId}` } },
    };
  },
});

export const unmakeBlockCommand = register({
  name: 'unmakeBlock',
  label: 'Unmake block',
  doc: "Put the selected block instance's layers back in its place (the definition goes when nothing else uses it)",
  group: 'Blocks',
  shortcut: 'Ctrl+Shift+G',
  enabled: (state) => state.selectedNodes.length === 1,
  keyTest: (e) => modKey(e) && e.shiftKey && e.key.toLowerCase() === 'g',
  perform(state) {
    if (state.selectedNodes.length !== 1) {
      return state.selectedNodes.length === 0 ? null : refused('unmake the block', 'select one block instance');
    }
    const undone = unmakeBlock(selectBody(state), state.selectedNodes[0]!, selectBlockId(state));
    if (!undone.ok) return refused('unmake the block', undone.reason);
    const kept = undone.removedDefinition ? `; ${undone.blockId} is no longer used and was removed` : `; ${undone.blockId} stays for its other uses`;
    return {
      document: documentWithBody(state, undone.doc),
      captureHistory: true,
      patch: { selectedNodes: undone.ids, selectedEdges: [], notice: { kind: 'info', text: `Unmade ${undone.blockId}${kept}` } },
    };
  },
});

/** A selected instance becomes a Repeat; a selection of layers first becomes a block (one step). */
export function repeatSelection(state: EditorState, count = DEFAULT_REPEAT_COUNT): CommandResult | null {
  if (state.selectedNodes.length === 0) return null;
  let body = selectBody(state);
  let target = state.selectedNodes[0]!;
  const single = state.selectedNodes.length === 1 ? body.nodes.find((n) => n.id === target) : undefined;
  if (single?.kind === 'Repeat') return refused('repeat', `${single.name} is already a repeat; change its count in the inspector`);
  if (single?.kind !== 'BlockInstance') {
    const made = makeBlock(body, state.selectedNodes);
    if (!made.ok) return refused('repeat', made.reason);
    body = made.doc;
    target = made.instanceId;
  }
  const repeated = repeatInstance(body, target, count);
  if (!repeated.ok) return refused('repeat', repeated.reason);
  const made = repeated.doc.nodes.find((n) => n.id === target);
  return {
    document: documentWithBody(state, repeated.doc),
    captureHistory: true,
    patch: { selectedNodes: [target], selectedEdges: [], notice: { kind: 'info', text: `Repeated ${made?.block ?? 'the block'} ×${count}` } },
  };
}

export const repeatCommand = register({
  name: 'repeatSelection',
  label: `Repeat ×${DEFAULT_REPEAT_COUNT}`,
  doc: `Repeat the selected block ×${DEFAULT_REPEAT_COUNT} (a selection of layers becomes a block first); the inspector changes the count`,
  group: 'Blocks',
  enabled: (state) => state.selectedNodes.length > 0,
  // Not Ctrl+R: that reloads the page in a browser.
  shortcut: 'Alt+R',
  keyTest: (e) => e.altKey && !modKey(e) && e.key.toLowerCase() === 'r',
  perform: (state) => repeatSelection(state),
});

/** A block instance or repeat that can be opened: one with a definition, or a repeat of an inline sequence. */
function openable(state: EditorState, nodeId: string | undefined): GraphNode | undefined {
  const node = nodeId === undefined ? undefined : selectBody(state).nodes.find((n) => n.id === nodeId);
  if (node?.kind === 'BlockInstance' && node.block !== undefined) return node;
  if (node?.kind === 'Repeat' && (node.block !== undefined || node.sequence !== undefined)) return node;
  return undefined;
}

const openableNode = (state: EditorState) => (state.selectedNodes.length === 1 ? openable(state, state.selectedNodes[0]) : undefined);

/**
 * Drills into `nodeId`'s definition (Alt+↓, double-click). A repeat of an inline sequence has none,
 * so it first gets one (repeat-ops sequenceToBlock; its layers keep their names, so parameter
 * names stay) — one undo step, whose undo also leaves the definition it made.
 */
export function openNode(state: EditorState, nodeId: string): CommandResult | null {
  const node = openable(state, nodeId);
  if (!node) return null;
  const enter = (blockId: string) => ({
    editPath: [...selectEditPath(state), { blockId, nodeId: node.id, repeat: node.kind === 'Repeat' }],
    selectedNodes: [],
    selectedEdges: [],
  });
  if (node.block === undefined) {
    const converted = sequenceToBlock(selectBody(state), node.id);
    if (!converted.ok) return refused('open the repeat', converted.reason);
    return {
      document: documentWithBody(state, converted.doc),
      captureHistory: true,
      patch: { ...enter(converted.blockId), notice: { kind: 'info', text: `${node.name}'s inline layers are now block definition ${converted.blockId}` } },
    };
  }
  if (!state.document.blocks.some((b) => b.id === node.block)) return refused('open the block', `definition '${node.block}' does not exist`);
  return { captureHistory: false, patch: enter(node.block) };
}

export const openBlock = register({
  name: 'openBlock',
  label: 'Open block',
  doc: "Edit the selected block's or repeat's definition (or double-click it); the breadcrumb shows where you are",
  group: 'Blocks',
  shortcut: 'Alt+↓',
  enabled: (state) => openableNode(state) !== undefined,
  keyTest: (e) => e.altKey && !modKey(e) && e.key === 'ArrowDown',
  perform: (state) => (state.selectedNodes.length === 1 ? openNode(state, state.selectedNodes[0]!) : null),
});

export const leaveBlock = register({
  name: 'leaveBlock',
  label: 'Leave block',
  doc: 'Back out of the definition being edited to the graph that uses it (or click the breadcrumb)',
  group: 'Blocks',
  shortcut: 'Alt+↑',
  enabled: (state) => selectEditPath(state).length > 0,
  keyTest: (e) => e.altKey && !modKey(e) && e.key === 'ArrowUp',
  perform(state) {
    const path = selectEditPath(state);
    if (path.length === 0) return null;
    // The block just left is selected, so Alt+↓ goes straight back in.
    return { captureHistory: false, patch: { editPath: path.slice(0, -1), selectedNodes: [path.at(-1)!.nodeId], selectedEdges: [] } };
  },
});
