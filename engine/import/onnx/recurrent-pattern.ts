// ONNX LSTM / GRU / RNN nodes → the engine's LSTM / GRU / RNN kinds. torch.onnx.export writes a
// stacked nn.LSTM as one node per layer, each with zero initial states computed from the input's
// shape (Shape, Gather, Unsqueeze, Concat, Expand), its output Y (T, directions, N, H) joined
// back to (T, N, directions·H) (Squeeze, or Transpose + Reshape), and Transposes around the whole
// when batch_first. That chain becomes one layer: numLayers, bidirectional, layout NTC or TNC, and
// the weights reordered from ONNX's gate order (LSTM i o f c, GRU z r h) to PyTorch's, which is
// the engine's (recurrent-onnx.ts writes the same reordering the other way). Only what the kinds
// compute is taken: zero initial states, no sequence_lens, peepholes, clip or input_forget,
// default activations (RNN: Tanh or Relu), GRU with linear_before_reset = 1 (PyTorch's GRU).

import type { OnnxConstant } from '../../nn/layers/layer-spec.ts';
import { ORDER } from '../../nn/layers/recurrent-onnx.ts';
import { GATES, type CellMode } from '../../nn/layers/recurrent.ts';
import type { OnnxModelIn, OnnxNodeIn } from './onnx-model.ts';
import type { FusedSubgraph } from './attention-pattern.ts';

type Lookup = (value: string) => OnnxConstant | null;
const MODES: Readonly<Record<string, { mode: CellMode; kind: string }>> = {
  LSTM: { mode: 'lstm', kind: 'LSTM' },
  GRU: { mode: 'gru', kind: 'GRU' },
  RNN: { mode: 'rnn', kind: 'RNN' },
};
/** Operators of the initial states' shape arithmetic (their data inputs are read by Shape only). */
const SHAPE_OPS = new Set(['Gather', 'Unsqueeze', 'Concat', 'Cast', 'Slice', 'Squeeze', 'Add', 'Sub', 'Mul', 'Div']);
const DEFAULT_ACTS: Readonly<Record<CellMode, readonly string[]>> = { lstm: ['Sigmoid', 'Tanh', 'Tanh'], gru: ['Sigmoid', 'Tanh'], rnn: ['Tanh'] };
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const attrList = (n: OnnxNodeIn, k: string): string[] | undefined => (n.attributes.get(k) as string[] | undefined)?.map(String);

interface Graph {
  producer: Map<string, OnnxNodeIn>;
  consumers: Map<string, OnnxNodeIn[]>;
  outputs: Set<string>;
  constantOf: Lookup;
}

/** Every chain of recurrent nodes the kinds compute, one fused layer each. */
export function findRecurrent(model: OnnxModelIn, constantOf: Lookup): FusedSubgraph[] {
  const g: Graph = { producer: new Map(), consumers: new Map(), outputs: new Set(model.outputs.map((o) => o.name)), constantOf };
  for (const n of model.nodes) {
    for (const o of n.outputs) g.producer.set(o, n);
    for (const i of n.inputs) if (i) g.consumers.set(i, [...(g.consumers.get(i) ?? []), n]);
  }
  const cells = model.nodes.filter((n) => !n.domain && MODES[n.opType]);
  const next = new Map<OnnxNodeIn, { joined: OnnxNodeIn[]; to: OnnxNodeIn | null }>();
  for (const c of cells) next.set(c, joinedOutput(c, g));
  const stacked = new Set([...next.values()].map((j) => j.to).filter((t) => t));
  const found: FusedSubgraph[] = [];
  for (const start of cells.filter((c) => !stacked.has(c))) {
    const chain = [start];
    for (let c = next.get(start)!.to; c; c = next.get(c)!.to) chain.push(c);
    const f = readChain(chain, next, g);
    if (f) found.push(f);
  }
  return found;
}

/** The nodes joining a cell's Y to (T, N, D·H), and the cell of the same form reading it (a stacked layer). */
function joinedOutput(cell: OnnxNodeIn, g: Graph): { joined: OnnxNodeIn[]; to: OnnxNodeIn | null } {
  const only = (v: string): OnnxNodeIn | null => (g.consumers.get(v)?.length === 1 && !g.outputs.has(v) ? g.consumers.get(v)![0]! : null);
  const y = only(cell.outputs[0]!);
  let joined: OnnxNodeIn[] = [];
  if (y?.opType === 'Squeeze') {
    const axes = y.inputs[1] ? g.constantOf(y.inputs[1])?.values : (y.attributes.get('axes') as number[] | undefined);
    if (axes?.length === 1 && axes[0] === 1) joined = [y];
  } else if (y?.opType === 'Transpose' && JSON.stringify(y.attributes.get('perm')) === '[0,2,1,3]') {
    const r = only(y.outputs[0]!);
    const shape = r?.opType === 'Reshape' ? g.constantOf(r.inputs[1]!) : null;
    if (shape?.values.length === 3 && shape.values[2] !== 0) joined = [y, r!];
  }
  const out = joined.at(-1)?.outputs[0];
  // The next layer's cell, beside the Shape nodes its zero states are computed from.
  const readers = out && !g.outputs.has(out) ? (g.consumers.get(out) ?? []).filter((n) => n.opType !== 'Shape') : [];
  const to = readers.length === 1 ? readers[0]! : null;
  const same =
    to &&
    to.opType === cell.opType &&
    to.inputs[0] === out &&
    str(to.attributes.get('direction')) === str(cell.attributes.get('direction')) &&
    to.attributes.get('hidden_size') === cell.attributes.get('hidden_size');
  return { joined, to: same ? to : null };
}

/** The shape arithmetic computing a value from Shape nodes and constants, or null when it reads anything else. */
function shapeChain(v: string, g: Graph, into: Set<OnnxNodeIn>): boolean {
  if (!v || g.constantOf(v)) return true;
  const p = g.producer.get(v);
  if (!p) return false;
  if (into.has(p)) return true;
  if (p.opType === 'Shape') {
    into.add(p);
    return true;
  }
  if (!SHAPE_OPS.has(p.opType)) return false;
  into.add(p);
  return p.inputs.every((i) => shapeChain(i, g, into));
}

const zeros = (c: OnnxConstant | null | undefined): boolean => !!c && c.values.every((x) => x === 0);

/** An initial state that is zeros (absent, a zero constant, or zeros expanded to the input's shape). */
function zeroState(v: string | undefined, g: Graph, into: Set<OnnxNodeIn>): boolean {
  if (!v) return true;
  if (g.constantOf(v)) return zeros(g.constantOf(v));
  const p = g.producer.get(v);
  if (p?.opType === 'Expand' && zeros(g.constantOf(p.inputs[0]!))) {
    into.add(p);
    return shapeChain(p.inputs[1]!, g, into);
  }
  if (p?.opType === 'ConstantOfShape') {
    const value = p.attributes.get('value') as { values: Float64Array } | undefined;
    if (value && !value.values.every((x) => x === 0)) return false;
    into.add(p);
    return shapeChain(p.inputs[0]!, g, into);
  }
  return false;
}

function readChain(chain: OnnxNodeIn[], next: Map<OnnxNodeIn, { joined: OnnxNodeIn[] }>, g: Graph): FusedSubgraph | null {
  const { mode, kind } = MODES[chain[0]!.opType]!;
  const first = chain[0]!;
  const h = first.attributes.get('hidden_size') as number | undefined;
  const direction = str(first.attributes.get('direction')) || 'forward';
  if (!h || (direction !== 'forward' && direction !== 'bidirectional')) return null;
  const dirs = direction === 'bidirectional' ? 2 : 1;
  const gates = GATES[mode];
  const members = new Set<OnnxNodeIn>(chain);
  const params: Record<string, OnnxConstant> = {};
  let activation: 'tanh' | 'relu' = 'tanh';
  let inputSize = 0;
  for (const [l, cell] of chain.entries()) {
    const acts = attrList(cell, 'activations');
    if (mode === 'rnn' && acts && acts.every((a) => a === 'Relu')) activation = 'relu';
    else if (
      acts &&
      acts.join() !==
        Array.from({ length: dirs }, () => DEFAULT_ACTS[mode])
          .flat()
          .join()
    )
      return null;
    if (cell.attributes.has('clip') || (cell.attributes.get('input_forget') ?? 0) !== 0 || (cell.attributes.get('layout') ?? 0) !== 0) return null;
    if (mode === 'gru' && cell.attributes.get('linear_before_reset') !== 1) return null;
    if (cell.inputs[4] || cell.inputs[7]) return null; // sequence_lens, peepholes
    if (!zeroState(cell.inputs[5], g, members) || !zeroState(cell.inputs[6], g, members)) return null;
    const [w, r] = [g.constantOf(cell.inputs[1]!), g.constantOf(cell.inputs[2]!)];
    const b = cell.inputs[3] ? g.constantOf(cell.inputs[3]) : null;
    if (!w || !r || (cell.inputs[3] && !b) || w.shape.length !== 3 || w.shape[0] !== dirs || w.shape[1] !== gates * h) return null;
    const features = w.shape[2]!;
    if (l === 0) inputSize = features;
    else if (features !== dirs * h) return null;
    for (let d = 0; d < dirs; d++) {
      const side = `${d === 0 ? 'l' : 'r'}${l}`;
      params[`${side}_i2h_weight`] = gatesToEngine(w, d, mode, h, features);
      params[`${side}_h2h_weight`] = gatesToEngine(r, d, mode, h, h);
      params[`${side}_i2h_bias`] = b ? gatesToEngine(b, d, mode, h, 1, 0) : { shape: [gates * h], values: new Float64Array(gates * h) };
      params[`${side}_h2h_bias`] = b ? gatesToEngine(b, d, mode, h, 1, gates * h) : { shape: [gates * h], values: new Float64Array(gates * h) };
    }
    for (const j of next.get(cell)!.joined) members.add(j);
  }
  const last = next.get(chain.at(-1)!)!.joined;
  if (!last.length) return null;
  // batch_first: the input turned to (T, N, C) before the first cell and the output back after the last.
  const only = (v: string): OnnxNodeIn | null => (g.consumers.get(v)?.length === 1 && !g.outputs.has(v) ? g.consumers.get(v)![0]! : null);
  const isSwap = (n: OnnxNodeIn | null | undefined): boolean => n?.opType === 'Transpose' && JSON.stringify(n.attributes.get('perm')) === '[1,0,2]';
  const pre = g.producer.get(first.inputs[0]!);
  const post = only(last.at(-1)!.outputs[0]!);
  const ntc = isSwap(pre) && isSwap(post) && (g.consumers.get(pre!.outputs[0]!) ?? []).every((n) => n === first || members.has(n));
  if (ntc) {
    members.add(pre!);
    members.add(post!);
  }
  const anchor = ntc ? post! : last.at(-1)!;
  // Nothing inside may be read from outside: only the anchor's output leaves.
  for (const m of members) {
    if (m === anchor) continue;
    for (const o of m.outputs) if (o && (g.outputs.has(o) || (g.consumers.get(o) ?? []).some((n) => !members.has(n)))) return null;
  }
  const attrs: Record<string, unknown> = {
    hiddenSize: h,
    numLayers: chain.length,
    layout: ntc ? 'NTC' : 'TNC',
    dropout: 0,
    bidirectional: dirs === 2,
    inputSize,
  };
  if (mode === 'rnn') attrs.activation = activation;
  return { kind, read: { attrs, params }, input: ntc ? pre!.inputs[0]! : first.inputs[0]!, anchor, members };
}

/**
 * Direction d of an ONNX weight (D, G·H, cols) or bias (D, 2·G·H, read from `offset`), as the
 * engine's (G·H, cols) or (G·H) in PyTorch's gate order: engine block ORDER[j] is ONNX block j.
 */
function gatesToEngine(c: OnnxConstant, d: number, mode: CellMode, h: number, cols: number, offset = 0): OnnxConstant {
  const gates = GATES[mode];
  const rows = gates * h;
  const perDir = c.values.length / c.shape[0]!;
  const out = new Float64Array(rows * cols);
  ORDER[mode].forEach((k, j) => {
    const from = d * perDir + offset * cols + j * h * cols;
    out.set(c.values.subarray(from, from + h * cols), k * h * cols);
  });
  return { shape: cols === 1 && c.shape.length === 2 ? [rows] : [rows, cols], values: out };
}
