// The steps of a compiled graph forward as the native plan takes them (native/src/net_plan.h):
// which hybrid units become a native step on a given input, their output shapes, how a step is
// fused into the one before it (batch norm folded into a convolution, an activation or a residual
// add taken as its post-op), and the encoding netPlan() reads. hybrid-net.ts drives it; the
// Transformer's kinds are in hybrid-seq-ops.ts.

import { NET_OP, UNARY_OP, type NativeBuffer } from '../backend/native-addon.ts';
import { poolGeometry } from '../ops/pool.ts';
import type { UnaryName } from '../ops/elementwise.ts';
import type { NDArray } from '../ndarray/ndarray.ts';
import type { HybridUnit } from './hybrid-units.ts';
import { isSequenceUnit, sequenceFallback, sequenceOp } from './hybrid-seq-ops.ts';
import type { Parameter } from './parameter.ts';

/** A step of a pending native segment; fusion edits it in place until the segment is built. */
export interface NetOpRec {
  kind: number;
  ins: number[];
  /** Numbers before the fused parts are appended (conv: geometry; see encode()). */
  p: number[];
  params: (Parameter | null)[];
  out: number;
  act: UnaryName | null;
  /** conv: a batch norm folded in (its gamma, beta, mean, var and eps). */
  bn: { gamma: Parameter | null; beta: Parameter | null; mean: Parameter; variance: Parameter; eps: number } | null;
  /** conv: the value summed into the output before the activation. */
  sum: number | null;
  /** tableAdd: a constant table (sinusoidal positions) instead of a parameter. */
  table?: NDArray;
  names: string[];
}

/** The activations a oneDNN convolution takes as a post-op (native conv steps accept only these). */
const CONV_ACTS: ReadonlySet<string> = new Set(['relu', 'sigmoid', 'tanh', 'gelu']);

const ready = (p: Parameter | null): boolean => p === null || p.state === 'initialized';

/**
 * Why a unit cannot be a native step on an input of this shape (null: it can), or 'deferred'.
 * onGpu: for a CUDA plan, which runs eager mode's pooling kernel (ceil mode included).
 */
export function nativeFallback(u: HybridUnit, shapes: readonly (readonly number[])[], onGpu = false): string | null {
  if (isSequenceUnit(u)) return sequenceFallback(u, shapes);
  const x = shapes[0]!;
  switch (u.kind) {
    case 'conv':
      if (!ready(u.weight) || !ready(u.bias)) return 'deferred';
      if (x.length !== u.kernel.length + 2) return `input ${JSON.stringify(x)}: compiled convolutions take (N, C, H, W) or (N, C, W)`;
      if (u.act !== null && !CONV_ACTS.has(u.act)) return `activation ${u.act} is not fused into a compiled convolution`;
      if (u.transposed) {
        if ((u.outputPadding ?? []).some((p, i) => p > u.padding[i]!)) return 'an output padding beyond the padding runs eagerly';
        return u.weight.shape![0] === x[1] ? null : `input of ${x[1]} channels but weight ${JSON.stringify(u.weight.shape)}`;
      }
      return u.weight.shape![1]! * u.groups === x[1] ? null : `input of ${x[1]} channels but weight ${JSON.stringify(u.weight.shape)}`;
    case 'pool':
      if (x.length !== 4 && x.length !== 3) return `input ${JSON.stringify(x)}: compiled pooling takes (N, C, H, W) or (N, C, W)`;
      // oneDNN counts an average window that overhangs in ceil mode differently from PyTorch (pool_cpu.cc).
      if (u.options.mode === 'avg' && u.options.ceilMode && !onGpu) return 'average pooling in ceil mode runs eagerly';
      return null;
    case 'batchnorm':
      if (![u.gamma, u.beta, u.mean, u.variance].every(ready)) return 'deferred';
      return u.axis === 1 || u.axis === 1 - x.length ? (x.length >= 2 ? null : 'a 1-d input') : `axis ${u.axis}: compiled batch norm normalizes axis 1`;
    case 'add':
      return shapes.length === 2 && shapes[0]!.join() === shapes[1]!.join() ? null : 'inputs of different shapes (broadcasting) run eagerly';
    case 'act':
    case 'flatten':
      return null;
    case 'linear': {
      if (!ready(u.weight) || !ready(u.bias)) return 'deferred';
      const features = (u.flatten ? x.slice(1) : x.slice(-1)).reduce((a, b) => a * b, 1);
      if (x.length < 2) return `input shape ${JSON.stringify(x)}: a 1-D input is one row, left to eager mode`;
      if (u.weight.dtype !== 'float32' || (u.bias !== null && u.bias.dtype !== 'float32')) return `parameters ${u.weight.dtype}: net plans run float32`;
      return u.weight.shape![1] === features ? null : `input of ${features} features but weight ${JSON.stringify(u.weight.shape)}`;
    }
    default:
      return `${u.kind} blocks are not compiled`;
  }
}

/** A new native step for a unit nativeFallback() accepted, and its output shape. */
export function makeOp(u: HybridUnit, ins: number[], out: number, shapes: readonly (readonly number[])[]): { rec: NetOpRec; shape: number[] } {
  const x = shapes[0]!;
  const rec: NetOpRec = { kind: 0, ins, p: [], params: [], out, act: null, bn: null, sum: null, names: [u.owner.name] };
  if (isSequenceUnit(u)) return sequenceOp(u, rec, shapes);
  switch (u.kind) {
    case 'conv': {
      // A 1-d convolution is a 2-d one of height 1 (the native step views (N, C, W) as (N, C, 1, W)).
      const one = u.kernel.length === 1;
      const two = (v: number[], fill: number): [number, number] => (one ? [fill, v[0]!] : (v as [number, number]));
      const [kh, kw] = two(u.kernel, 1);
      const [sh, sw] = two(u.strides, 1);
      const [ph, pw] = two(u.padding, 0);
      const [dh, dw] = two(u.dilation, 1);
      const [h, w] = one ? [1, x[2]!] : [x[2]!, x[3]!];
      if (u.transposed) {
        const [oph, opw] = two(u.outputPadding ?? u.padding.map(() => 0), 0);
        const o = u.weight.shape![1]! * u.groups;
        const oh = (h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1;
        const ow = (w - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1;
        Object.assign(rec, { kind: NET_OP.deconv, p: [o, kh, kw, sh, sw, ph, pw, dh, dw, u.groups, oph, opw], params: [u.weight, u.bias], act: u.act });
        return { rec, shape: one ? [x[0]!, o, ow] : [x[0]!, o, oh, ow] };
      }
      const o = u.weight.shape![0]!;
      const oh = Math.floor((h + 2 * ph - (dh * (kh - 1) + 1)) / sh) + 1;
      const ow = Math.floor((w + 2 * pw - (dw * (kw - 1) + 1)) / sw) + 1;
      Object.assign(rec, { kind: NET_OP.conv, p: [o, kh, kw, sh, sw, ph, pw, dh, dw, u.groups], params: [u.weight, u.bias], act: u.act });
      return { rec, shape: one ? [x[0]!, o, ow] : [x[0]!, o, oh, ow] };
    }
    case 'pool': {
      const g = poolGeometry(x, u.options);
      const [, , , , oh, ow, kh, kw, sh, sw, ph, pw] = g.geom;
      Object.assign(rec, { kind: NET_OP.pool, p: [g.mode, kh, kw, sh, sw, ph, pw, oh, ow] });
      return { rec, shape: g.out };
    }
    case 'batchnorm':
      Object.assign(rec, { kind: NET_OP.batchNorm, p: [u.eps], params: [u.gamma, u.beta, u.mean, u.variance] });
      return { rec, shape: [...x] };
    case 'add':
      rec.kind = NET_OP.add;
      return { rec, shape: [...x] };
    case 'act':
      Object.assign(rec, { kind: NET_OP.act, act: u.act, p: [u.alpha ?? 0] });
      return { rec, shape: [...x] };
    case 'flatten': {
      const shape = [x[0]!, x.slice(1).reduce((a, b) => a * b, 1)];
      Object.assign(rec, { kind: NET_OP.reshape, p: shape });
      return { rec, shape };
    }
    case 'linear': {
      const lead = u.flatten ? x.slice(0, 1) : x.slice(0, -1);
      Object.assign(rec, { kind: NET_OP.linear, p: [u.units, u.flatten ? 1 : 0], params: [u.weight, u.bias], act: u.act });
      return { rec, shape: [...lead, u.units] };
    }
    default:
      throw new Error(`hybrid-net: ${u.kind} has no native step`);
  }
}

/**
 * Folds the unit into the step that produced its (single-use) input, when the native step can
 * take it as part of itself; returns whether it did. `producer` maps a value to its pending step,
 * `order` is the steps' order in the segment, `uses` the consumers per value.
 */
export function fuse(u: HybridUnit, ins: number[], out: number, producer: Map<number, NetOpRec>, order: NetOpRec[], uses: readonly number[]): boolean {
  const only = (v: number): NetOpRec | null => (uses[v] === 1 ? (producer.get(v) ?? null) : null);
  const take = (rec: NetOpRec): true => {
    rec.out = out;
    rec.names.push(u.owner.name);
    producer.set(out, rec);
    return true;
  };
  switch (u.kind) {
    case 'batchnorm': {
      const rec = only(ins[0]!);
      if (!rec || rec.kind !== NET_OP.conv || rec.bn || rec.sum !== null || rec.act !== null) return false;
      rec.bn = { gamma: u.gamma, beta: u.beta, mean: u.mean, variance: u.variance, eps: u.eps };
      return take(rec);
    }
    case 'act': {
      const rec = only(ins[0]!);
      if (!rec || rec.act !== null || u.alpha) return false; // a fused activation takes no alpha
      const takesAny = rec.kind === NET_OP.linear || rec.kind === NET_OP.batchNorm || rec.kind === NET_OP.add;
      if (rec.kind === NET_OP.conv ? !CONV_ACTS.has(u.act) : !takesAny) return false;
      rec.act = u.act;
      return take(rec);
    }
    case 'add': {
      // The later of the two producing convolutions takes the other operand as its sum post-op.
      const cands = ins
        .map((v, i) => ({ rec: only(v), other: ins[1 - i]! }))
        .filter((c) => c.rec && c.rec.kind === NET_OP.conv && c.rec.sum === null && c.rec.act === null);
      cands.sort((a, b) => order.indexOf(b.rec!) - order.indexOf(a.rec!));
      for (const c of cands) {
        const otherRec = producer.get(c.other);
        if (otherRec && order.indexOf(otherRec) > order.indexOf(c.rec!)) continue; // computed after the conv
        c.rec!.sum = c.other;
        c.rec!.ins.push(c.other);
        return take(c.rec!);
      }
      return false;
    }
    default:
      return false;
  }
}

/** The numbers and parameter buffers netPlan() reads for a step (see native/src/net_plan_steps.cc). */
export function encode(rec: NetOpRec, data: (p: Parameter) => NativeBuffer): { p: number[]; bufs: (NativeBuffer | null)[] } {
  const act = rec.act === null ? -1 : UNARY_OP[rec.act];
  const bufs = (list: (Parameter | null)[]) => list.map((p) => (p ? data(p) : null));
  switch (rec.kind) {
    case NET_OP.conv: {
      const bn = rec.bn;
      return {
        p: [...rec.p, act, bn?.eps ?? 0, rec.sum === null ? 0 : 1],
        bufs: bufs([...rec.params, bn?.gamma ?? null, bn?.beta ?? null, bn?.mean ?? null, bn?.variance ?? null]),
      };
    }
    case NET_OP.batchNorm:
      return { p: [rec.p[0]!, act], bufs: bufs(rec.params) };
    case NET_OP.deconv:
      return { p: [...rec.p, act], bufs: bufs(rec.params) };
    case NET_OP.add:
      return { p: [act, ...rec.p.slice(0, 1)], bufs: [] }; // p[0] = 1: Multiply
    case NET_OP.act:
      return { p: [act, rec.p[0] ?? 0], bufs: [] };
    case NET_OP.linear:
      return { p: [rec.p[0]!, act, rec.p[1]!], bufs: bufs(rec.params) };
    case NET_OP.layerNorm:
    case NET_OP.groupNorm:
    case NET_OP.pointwise:
    case NET_OP.embed:
    case NET_OP.attention:
    case NET_OP.rnn:
      return { p: rec.p, bufs: bufs(rec.params) };
    case NET_OP.transpose:
    case NET_OP.axisReduce:
    case NET_OP.slice:
    case NET_OP.pad:
    case NET_OP.concat:
    case NET_OP.softmax:
      return { p: rec.p, bufs: [] };
    case NET_OP.tableAdd:
      return { p: rec.p, bufs: rec.table ? [rec.table.buffer] : bufs(rec.params) };
    default:
      return { p: rec.p, bufs: [] };
  }
}

/** e.g. `conv0+batchnorm0+add0+relu0` */
export const recLabel = (rec: NetOpRec): string => rec.names.join('+');
