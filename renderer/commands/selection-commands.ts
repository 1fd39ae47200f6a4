// Commands on the selection in the body being edited: delete it (one undoable step however many
// items), duplicate it, select everything.
import { duplicateNodes } from '../graph/clipboard-ops.ts';
import { removeItems } from '../graph/document-ops.ts';
import { documentWithBody, selectBody } from '../store/block-slice.ts';
import { modKey, register } from './command.ts';

export const deleteSelection = register({
  name: 'deleteSelection',
  label: 'Delete selection',
  doc: 'Remove the selected nodes and edges, with every edge touching a removed node, as one undo step',
  group: 'Edit',
  shortcut: 'Delete / Backspace',
  enabled: (state) => state.selectedNodes.length > 0 || state.selectedEdges.length > 0,
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
  doc: 'Select every node and edge of the graph being edited',
  group: 'Edit',
  shortcut: 'Ctrl+A',
  enabled: () => true,
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
  label: 'Duplicate',
  doc: 'Copy and paste the selected nodes in one step: fresh names, the edges among them',
  group: 'Edit',
  shortcut: 'Ctrl+D',
  enabled: (state) => state.selectedNodes.length > 0,
  keyTest: (e) => modKey(e) && !e.shiftKey && e.key.toLowerCase() === 'd',
  perform(state) {
    if (state.selectedNodes.length === 0) return null;
    const copy = duplicateNodes(selectBody(state), state.selectedNodes);
    return { document: documentWithBody(state, copy.doc), captureHistory: true, patch: { selectedNodes: copy.ids, selectedEdges: [] } };
  },
});
