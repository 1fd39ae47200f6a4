// The Transformer's layer kinds as native net plan steps (native/src/net_plan_seq.cc): LayerNorm,
// RMSNorm, GroupNorm and InstanceNorm, Embedding, PositionalEncoding (a table added over the batch), MultiHeadAttention
// (projections, per-head scores, causal mask, softmax and mixing in one step) and
// ScaledDotProductAttention, and the layers between them (Reshape, Transpose, SequenceMean,
// SequenceLast, Slice, Concat, Softmax, PReLU, Clip, Pad: native/src/net_plan_shape.cc; Multiply: the
// add step) and the recurrent layers (RNN, LSTM, GRU: native/src/net_plan_rnn.cc). Which inputs a
// step takes, its output shape and numbers;
// hybrid-net-ops.ts calls these for those kinds.

import { NET_OP, PAD_MODE } from '../backend/native-addon.ts';
import { np } from '../ndarray/np.ts';
import type { HybridUnit } from './hybrid-units.ts';
import type { NetOpRec } from './hybrid-net-ops.ts';
import type { Parameter } from './parameter.ts';

/** The kinds this file compiles: every unit kind but the ones hybrid-net-ops.ts and hybrid-net.ts handle themselves. */
type SeqUnit = Exclude<
  HybridUnit,
  { kind: 'linear' | 'act' | 'flatten' | 'identity' | 'container' | 'conv' | 'pool' | 'batchnorm' | 'add' | 'graph' | 'eager' }
>;

/** The unit kinds this file compiles (hybrid-net-ops.ts hands them over). */
export const SEQUENCE_KINDS: ReadonlySet<string> = new Set([
  'layernorm',
  'embedding',
  'position',
  'attention',
  'sdpa',
  'transpose',
  'reshape',
  'seqreduce',
  'slice',
  'concat',
  'mul',
  'softmax',
  'groupnorm',
  'pointwise',
  'pad',
  'recurrent',
  'rnnstate',
]);

export const isSequenceUnit = (u: HybridUnit): u is SeqUnit => SEQUENCE_KINDS.has(u.kind);

const ready = (p: Parameter | null): boolean => p === null || p.state === 'initialized';
const show = (s: readonly number[]): string => JSON.stringify(s);
const same = (a: readonly number[] | null | undefined, b: readonly number[]): boolean => !!a && a.join() === b.join();
const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** Why a sequence unit cannot be a native step on inputs of these shapes (null: it can), or 'deferred'. */
export function sequenceFallback(u: SeqUnit, shapes: readonly (readonly number[])[]): string | null {
  const x = shapes[0]!;
  switch (u.kind) {
    case 'layernorm': {
      if (!ready(u.gamma) || !ready(u.beta)) return 'deferred';
      const a = u.axis < 0 ? u.axis + x.length : u.axis;
      if (a <= 0 || a >= x.length) return `axis ${u.axis} on an input of ${x.length} axes`;
      const want = x.slice(a);
      for (const p of [u.gamma, u.beta]) if (p && !same(p.shape, want)) return `${p.name} ${show(p.shape ?? [])} for normalized axes ${show(want)}`;
      return null;
    }
    case 'embedding':
      if (!ready(u.weight)) return 'deferred';
      if (x.length > 5) return `ids of ${x.length} axes (a plan value has at most 6)`;
      return same(u.weight.shape, [u.inputDim, u.outputDim]) ? null : `weight ${show(u.weight.shape ?? [])}`;
    case 'position':
      if (!ready(u.weight)) return 'deferred';
      if (x.length !== 3 || x[1]! > u.maxLength) return `input ${show(x)}: positions take (N, T ≤ ${u.maxLength}, C)`;
      return u.weight && !same(u.weight.shape, [u.maxLength, x[2]!]) ? `weight ${show(u.weight.shape ?? [])}` : null;
    case 'attention': {
      if (![u.inProj, u.inBias, u.outProj, u.outBias, ...(u.qkvProj ?? [])].every(ready)) return 'deferred';
      if (u.keepWeights) return 'its attention weights are kept for the attention maps (keepWeights)';
      const e = x[2]!;
      if (x.length !== 3 || e % u.heads !== 0) return `input ${show(x)}: compiled attention takes (N, T, E), E divisible by ${u.heads} heads`;
      const [k, v] = [shapes[1] ?? x, shapes[2] ?? shapes[1] ?? x];
      if (k.length !== 3 || v.length !== 3 || k[0] !== x[0] || v[0] !== x[0] || v[1] !== k[1]) return `key ${show(k)} / value ${show(v)} for query ${show(x)}`;
      if (shapes.length > 3 && !same(shapes[3], [x[0]!, k[1]!])) return `key-padding mask ${show(shapes[3]!)} for keys ${show(k)}`;
      const weights = u.inProj
        ? same(u.inProj.shape, [3 * e, e]) && k[2] === e && v[2] === e
        : !!u.qkvProj && same(u.qkvProj[0].shape, [e, e]) && same(u.qkvProj[1].shape, [e, k[2]!]) && same(u.qkvProj[2].shape, [e, v[2]!]);
      return weights && same(u.outProj.shape, [e, e]) ? null : `projection weights for query ${show(x)}, key ${show(k)}, value ${show(v)}`;
    }
    case 'sdpa': {
      const [q, k, v] = shapes as [number[], number[], number[]];
      const r = q.length;
      if (shapes.length !== 3 || r < 2 || r > 6 || k.length !== r || v.length !== r) return 'query, key and value of one rank 2 to 6';
      const lead = (s: readonly number[]) => s.slice(0, -2).join();
      if (lead(k) !== lead(q) || lead(v) !== lead(q)) return 'leading axes that broadcast run eagerly';
      return q[r - 1] === k[r - 1] && k[r - 2] === v[r - 2] ? null : `query ${show(q)}, key ${show(k)}, value ${show(v)}`;
    }
    case 'transpose': {
      const sorted = [...u.axes].sort((a, b) => a - b);
      return x.length <= 6 && sorted.length === x.length && sorted.every((a, i) => a === i) ? null : `input ${show(x)} for axes ${show(u.axes)}`;
    }
    case 'reshape': {
      let y: number[];
      try {
        y = u.shape(x);
      } catch (e) {
        return (e as Error).message;
      }
      return y.length <= 6 && prod(y) === prod(x) ? null : `input ${show(x)} to ${show(y)}`;
    }
    case 'seqreduce': {
      const a = u.axis < 0 ? u.axis + x.length : u.axis;
      return x.length >= 2 && a >= 0 && a < x.length ? null : `axis ${u.axis} of an input ${show(x)}`;
    }
    case 'slice': {
      const a = axisOf(u.axis, x);
      if (a < 0 || !Number.isInteger(u.axis)) return `axis ${u.axis} of an input ${show(x)}`;
      const [b, e] = u.range(x[a]!);
      return e > b ? null : 'an empty slice runs eagerly';
    }
    case 'concat': {
      const a = axisOf(u.axis, x);
      const fits = (s: readonly number[]) => s.length === x.length && s.every((d, i) => i === a || d === x[i]);
      return shapes.length >= 2 && a >= 0 && x.length <= 6 && shapes.every(fits) ? null : `inputs ${shapes.map(show).join(', ')} on axis ${u.axis}`;
    }
    case 'mul':
      return shapes.length === 2 && same(shapes[1], x) ? null : 'inputs of different shapes (broadcasting) or more than two run eagerly';
    case 'softmax':
      return axisOf(u.axis, x) >= 0 && x.length <= 6 ? null : `axis ${u.axis} of an input ${show(x)}`;
    case 'pad': {
      let pairs: [number, number][];
      try {
        pairs = u.pairs(x);
      } catch (e) {
        return (e as Error).message;
      }
      if (!(u.mode in PAD_MODE) || pairs.length < 1 || pairs.length > 3 || pairs.length >= x.length) return `${u.mode} padding of ${show(x)}`;
      const lead = x.length - pairs.length;
      const fits = pairs.every(([b, e], i) => u.mode !== 'reflect' || (b < x[lead + i]! && e < x[lead + i]!));
      return fits ? null : 'reflect padding needs pads smaller than the size';
    }
    case 'pointwise': {
      if (!u.alpha) return null;
      if (!ready(u.alpha)) return 'deferred';
      const n = prod(u.alpha.shape ?? []);
      return n === 1 || (x.length >= 2 && u.alpha.shape!.length === 1 && n === x[1]) ? null : `alpha ${show(u.alpha.shape ?? [])} for input ${show(x)}`;
    }
    case 'recurrent':
      return recurrentFallback(u, shapes);
    case 'rnnstate':
      return null; // native when its recurrent step is (hybrid-net.ts checks)
    case 'groupnorm': {
      if (!ready(u.gamma) || !ready(u.beta)) return 'deferred';
      const c = x[1]!;
      if (x.length < 3 || (u.groups > 0 && c % u.groups !== 0)) return `input ${show(x)} in ${u.groups} groups`;
      for (const p of [u.gamma, u.beta]) if (p && !same(p.shape, [c])) return `${p.name} ${show(p.shape ?? [])} for ${c} channels`;
      return null;
    }
  }
}

/** Why a recurrent layer cannot be a native step (its begin states, when given, are (layers · D, N, H)). */
function recurrentFallback(u: Extract<SeqUnit, { kind: 'recurrent' }>, shapes: readonly (readonly number[])[]): string | null {
  if (!u.params.every(ready)) return 'deferred';
  if (u.params.some((p) => p.dtype !== 'float32')) return 'parameters that are not float32: net plans run float32';
  const x = shapes[0]!;
  if (x.length !== 3) return `input ${show(x)}: a recurrent layer takes (T, N, C) or (N, T, C)`;
  if (u.params[0]!.shape?.[1] !== x[2]) return `input of ${x[2]} features but weight ${show(u.params[0]!.shape ?? [])}`;
  const state = [u.layers * u.directions, u.batchFirst ? x[0]! : x[1]!, u.hidden];
  const bad = shapes.slice(1).find((s) => !same(s, state));
  return bad ? `begin state ${show(bad)}, not ${show(state)}` : null;
}

/** The axis as an index into x, or -1 when out of range. */
function axisOf(axis: number, x: readonly number[]): number {
  const a = axis < 0 ? axis + x.length : axis;
  return a >= 0 && a < x.length ? a : -1;
}

/** The native step of a sequence unit sequenceFallback() accepted, and its output shape. */
export function sequenceOp(u: SeqUnit, rec: NetOpRec, shapes: readonly (readonly number[])[]): { rec: NetOpRec; shape: number[] } {
  const x = shapes[0]!;
  switch (u.kind) {
    case 'layernorm': {
      const a = u.axis < 0 ? u.axis + x.length : u.axis;
      Object.assign(rec, { kind: NET_OP.layerNorm, p: [u.eps, prod(x.slice(a)), u.rms ? 1 : 0], params: [u.gamma, u.rms ? null : u.beta] });
      return { rec, shape: [...x] };
    }
    case 'embedding':
      // p[2] (int32 ids) is set by the tracer, which knows the input's dtype.
      Object.assign(rec, { kind: NET_OP.embed, p: [u.inputDim, u.outputDim, 0], params: [u.weight] });
      return { rec, shape: [...x, u.outputDim] };
    case 'position': {
      const [t, c] = [x[1]!, x[2]!];
      // The learned table's first T rows are its first T·C elements; sinusoids are a constant made once per plan.
      Object.assign(rec, { kind: NET_OP.tableAdd, p: [t * c], params: [u.weight] });
      if (!u.weight) rec.table = np.array(u.table(t, c), { dtype: 'float32' });
      return { rec, shape: [...x] };
    }
    case 'attention':
      Object.assign(rec, {
        kind: NET_OP.attention,
        p: [u.heads, u.causal ? 1 : 0, 1],
        params: [u.inProj, u.inBias, u.outProj, u.outBias, ...(u.qkvProj ?? [])],
      });
      return { rec, shape: [...x] };
    case 'sdpa': {
      const v = shapes[2]!;
      Object.assign(rec, { kind: NET_OP.attention, p: [1, u.causal ? 1 : 0, 0] });
      return { rec, shape: [...x.slice(0, -1), v[v.length - 1]!] };
    }
    case 'transpose':
      Object.assign(rec, { kind: NET_OP.transpose, p: [...u.axes] });
      return { rec, shape: u.axes.map((a) => x[a]!) };
    case 'reshape': {
      const shape = u.shape(x);
      Object.assign(rec, { kind: NET_OP.reshape, p: shape });
      return { rec, shape };
    }
    case 'seqreduce': {
      const a = u.axis < 0 ? u.axis + x.length : u.axis;
      Object.assign(rec, { kind: NET_OP.axisReduce, p: [a, u.last ? 1 : 0] });
      return { rec, shape: x.filter((_, i) => i !== a) };
    }
    case 'slice': {
      const a = axisOf(u.axis, x);
      const [b, e] = u.range(x[a]!);
      Object.assign(rec, { kind: NET_OP.slice, p: [a, b, e] });
      return { rec, shape: x.map((d, i) => (i === a ? e - b : d)) };
    }
    case 'concat': {
      const a = axisOf(u.axis, x);
      Object.assign(rec, { kind: NET_OP.concat, p: [a] });
      return { rec, shape: x.map((d, i) => (i === a ? shapes.reduce((n, s) => n + s[a]!, 0) : d)) };
    }
    case 'mul':
      Object.assign(rec, { kind: NET_OP.add, p: [1] });
      return { rec, shape: [...x] };
    case 'softmax':
      Object.assign(rec, { kind: NET_OP.softmax, p: [axisOf(u.axis, x), u.log ? 1 : 0] });
      return { rec, shape: [...x] };
    case 'pad': {
      const pairs = u.pairs(x);
      const lead = x.length - pairs.length;
      Object.assign(rec, { kind: NET_OP.pad, p: [u.value, PAD_MODE[u.mode as keyof typeof PAD_MODE], pairs.length, ...pairs.flat()] });
      return { rec, shape: x.map((d, i) => (i < lead ? d : d + pairs[i - lead]![0] + pairs[i - lead]![1])) };
    }
    case 'pointwise':
      Object.assign(rec, {
        kind: NET_OP.pointwise,
        p: u.clip ? [1, ...u.clip] : [0, prod(u.alpha!.shape!), 0],
        params: u.clip ? [] : [u.alpha],
      });
      return { rec, shape: [...x] };
    case 'groupnorm':
      Object.assign(rec, { kind: NET_OP.groupNorm, p: [u.eps, u.groups], params: [u.gamma, u.beta] });
      return { rec, shape: [...x] };
    case 'recurrent': {
      // Inputs x [, h0 [, c0]]: an LSTM given only h0 starts its cell state at zeros.
      const [h0, c0] = [shapes.length > 1 ? 1 : 0, shapes.length > 2 ? 1 : 0];
      Object.assign(rec, { kind: NET_OP.rnn, p: [u.cell, u.hidden, u.layers, u.directions, u.batchFirst ? 1 : 0, h0, c0], params: u.params });
      return { rec, shape: [x[0]!, x[1]!, u.directions * u.hidden] };
    }
    case 'rnnstate':
      // Only the sequence is read natively (the plan keeps the states by it); the other inputs serve an eager run.
      Object.assign(rec, { kind: NET_OP.rnnState, ins: rec.ins.slice(0, 1), p: [u.port - 1] });
      return { rec, shape: [u.rows, u.batchFirst ? x[0]! : x[1]!, u.hidden] };
  }
}
