// An edit as a change against the engine's last version of a document (openDocument's `patch`):
// the main graph's nodes set (added or changed, by id) and removed, its edges added and removed,
// and the canvas layout when it moved. Everything else (input, blocks, device, …) changed means the
// whole document is sent. The engine numbers each version it keeps (`revision`); a patch names the
// one it was made against (`base`), and a stale one is refused (the editor then sends the whole
// document). Shared by the editor (which makes patches) and the engine (which applies them).
import { z } from 'zod';
import type { GraphDocument, GraphEdge, GraphNode } from './graph-document.ts';

export const zDocumentPatch = z
  .object({
    base: z.number().int().nonnegative(),
    /** Nodes added or changed, whole (validated with the patched document). */
    nodes: z.array(z.unknown()).optional(),
    removeNodes: z.array(z.string()).optional(),
    edges: z.array(z.unknown()).optional(),
    removeEdges: z.array(z.string()).optional(),
    layout: z.unknown().optional(),
  })
  .strict();
export type DocumentPatch = z.infer<typeof zDocumentPatch>;

/** The document `base` with the patch applied (not validated: openDocument checks the result). */
export function applyPatch(base: GraphDocument, patch: DocumentPatch): Record<string, unknown> {
  const drop = new Set(patch.removeNodes ?? []);
  const set = new Map((patch.nodes ?? []).map((n) => [(n as { id?: unknown }).id, n]));
  const nodes: unknown[] = base.nodes.filter((n) => !drop.has(n.id)).map((n) => set.get(n.id) ?? n);
  const known = new Set(base.nodes.map((n) => n.id));
  for (const [id, n] of set) if (typeof id !== 'string' || !known.has(id)) nodes.push(n);
  const cut = new Set(patch.removeEdges ?? []);
  const edges: unknown[] = [...base.edges.filter((e) => !cut.has(e.id)), ...(patch.edges ?? [])];
  return { ...base, nodes, edges, ...(patch.layout !== undefined ? { layout: patch.layout } : {}) };
}

/**
 * The patch that turns `before` into `after`, or null when more than the main graph's nodes,
 * edges and layout changed. Unchanged nodes and edges are the same objects (the editor's edits
 * copy only what they change), so the comparison is by reference, with ids to match.
 */
export function diffDocuments(before: GraphDocument, after: GraphDocument, base: number): DocumentPatch | null {
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)]) as Set<keyof GraphDocument>) {
    if (key === 'nodes' || key === 'edges' || key === 'layout') continue;
    if (before[key] !== after[key] && JSON.stringify(before[key]) !== JSON.stringify(after[key])) return null;
  }
  const changed = <T extends { id: string }>(a: readonly T[], b: readonly T[]) => {
    const old = new Map(a.map((x) => [x.id, x]));
    const now = new Set(b.map((x) => x.id));
    return { set: b.filter((x) => old.get(x.id) !== x), removed: a.filter((x) => !now.has(x.id)).map((x) => x.id) };
  };
  const nodes = changed<GraphNode>(before.nodes, after.nodes);
  const edges = changed<GraphEdge>(before.edges, after.edges);
  // An edge changed in place (reconnected under the same id) would move to the end: a whole document.
  const edgeIds = new Set(before.edges.map((e) => e.id));
  if (edges.set.some((e) => edgeIds.has(e.id))) return null;
  const removeEdges = edges.removed;
  // Order matters to the planner's naming only through the document's node order: a changed order is a whole document.
  const order = (xs: readonly { id: string }[]) => xs.map((x) => x.id).filter((id) => !nodes.removed.includes(id));
  const kept = order(before.nodes);
  if (kept.join('\u0000') !== order(after.nodes).slice(0, kept.length).join('\u0000')) return null;
  const edgeOrder = (xs: readonly { id: string }[]) => xs.map((x) => x.id).filter((id) => !removeEdges.includes(id));
  const keptEdges = edgeOrder(before.edges);
  if (keptEdges.join('\u0000') !== edgeOrder(after.edges).slice(0, keptEdges.length).join('\u0000')) return null;
  return {
    base,
    ...(nodes.set.length ? { nodes: nodes.set } : {}),
    ...(nodes.removed.length ? { removeNodes: nodes.removed } : {}),
    ...(edges.set.length ? { edges: edges.set } : {}),
    ...(removeEdges.length ? { removeEdges } : {}),
    ...(before.layout !== after.layout ? { layout: after.layout } : {}),
  };
}
