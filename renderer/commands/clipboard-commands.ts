// Copy, cut and paste of nodes through the store's clipboard (also written to the system
// clipboard as JSON when the page may, for pasting into a text editor; pasting reads only the
// store's, which needs no permission prompt). "Paste with links" also redraws the edges that
// came into the copied nodes from nodes that are still in the graph.
import { copyNodes, pasteNodes } from '../graph/clipboard-ops.ts';
import { removeItems } from '../graph/document-ops.ts';
import { recursionProblem } from '../graph/palette-blocks.ts';
import { documentWithBody, selectBlockId, selectBody } from '../store/block-slice.ts';
import type { EditorState } from '../store/editor-state.ts';
import { modKey, register, type CommandResult } from './command.ts';

/** Each further paste of the same copy lands this much further down and right. */
const PASTE_STEP = 40;

/** Text selected on the page (a problem's message, say) is the browser's to copy, not ours. */
function pageTextSelected(): boolean {
  return typeof window !== 'undefined' && window.getSelection?.()?.isCollapsed === false;
}

function writeSystemClipboard(text: string): void {
  const clipboard = typeof navigator === 'undefined' ? undefined : navigator.clipboard;
  // Best effort: a page without focus or permission may not write; the store keeps the copy anyway.
  clipboard?.writeText(text).catch(() => undefined);
}

function copyPatch(state: EditorState): CommandResult | null {
  const content = copyNodes(selectBody(state), state.selectedNodes);
  if (!content) return null;
  writeSystemClipboard(JSON.stringify({ format: 'blocksmith.nodes', ...content }));
  const n = content.nodes.length;
  return { captureHistory: false, patch: { clipboard: { content, pastes: 0 }, notice: { kind: 'info', text: `Copied ${n} node${n === 1 ? '' : 's'}` } } };
}

export const copySelection = register({
  name: 'copySelection',
  label: 'Copy',
  doc: 'Copy the selected nodes, the edges among them and the block definitions they use',
  group: 'Edit',
  shortcut: 'Ctrl+C',
  enabled: (state) => state.selectedNodes.length > 0,
  keyTest: (e) => modKey(e) && !e.shiftKey && e.key.toLowerCase() === 'c' && !pageTextSelected(),
  perform: copyPatch,
});

export const cutSelection = register({
  name: 'cutSelection',
  label: 'Cut',
  doc: 'Copy the selected nodes, then delete them (one undo step)',
  group: 'Edit',
  shortcut: 'Ctrl+X',
  enabled: (state) => state.selectedNodes.length > 0,
  keyTest: (e) => modKey(e) && !e.shiftKey && e.key.toLowerCase() === 'x' && !pageTextSelected(),
  perform(state) {
    const copied = copyPatch(state);
    if (!copied) return null;
    return {
      document: documentWithBody(state, removeItems(selectBody(state), state.selectedNodes, state.selectedEdges)),
      captureHistory: true,
      patch: { ...copied.patch, selectedNodes: [], selectedEdges: [] },
    };
  },
});

function paste(state: EditorState, links: boolean): CommandResult | null {
  if (!state.clipboard) return null;
  // A definition may not contain a use of itself (the engine would refuse it as recursive).
  const recursive = recursionProblem(
    state.document,
    state.clipboard.content.blocks.map((b) => b.id),
    selectBlockId(state),
  );
  if (recursive) return { captureHistory: false, patch: { notice: { kind: 'error', text: `Cannot paste: the copy uses ${recursive}` } } };
  const step = PASTE_STEP * (state.clipboard.pastes + 1);
  const pasted = pasteNodes(selectBody(state), state.clipboard.content, { offset: { x: step, y: step }, links });
  return {
    document: documentWithBody(state, pasted.doc),
    captureHistory: true,
    patch: {
      selectedNodes: pasted.ids,
      selectedEdges: [],
      clipboard: { ...state.clipboard, pastes: state.clipboard.pastes + 1 },
      notice: { kind: 'info', text: `Pasted ${pasted.ids.length} node${pasted.ids.length === 1 ? '' : 's'}${links ? ' with links' : ''}` },
    },
  };
}

export const pasteCommand = register({
  name: 'paste',
  label: 'Paste',
  doc: 'Paste the copied nodes with fresh names and the edges among them; each further paste lands 40 px further',
  group: 'Edit',
  shortcut: 'Ctrl+V',
  enabled: (state) => state.clipboard !== null,
  keyTest: (e) => modKey(e) && !e.shiftKey && e.key.toLowerCase() === 'v',
  perform: (state) => paste(state, false),
});

export const pasteWithLinks = register({
  name: 'pasteWithLinks',
  label: 'Paste with links',
  doc: 'Paste, and also redraw the edges that came into the copied nodes from nodes still in the graph',
  group: 'Edit',
  shortcut: 'Ctrl+Shift+V',
  enabled: (state) => state.clipboard !== null,
  keyTest: (e) => modKey(e) && e.shiftKey && e.key.toLowerCase() === 'v',
  perform: (state) => paste(state, true),
});
