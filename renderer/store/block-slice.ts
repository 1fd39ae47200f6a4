// The store's part for blocks and the clipboard: which body is being edited (main › block2 ›
// block1), edits committed to that body, and the copied nodes. The selectors below give every
// view the edited body as a document (graph/body-view.ts), so canvas, inspector and commands edit
// a block exactly as they edit the main graph, with the same history.
import type { StateCreator } from 'zustand/vanilla';
import type { GraphDocument, GraphNode } from '../../engine/protocol/graph-document.ts';
import { bodyView, shapePrefix, validPath, withBody, type EditLevel } from '../graph/body-view.ts';
import type { NodeClipboard } from '../graph/clipboard-ops.ts';
import type { CommitOptions, EditorState } from './editor-state.ts';

export interface BlockSlice {
  /** The definitions drilled into, outermost first; empty while editing the main graph. */
  editPath: EditLevel[];
  /** The last copied nodes, and how often they were pasted (each paste lands a bit further). */
  clipboard: { content: NodeClipboard; pastes: number } | null;
  /** Opens a definition inside the body being edited (through the node `level.nodeId`). */
  enterBlock(level: EditLevel): void;
  /** Goes back out to `depth` levels (0: the main graph). */
  leaveTo(depth: number): void;
  /** Commits an edited body view (from selectBody) as the next document. */
  commitBody(view: GraphDocument, options?: CommitOptions): void;
  setClipboard(content: NodeClipboard | null, pastes?: number): void;
}

type View = Pick<EditorState, 'document' | 'editPath'>;

/** The edit path that still exists in the document (an undo may remove the block being edited). */
export const selectEditPath = (s: View): readonly EditLevel[] => validPath(s.document, s.editPath);

/** The id of the definition being edited; undefined for the main graph. */
export const selectBlockId = (s: View): string | undefined => selectEditPath(s).at(-1)?.blockId;

/** The body being edited as a document (the document itself at the main graph); stable per document. */
export const selectBody = (s: View): GraphDocument => bodyView(s.document, selectBlockId(s)) ?? s.document;

// Nodes by id, built once per nodes array: each canvas node reads its own node through a store
// selector on every store change, and a linear find per node made that O(n²) per change.
const nodeIndexes = new WeakMap<readonly GraphNode[], Map<string, GraphNode>>();
export function nodeIndex(nodes: readonly GraphNode[]): Map<string, GraphNode> {
  let index = nodeIndexes.get(nodes);
  if (!index) {
    index = new Map(nodes.map((n) => [n.id, n]));
    nodeIndexes.set(nodes, index);
  }
  return index;
}

/** A node of the body being edited, by id. */
export const selectBodyNode = (s: View, id: string): GraphNode | undefined => nodeIndex(selectBody(s).nodes).get(id);

/** Where shape reports keep the edited body's nodes and edges (its first expansion). */
export const selectShapePrefix = (s: View): string => shapePrefix(selectEditPath(s));

/** The whole document with `view` written back as the edited body. */
export const documentWithBody = (s: View, view: GraphDocument): GraphDocument => withBody(s.document, selectBlockId(s), view);

export const blockSlice: StateCreator<EditorState, [], [], BlockSlice> = (set, get) => ({
  editPath: [],
  clipboard: null,
  enterBlock(level) {
    const state = get();
    if (!state.document.blocks.some((b) => b.id === level.blockId)) return;
    set({ editPath: [...selectEditPath(state), level], selectedNodes: [], selectedEdges: [] });
  },
  leaveTo(depth) {
    const path = selectEditPath(get());
    if (depth >= path.length && path.length === get().editPath.length) return;
    set({ editPath: path.slice(0, Math.max(0, depth)), selectedNodes: [], selectedEdges: [] });
  },
  commitBody(view, options) {
    const state = get();
    state.commit(documentWithBody(state, view), options);
  },
  setClipboard(content, pastes = 0) {
    set({ clipboard: content ? { content, pastes } : null });
  },
});
