// The body being edited (the main graph or a block definition) seen as a document, so every edit
// in graph/ — written against `doc.nodes` / `doc.edges` / `doc.layout` — works inside a block
// unchanged: edit the view, then write it back with withBody. Pure.
import type { GraphDocument } from '../../engine/protocol/graph-document.ts';

/** One level of drilling: the definition shown and the node it was entered through. */
export interface EditLevel {
  blockId: string;
  /** The instance or repeat node (in the parent body) that was opened: shapes are keyed under it. */
  nodeId: string;
  repeat: boolean;
}

// A view remembers its whole document, so names chosen inside a block avoid every name of the
// document (graph/node-names.ts) although the view's `nodes` are only the block's.
const roots = new WeakMap<GraphDocument, GraphDocument>();
const cache = new WeakMap<GraphDocument, Map<string, GraphDocument>>();

/** The whole document a view was made from (a document is its own root). */
export function rootDocument(doc: GraphDocument): GraphDocument {
  return roots.get(doc) ?? doc;
}

/**
 * The definition `blockId` as a document (same blocks, input and settings); the document itself
 * for undefined. The same view object is returned for the same document, so React selectors are
 * stable. Null when there is no such definition.
 */
export function bodyView(doc: GraphDocument, blockId: string | undefined): GraphDocument | null {
  if (blockId === undefined) return doc;
  let views = cache.get(doc);
  const known = views?.get(blockId);
  if (known) return known;
  const def = doc.blocks.find((b) => b.id === blockId);
  if (!def) return null;
  const { className: _main, ...rest } = doc;
  const view: GraphDocument = {
    ...rest,
    nodes: def.nodes,
    edges: def.edges,
    layout: def.layout ?? { positions: {} },
    ...(def.className !== undefined ? { className: def.className } : {}),
  };
  roots.set(view, doc);
  if (!views) cache.set(doc, (views = new Map()));
  views.set(blockId, view);
  return view;
}

/**
 * Writes an edited view back as the body of `blockId` (undefined: the view is the main graph).
 * Definitions the edit added (make block inside a block) come along from the view's `blocks`.
 */
export function withBody(doc: GraphDocument, blockId: string | undefined, view: GraphDocument): GraphDocument {
  if (blockId === undefined) return view;
  if (view === bodyView(doc, blockId)) return doc;
  if (!view.blocks.some((b) => b.id === blockId)) throw new Error(`block definition '${blockId}' is not in the edited document`);
  const blocks = view.blocks.map((b) => {
    if (b.id !== blockId) return b;
    const { className: _old, ...def } = b;
    return {
      ...def,
      nodes: view.nodes,
      edges: view.edges,
      layout: view.layout,
      ...(view.className !== undefined ? { className: view.className } : {}),
    };
  });
  return { ...doc, blocks };
}

/** The longest prefix of `path` whose definitions all exist (undo may remove a block being edited). */
export function validPath(doc: GraphDocument, path: readonly EditLevel[]): readonly EditLevel[] {
  const ids = new Set(doc.blocks.map((b) => b.id));
  const end = path.findIndex((level) => !ids.has(level.blockId));
  return end < 0 ? path : path.slice(0, end);
}

/**
 * The shortest edit path from the main graph to the definition `blockId`, through the first
 * instance or repeat that uses it at each level (what a problem inside a definition opens, so the
 * node it names can be shown); [] for the main graph, null when no use of it is reachable.
 */
export function pathToBlock(doc: GraphDocument, blockId: string | undefined): EditLevel[] | null {
  if (blockId === undefined) return [];
  const defs = new Map(doc.blocks.map((b) => [b.id, b]));
  const queue: { nodes: GraphDocument['nodes']; path: EditLevel[] }[] = [{ nodes: doc.nodes, path: [] }];
  const seen = new Set<string>();
  for (let next = queue.shift(); next; next = queue.shift()) {
    for (const node of next.nodes) {
      if (node.block === undefined || seen.has(node.block)) continue;
      const path = [...next.path, { blockId: node.block, nodeId: node.id, repeat: node.kind === 'Repeat' }];
      if (node.block === blockId) return path;
      seen.add(node.block);
      const def = defs.get(node.block);
      if (def) queue.push({ nodes: def.nodes, path });
    }
  }
  return null;
}

/** The key prefix of shape reports for nodes of the innermost level (`b2/rep#0/`): its first copy. */
export function shapePrefix(path: readonly EditLevel[]): string {
  return path.map((l) => `${l.nodeId}${l.repeat ? '#0' : ''}/`).join('');
}

/** A shape report's nodes and edges under `prefix`, keyed by their ids in the edited body. */
export function shapesAt<R extends { nodes: Record<string, unknown>; edges: Record<string, unknown> }>(report: R | null, prefix: string): R | null {
  if (!report || prefix === '') return report;
  const under = <T>(table: Record<string, T>) =>
    Object.fromEntries(
      Object.entries(table)
        .filter(([k]) => k.startsWith(prefix) && !k.slice(prefix.length).includes('/'))
        .map(([k, v]) => [k.slice(prefix.length), v]),
    );
  return { ...report, nodes: under(report.nodes), edges: under(report.edges) };
}
