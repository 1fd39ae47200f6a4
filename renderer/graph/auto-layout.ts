// Auto-layout with elkjs' layered algorithm, left to right: of the whole graph, or of a selection
// (laid out among its own edges, then placed where its top-left corner was). Pure (no React, no
// store); node sizes come from the canvas' measurements.
import ELK from 'elkjs/lib/elk.bundled.js';
import type { GraphDocument } from '../../engine/protocol/graph-document.ts';
import type { Point } from './document-ops.ts';

export interface Size {
  width: number;
  height: number;
}

const DEFAULT_SIZE: Size = { width: 150, height: 60 };
const elk = new ELK();

export async function layeredLayout(doc: GraphDocument, sizes: Readonly<Record<string, Size>>, only?: readonly string[]): Promise<Record<string, Point>> {
  const chosen = new Set(only && only.length > 0 ? only : doc.nodes.map((n) => n.id));
  const nodes = doc.nodes.filter((n) => chosen.has(n.id));
  const graph = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '40',
      // Room between layers for the shape labels on the edges.
      'elk.layered.spacing.nodeNodeBetweenLayers': '110',
    },
    children: nodes.map((n) => ({ id: n.id, ...(sizes[n.id] ?? DEFAULT_SIZE) })),
    edges: doc.edges
      .filter((e) => chosen.has(e.source.node) && chosen.has(e.target.node))
      .map((e) => ({ id: e.id, sources: [e.source.node], targets: [e.target.node] })),
  });
  const old = doc.layout?.positions ?? {};
  const before = nodes.map((n) => old[n.id]).filter((p): p is Point => p !== undefined);
  const origin =
    only && only.length > 0 && before.length > 0 ? { x: Math.min(...before.map((p) => p.x)), y: Math.min(...before.map((p) => p.y)) } : { x: 0, y: 0 };
  // ELK pads the graph; start the result at the origin itself.
  const children = graph.children ?? [];
  const minX = Math.min(...children.map((c) => c.x ?? 0));
  const minY = Math.min(...children.map((c) => c.y ?? 0));
  const out: Record<string, Point> = {};
  for (const c of children) out[c.id] = { x: Math.round(origin.x + (c.x ?? 0) - minX), y: Math.round(origin.y + (c.y ?? 0) - minY) };
  return out;
}
