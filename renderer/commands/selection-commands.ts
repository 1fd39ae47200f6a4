// Commands on the selection: delete it (one undoable step however many items), duplicate it,
// select everything.
import { duplicateNodes, removeItems } from '../graph/document-ops.ts';
import { modKey, register } from './command.ts';

export const deleteSelection = register({
  name: 'deleteSelection',
  label: 'Delete selection',
  shortcut: 'Delete / Backspace',
  keyTest: (e) => !modKey(e) && (e.key === 'Delete' || e.key === 'Backspace'),
  perform(state) {
    if (state.selectedNodes.length === 0 && state.selectedEdges.length === 0) return null;
    return {
      document: removeItems(state.document, state.selectedNodes, state.selectedEdges),
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
    return {
      captureHistory: false,
      patch: { selectedNodes: state.document.nodes.map((n) => n.id), selectedEdges: state.document.edges.map((e) => e.id) },
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
    const copy = duplicateNodes(state.document, state.selectedNodes);
    return { document: copy.doc, captureHistory: true, patch: { selectedNodes: copy.ids, selectedEdges: [] } };
  },
});
