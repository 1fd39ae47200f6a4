// Automatic left-to-right layout of an imported graph: a node's column is its longest distance
// from the input, rows stack the nodes of a column (branches side by side), so a residual unit
// reads as a fork and a join.

import type { GraphEdge, GraphLayout, GraphNode } from '../../protocol/graph-document.ts';

const COLUMN = 240;
const ROW = 110;

export function layoutBody(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): GraphLayout {
  const depth = new Map<string, number>();
  const incoming = new Map<string, string[]>();
  for (const e of edges) incoming.set(e.target.node, [...(incoming.get(e.target.node) ?? []), e.source.node]);
  // Nodes are listed in topological order (the importer walks ONNX's order), so one pass suffices.
  for (const n of nodes) depth.set(n.id, Math.max(-1, ...(incoming.get(n.id) ?? []).map((s) => depth.get(s) ?? 0)) + 1);
  const rows = new Map<number, number>();
  const positions: Record<string, { x: number; y: number }> = {};
  for (const n of nodes) {
    const d = depth.get(n.id)!;
    const r = rows.get(d) ?? 0;
    rows.set(d, r + 1);
    positions[n.id] = { x: d * COLUMN, y: r * ROW };
  }
  return { positions };
}
