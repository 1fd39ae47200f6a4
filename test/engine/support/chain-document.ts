// The small graph documents tests build over and over: Input → layers in a chain → Output.
import type { GraphDocument } from '../../../engine/protocol/graph-document.ts';

export type ChainLayer = { kind: string; name: string; attrs?: Record<string, unknown> };

/** Input → `layers` in a chain → Output, input of `shape` (float32). */
export function chainDocument(layers: ChainLayer[], shape: number[], options: { className?: string; seed?: number; title?: string } = {}): GraphDocument {
  const nodes = [{ id: 'in', kind: 'Input', name: 'data' }, ...layers.map((l, i) => ({ id: `n${i}`, ...l })), { id: 'out', kind: 'Output', name: 'output' }];
  const edges = nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: { node: nodes[i]!.id, port: 'output' }, target: { node: n.id, port: 'data' } }));
  return {
    format: 'blocksmith.graph',
    version: 2,
    ...(options.title ? { title: options.title } : {}),
    input: { shape, dtype: 'float32' },
    device: 'cpu',
    seed: options.seed ?? 3,
    nodes,
    edges,
    blocks: [],
    ...(options.className ? { className: options.className } : {}),
  };
}

/** The two-class spirals classifier the training tests use: 2 → Dense(hidden, relu) → Dense(2). */
export function spiralsDocument(hidden: number): GraphDocument {
  return chainDocument(
    [
      { kind: 'Dense', name: 'dense0', attrs: { units: hidden, activation: 'relu' } },
      { kind: 'Dense', name: 'dense1', attrs: { units: 2 } },
    ],
    [-1, 2],
    { seed: 0, title: 'spirals MLP' },
  );
}
