// Commands on the selection in the body being edited: delete it (one undoable step however many
// items), duplicate it, select everything.
import { duplicateNodes, removeItems } from '../graph/document-ops.ts';
import { documentWithBody, selectBody } from '../store/block-slice.ts';
import { modKey, register } from './command.ts';

export const deleteSelection = register({
  name: 'deleteSelection',
  label: 'Delete selection',
  shortcut: 'Delete / Backspace',
  keyTest: (e) => !modKey(e) && (e.key === 'Delete' || e.key === 'Backspace'),
  perform(state) {
    if (state.selectedNodes.length === 0 && state.selectedEdges.length === 0) return null;
    return {
      document: documentWithBody(state, removeItems(selectBody(state), state.selectedNodes, state.selectedEdges)),
      captureHistory: true,
      patch: { selectedNodes: [], selectedEdges: [] },
    };
  },
});

export const selectAll = register({
  name: 'selectAll',
  label: 'Select all',
  shortcut: 'Ctrl+A',
  keyTest: (e) => modKey(e) && !e.shiftKey && e.key.toLowerCase() === 'a',
  perform(state) {
    const body = selectBody(state);
    return {
      captureHistory: false,
      patch: { selectedNodes: body.nodes.map((n) => n.id), selectedEdges: body.edges.map((e) => e.id) },
    };
  },
});

export const duplicateSelection = register({
  name: 'duplicateSelection',
  label: 'Duplicate the selection (with the edges among it)',
  shortcut: 'Ctrl+D',
  keyTest: (e) => modKey(e) && !e.shiftKey && e.key.toLowerCase() === 'd',
  perform(state) {
    if (state.selectedNodes.length === 0) return null;
    const copy = duplicateNodes(selectBody(state), state.selectedNodes);
    return { document: documentWithBody(state, copy.doc), captureHistory: true, patch: { selectedNodes: copy.ids, selectedEdges: [] } };
  },
});
