// Automatic layout of an imported graph: left to right, a node's column is its longest distance
// from the input, rows stack the nodes of a column (branches side by side), so a residual unit
// reads as a fork and a join. A long chain (resnet18's main graph is 16 columns, mobilenet_v2's
// 24) wraps into several such bands, one under the other, so the whole graph fits the canvas at a
// readable zoom: a band ends only where a single edge crosses from one column to the next, never
// inside a fork, and that edge runs back to the start of the next band (the canvas draws such a
// backward edge through the gap between the bands).

import type { GraphEdge, GraphLayout, GraphNode } from '../../protocol/graph-document.ts';

/**
 * Column pitch: 240 at the least (a 170-unit node and room for a short shape label), wider when the
 * bands are narrow, up to where a band of five at 240 ends (960 from its first column to its last):
 * resnet18's bands of four get 300, room for `(1, 64, 32, 32)` between the nodes.
 */
const MIN_COLUMN = 240;
const MAX_COLUMN = 300;
const BAND_SPAN = 960;
const ROW = 110;
/**
 * Extra room between two bands (the gap under a band of 60-unit layer nodes is then 80), for the
 * edge that runs back under the first band and its shape label.
 */
const BAND_GAP = 30;
/**
 * Widest band, in columns: five columns (about 1,130 units) and five bands of them (about 610)
 * fit a 1440×900 window's canvas (940×611 px with the side panels open) at the smallest readable
 * zoom, 0.7 (renderer/canvas/view-fit.ts): mobilenet_v2's 24 main-graph nodes. A graph no wider
 * stays on one line.
 */
const MAX_BAND_COLUMNS = 5;
const MIN_BAND_COLUMNS = 3;

export function layoutBody(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): GraphLayout {
  const depth = new Map<string, number>();
  const incoming = new Map<string, string[]>();
  for (const e of edges) incoming.set(e.target.node, [...(incoming.get(e.target.node) ?? []), e.source.node]);
  // Nodes are listed in topological order (the importer walks ONNX's order), so one pass suffices.
  for (const n of nodes) depth.set(n.id, Math.max(-1, ...(incoming.get(n.id) ?? []).map((s) => depth.get(s) ?? 0)) + 1);
  const columns = Math.max(0, ...depth.values()) + 1;
  const bands = bandStarts(columns, wrapPoints(columns, edges, depth));
  const band = (d: number): number => bands.filter((s) => s <= d).length - 1;
  // A band is as tall as its tallest column.
  const tallest = new Array<number>(bands.length).fill(1);
  const perColumn = new Map<number, number>();
  for (const n of nodes) {
    const d = depth.get(n.id)!;
    perColumn.set(d, (perColumn.get(d) ?? 0) + 1);
    tallest[band(d)] = Math.max(tallest[band(d)]!, perColumn.get(d)!);
  }
  const widest = Math.max(...bands.map((start, b) => (bands[b + 1] ?? columns) - start));
  const column = Math.min(MAX_COLUMN, Math.max(MIN_COLUMN, Math.floor(BAND_SPAN / Math.max(1, widest - 1))));
  const tops = [0];
  for (let b = 1; b < bands.length; b++) tops.push(tops[b - 1]! + tallest[b - 1]! * ROW + BAND_GAP);
  const rows = new Map<number, number>();
  const positions: Record<string, { x: number; y: number }> = {};
  for (const n of nodes) {
    const d = depth.get(n.id)!;
    const b = band(d);
    const r = rows.get(d) ?? 0;
    rows.set(d, r + 1);
    positions[n.id] = { x: (d - bands[b]!) * column, y: tops[b]! + r * ROW };
  }
  return { positions };
}

/** The columns after which a band may end: exactly one edge crosses there, from that column to the next. */
function wrapPoints(columns: number, edges: readonly GraphEdge[], depth: ReadonlyMap<string, number>): Set<number> {
  const crossing = new Array<number>(columns).fill(0);
  const adjacent = new Array<number>(columns).fill(0);
  for (const e of edges) {
    const from = depth.get(e.source.node)!;
    const to = depth.get(e.target.node)!;
    for (let c = from; c < to; c++) crossing[c]!++;
    if (to === from + 1) adjacent[from]!++;
  }
  const points = new Set<number>();
  for (let c = 0; c + 1 < columns; c++) if (crossing[c] === 1 && adjacent[c] === 1) points.add(c);
  return points;
}

/**
 * The first column of each band. Bands are balanced by aiming at an even share of the columns (13
 * columns: 5, 5, 3 rather than 6, 6, 1), each ending at the wrap point nearest its share's end
 * (the earlier one on a tie). A band does not wrap to leave fewer than MIN_BAND_COLUMNS behind:
 * a residual unit whose join is its second-last column stays on one line.
 */
function bandStarts(columns: number, points: ReadonlySet<number>): number[] {
  if (columns <= MAX_BAND_COLUMNS) return [0];
  const share = Math.ceil(columns / Math.ceil(columns / MAX_BAND_COLUMNS));
  const starts = [0];
  for (let start = 0; columns - start > MAX_BAND_COLUMNS;) {
    const target = start + share - 1;
    const candidates = [...points].filter((c) => c >= start && columns - c - 1 >= MIN_BAND_COLUMNS);
    const end = candidates.sort((a, b) => Math.abs(a - target) - Math.abs(b - target) || a - b)[0];
    if (end === undefined) break;
    start = end + 1;
    starts.push(start);
  }
  return starts;
}
