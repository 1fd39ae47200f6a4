// Commands on blocks: make a block from the selection and unmake one, repeat a block ×N, open the
// selected block's definition and go back out. Each edit is one undoable step.
import { makeBlock, unmakeBlock } from '../graph/block-ops.ts';
import { repeatInstance } from '../graph/repeat-ops.ts';
import { documentWithBody, selectBlockId, selectBody, selectEditPath } from '../store/block-slice.ts';
import type { EditorState } from '../store/editor-state.ts';
import { modKey, register, type CommandResult } from './command.ts';

/** The count "Repeat ×N" starts with; the inspector changes it afterwards. */
export const DEFAULT_REPEAT_COUNT = 4;

const refused = (what: string, reason: string): CommandResult => ({
  captureHistory: false, patch: { notice: { kind: 'error', text: `Cannot ${what}: ${reason}` } },
});

export const makeBlockCommand = register({
  name: 'makeBlock',
  label: 'Make a block from the selection',
  shortcut: 'Ctrl+G',
  keyTest: (e) => modKey(e) && !e.shiftKey && e.key.toLowerCase() === 'g',
  perform(state) {
    if (state.selectedNodes.length === 0) return null;
    const made = makeBlock(selectBody(state), state.selectedNodes);
    if (!made.ok) return refused('make a block', made.reason);
    return {
      document: documentWithBody(state, made.doc), captureHistory: true,
      patch: { selectedNodes: [made.instanceId], selectedEdges: [], notice: { kind: 'info', text: `Made ${made.blockId}` } },
    };
  },
});

export const unmakeBlockCommand = register({
  name: 'unmakeBlock',
  label: 'Unmake the selected block: its layers come back in its place',
  shortcut: 'Ctrl+Shift+G',
  keyTest: (e) => modKey(e) && e.shiftKey && e.key.toLowerCase() === 'g',
  perform(state) {
    if (state.selectedNodes.length !== 1) {
      return state.selectedNodes.length === 0 ? null : refused('unmake the block', 'select one block instance');
    }
    const undone = unmakeBlock(selectBody(state), state.selectedNodes[0]!, selectBlockId(state));
    if (!undone.ok) return refused('unmake the block', undone.reason);
    const kept = undone.removedDefinition ? `; ${undone.blockId} is no longer used and was removed` : `; ${undone.blockId} stays for its other uses`;
    return {
      document: documentWithBody(state, undone.doc), captureHistory: true,
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
  return { document: documentWithBody(state, repeated.doc), captureHistory: true, patch: { selectedNodes: [target], selectedEdges: [] } };
}

export const repeatCommand = register({
  name: 'repeatSelection',
  label: `Repeat the selected block ×${DEFAULT_REPEAT_COUNT} (a selection of layers becomes a block first)`,
  // Not Ctrl+R: that reloads the page in a browser.
  shortcut: 'Alt+R',
  keyTest: (e) => e.altKey && !modKey(e) && e.key.toLowerCase() === 'r',
  perform: (state) => repeatSelection(state),
});

export const openBlock = register({
  name: 'openBlock',
  label: 'Open the selected block\'s definition (or double-click it)',
  shortcut: 'Alt+↓',
  keyTest: (e) => e.altKey && !modKey(e) && e.key === 'ArrowDown',
  perform(state) {
    const node = state.selectedNodes.length === 1 ? selectBody(state).nodes.find((n) => n.id === state.selectedNodes[0]) : undefined;
    if (!node?.block || (node.kind !== 'BlockInstance' && node.kind !== 'Repeat')) return null;
    if (!state.document.blocks.some((b) => b.id === node.block)) return refused('open the block', `definition '${node.block}' does not exist`);
    return {
      captureHistory: false,
      patch: { editPath: [...selectEditPath(state), { blockId: node.block, nodeId: node.id, repeat: node.kind === 'Repeat' }], selectedNodes: [], selectedEdges: [] },
    };
  },
});

export const leaveBlock = register({
  name: 'leaveBlock',
  label: 'Back out of the block being edited',
  shortcut: 'Alt+↑',
  keyTest: (e) => e.altKey && !modKey(e) && e.key === 'ArrowUp',
  perform(state) {
    const path = selectEditPath(state);
    if (path.length === 0) return null;
    // The block just left is selected, so Alt+↓ goes straight back in.
    return { captureHistory: false, patch: { editPath: path.slice(0, -1), selectedNodes: [path.at(-1)!.nodeId], selectedEdges: [] } };
  },
});
