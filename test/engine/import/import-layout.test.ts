// The import's automatic layout (engine/import/onnx/layout.ts): a long chain wraps into bands that
// read left to right, top to bottom; a fork is never cut between bands; short graphs stay on one
// line. Checked as geometry (reading order, overlaps, widths), not against the code's own numbers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { layoutBody } from '../../../engine/import/onnx/layout.ts';
import type { GraphEdge, GraphNode } from '../../../engine/protocol/graph-document.ts';

/** Nodes n0..n{k-1}, and edges from the pairs given. */
function graph(count: number, pairs: readonly [number, number][]): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const nodes = Array.from({ length: count }, (_, i) => ({ id: `n${i}`, kind: 'Dense', name: `n${i}` }));
  const edges = pairs.map(([a, b], i) => ({ id: `e${i}`, source: { node: `n${a}`, port: 'output' }, target: { node: `n${b}`, port: 'data' } }));
  return { nodes, edges };
}
const chain = (count: number): [number, number][] => Array.from({ length: count - 1 }, (_, i) => [i, i + 1]);
/** The nodes' size on the canvas at most (styles.css .layer-node max-width 170; a block node ~100 tall). */
const NODE = { width: 170, height: 100 };

function bands(ys: number[]): number[] {
  return [...new Set(ys)].sort((a, b) => a - b);
}

test('a 16-node chain (resnet18 main graph) wraps into bands of at most 5 that read left to right, top to bottom', () => {
  const { nodes, edges } = graph(16, chain(16));
  const p = layoutBody(nodes, edges).positions!;
  const at = nodes.map((n) => p[n.id]!);
  const rows = bands(at.map((q) => q.y));
  assert.ok(rows.length >= 3, `${rows.length} band(s)`);
  for (const y of rows) assert.ok(at.filter((q) => q.y === y).length <= 5);
  for (let i = 1; i < at.length; i++) {
    const [a, b] = [at[i - 1]!, at[i]!];
    // Reading order: the next node is to the right on the same band, or starts the next band at the left.
    if (a.y === b.y) assert.ok(b.x >= a.x + NODE.width, `n${i} is not right of n${i - 1}`);
    else assert.ok(b.y > a.y && b.x === 0, `n${i} does not start the next band`);
  }
  // The whole graph is about as wide as tall, not a line: at most 5 × 240 wide.
  assert.ok(Math.max(...at.map((q) => q.x)) + NODE.width <= 1200);
  assert.ok(Math.max(...at.map((q) => q.y)) + NODE.height <= 650);
});

test('a residual fork is not cut between bands; the band ends where one edge crosses', () => {
  // 0 → 1 → 2 → {3 → 4 → 5, 2 → 6} → 7 (join) → 8 ... 13: a unit with a skip from 2 to the join at 7.
  const pairs: [number, number][] = [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 7], [2, 6], [6, 7], ...chain(14).slice(7)];
  const { nodes, edges } = graph(14, pairs);
  const p = layoutBody(nodes, edges).positions!;
  const y = (i: number) => p[`n${i}`]!.y;
  // Each band starts at the left; a branch node sits lower within its band.
  const tops = bands(nodes.filter((n) => p[n.id]!.x === 0).map((n) => p[n.id]!.y));
  const band = (i: number) => tops.filter((v) => v <= y(i)).length;
  for (const i of [3, 4, 5, 6, 7]) assert.equal(band(i), band(2), `n${i} left the fork's band`);
  // The branch sits beside the main line, no node on another.
  const seen = new Set(nodes.map((n) => `${p[n.id]!.x},${p[n.id]!.y}`));
  assert.equal(seen.size, nodes.length);
  assert.ok(band(13) > band(2), 'the chain after the unit wrapped');
});

test('a chain of five stays on one line', () => {
  const { nodes, edges } = graph(5, chain(5));
  const p = layoutBody(nodes, edges).positions!;
  assert.deepEqual(bands(nodes.map((n) => p[n.id]!.y)), [0]);
});
