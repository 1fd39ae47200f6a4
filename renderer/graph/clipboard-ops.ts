// Copy and paste of nodes (and Ctrl+D, which is copy + paste in one step). A copy carries the
// nodes, the edges among them, the edges coming into them from outside (for "paste with links"),
// their positions and the block definitions they use, so it can be pasted into another block or
// another document. Pasted nodes get fresh ids and fresh Gluon names. Pure.
import type { BlockDefinition, GraphDocument, GraphEdge, GraphNode, ParamSettings } from '../../engine/protocol/graph-document.ts';
import { definitionsUsed, freshBlockId } from './block-ops.ts';
import { freshId, type Point } from './graph-basics.ts';
import { rootDocument } from './body-view.ts';
import { freshNodeName } from './node-names.ts';

export interface NodeClipboard {
  nodes: GraphNode[];
  /** Edges between copied nodes. */
  edges: GraphEdge[];
  /** Edges from nodes that were not copied into copied ones: "paste with links" redraws them. */
  links: GraphEdge[];
  positions: Record<string, Point>;
  /** Definitions the copied nodes use (directly or nested). */
  blocks: BlockDefinition[];
}

/** The nodes `ids` of `doc` as a clipboard, or null when none of them is in the graph. */
export function copyNodes(doc: GraphDocument, ids: readonly string[]): NodeClipboard | null {
  const chosen = new Set(ids);
  const nodes = doc.nodes.filter((n) => chosen.has(n.id));
  if (nodes.length === 0) return null;
  const positions: Record<string, Point> = {};
  for (const n of nodes) positions[n.id] = doc.layout?.positions?.[n.id] ?? { x: 0, y: 0 };
  return {
    nodes,
    edges: doc.edges.filter((e) => chosen.has(e.source.node) && chosen.has(e.target.node)),
    links: doc.edges.filter((e) => !chosen.has(e.source.node) && chosen.has(e.target.node)),
    positions,
    blocks: definitionsUsed(doc, nodes),
  };
}

/**
 * Adds the clipboard's definitions that `doc` lacks. A definition whose id is taken by a different
 * one (copied from another document) is added under a fresh id; returns the id changes.
 */
function mergeDefinitions(doc: GraphDocument, defs: readonly BlockDefinition[]): { doc: GraphDocument; renamed: Map<string, string> } {
  const renamed = new Map<string, string>();
  let blocks = [...doc.blocks];
  const added: BlockDefinition[] = [];
  for (const def of defs) {
    const same = blocks.find((b) => b.id === def.id);
    if (same && JSON.stringify(same) === JSON.stringify(def)) continue;
    const id = same ? freshBlockId({ blocks }) : def.id;
    if (id !== def.id) renamed.set(def.id, id);
    const copy = { ...def, id };
    added.push(copy);
    blocks = [...blocks, copy];
  }
  const remap = (n: GraphNode): GraphNode => (n.block !== undefined && renamed.has(n.block) ? { ...n, block: renamed.get(n.block)! } : n);
  blocks = blocks.map((b) => (added.includes(b) ? { ...b, nodes: b.nodes.map(remap) } : b));
  return { doc: { ...doc, blocks }, renamed };
}

/** A copied tie: to the copy of its target when that was copied too, kept when its target is here, else dropped. */
function copiedParams(params: GraphNode['params'], ids: ReadonlyMap<string, string>, present: ReadonlySet<string>): GraphNode['params'] {
  if (!params) return undefined;
  const out: Record<string, ParamSettings> = {};
  for (const [k, p] of Object.entries(params)) {
    const { tiedTo, ...rest } = p;
    if (!tiedTo) out[k] = p;
    else if (ids.has(tiedTo.node)) out[k] = { ...rest, tiedTo: { ...tiedTo, node: ids.get(tiedTo.node)! } };
    else if (present.has(tiedTo.node)) out[k] = p;
    else if (Object.keys(rest).length > 0) out[k] = rest;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * Pastes a clipboard into `doc` (a document or a body view), `offset` from where the nodes were.
 * With `links`, edges that came into the copied nodes from nodes still in this graph are drawn
 * again into the copies. Returns the new nodes' ids (to select them).
 */
export function pasteNodes(doc: GraphDocument, clip: NodeClipboard, opts: { offset?: Point; links?: boolean } = {}): { doc: GraphDocument; ids: string[] } {
  const offset = opts.offset ?? { x: 40, y: 40 };
  const merged = mergeDefinitions(doc, clip.blocks);
  let next = merged.doc;
  const present = new Set(doc.nodes.map((n) => n.id));
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  const nodes: GraphNode[] = [];
  const positions: Record<string, Point> = {};
  for (const node of clip.nodes) {
    const block = node.block !== undefined ? (merged.renamed.get(node.block) ?? node.block) : undefined;
    const name = freshNodeName(next, { ...node, block }, taken, rootDocument(doc));
    taken.add(name);
    const id = freshId({ nodes: [...next.nodes, ...nodes], edges: next.edges }, name);
    ids.set(node.id, id);
    const { key: _key, params: _params, ...rest } = node;
    nodes.push({ ...rest, id, name, ...(block !== undefined ? { block } : {}) });
    const at = clip.positions[node.id] ?? { x: 0, y: 0 };
    positions[id] = { x: at.x + offset.x, y: at.y + offset.y };
  }
  // Ties are settled once every copy has its id.
  const withTies = nodes.map((n, i) => {
    const params = copiedParams(clip.nodes[i]!.params, ids, present);
    return params ? { ...n, params } : n;
  });
  next = { ...next, nodes: [...next.nodes, ...withTies] };
  const edges: GraphEdge[] = [];
  const addEdge = (e: GraphEdge, source: string, target: string) => {
    edges.push({
      id: freshId({ nodes: next.nodes, edges: [...next.edges, ...edges] }, `e_${source}_${target}`),
      source: { ...e.source, node: source },
      target: { ...e.target, node: target },
    });
  };
  for (const e of clip.edges) addEdge(e, ids.get(e.source.node)!, ids.get(e.target.node)!);
  if (opts.links) for (const e of clip.links) if (present.has(e.source.node)) addEdge(e, e.source.node, ids.get(e.target.node)!);
  const collapsed = Object.fromEntries(
    clip.nodes.filter((n) => doc.layout?.collapsed?.[n.id] !== undefined).map((n) => [ids.get(n.id)!, doc.layout!.collapsed![n.id]!]),
  );
  return {
    doc: {
      ...next,
      edges: [...next.edges, ...edges],
      layout: {
        ...next.layout,
        positions: { ...next.layout?.positions, ...positions },
        ...(Object.keys(collapsed).length > 0 ? { collapsed: { ...next.layout?.collapsed, ...collapsed } } : {}),
      },
    },
    ids: [...ids.values()],
  };
}

/**
 * Copies nodes (fresh names and ids, offset on the canvas) with the edges among them; settings
 * are copied, ties among the copies point at the copies. Returns the copies' ids so the caller
 * can select them.
 */
export function duplicateNodes(doc: GraphDocument, ids: readonly string[], offset: Point = { x: 40, y: 40 }): { doc: GraphDocument; ids: string[] } {
  const clip = copyNodes(doc, ids);
  return clip ? pasteNodes(doc, clip, { offset }) : { doc, ids: [] };
}
