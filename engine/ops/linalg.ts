// matmul (numpy semantics, batch broadcasting), dot (numpy semantics), and linear (Gluon
// FullyConnected with a fused activation when autograd does not need the pre-activation).

import { UNARY_OP, type DTypeCode } from '../backend/native-addon.ts';
import { native } from '../backend/backend.ts';
import { errors } from '../core/errors.ts';
import { DTYPE_INFO, promoteTypes } from '../ndarray/dtype.ts';
import { NDArray } from '../ndarray/ndarray-core.ts';
import { broadcastShapes, sameShape, sizeOf } from '../ndarray/shape.ts';
import { recordOp, recordingState, tracksGrad, withRecording } from '../autograd/tape.ts';
import { castTo, checkArray, checkSameDevice, describe } from './operands.ts';
import { binary, unary, type UnaryName } from './elementwise.ts';
import { broadcastTo, flatten, reshape, transpose } from './layout.ts';
import { PACKED_MIN_WORK, type PackedWeights } from './packed-linear.ts';

/** A shape-only view that is NOT recorded (internal plumbing of a recorded op). */
function rawView(x: NDArray, shape: number[]): NDArray {
  return new NDArray(x.buffer, shape, x.dtype, x.device, x.size);
}

interface MatmulPlan {
  ac: NDArray;
  bc: NDArray;
  out: NDArray;
  code: DTypeCode;
  batch: number;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  aStride: number;
  bStride: number;
}

/** Shapes, dtype promotion, batch broadcasting and the output for op(a)·op(b) (ndim ≥ 2). */
function planMatmul(op: string, a: NDArray, b: NDArray, transA: boolean, transB: boolean): MatmulPlan {
  checkSameDevice(op, a, b);
  // A deferred 2-D transpose (w.T outside autograd) is read in place: op(wᵀ) = w with the flag flipped.
  const shownA = a.shape;
  const shownB = b.shape;
  let ta = transA;
  let tb = transB;
  if (a._tsrc !== null && a.dtype === b.dtype) {
    ta = !ta;
    a = a._tsrc;
  }
  if (b._tsrc !== null && a.dtype === b.dtype) {
    tb = !tb;
    b = b._tsrc;
  }
  const an = a.ndim;
  const bn = b.ndim;
  const m = ta ? a.shape[an - 1]! : a.shape[an - 2]!;
  const k = ta ? a.shape[an - 2]! : a.shape[an - 1]!;
  const kb = tb ? b.shape[bn - 1]! : b.shape[bn - 2]!;
  const n = tb ? b.shape[bn - 2]! : b.shape[bn - 1]!;
  if (k !== kb) {
    throw errors.shapeMismatch(
      op,
      `shapes ${JSON.stringify(shownA)} and ${JSON.stringify(shownB)} are not aligned: ` + `contracted dimensions ${k} and ${kb} differ.`,
    );
  }
  const aBatch = a.shape.slice(0, an - 2);
  const bBatch = b.shape.slice(0, bn - 2);
  const batchShape = broadcastShapes(op, aBatch, bBatch);
  const dtype = a.dtype === b.dtype ? a.dtype : promoteTypes(a.dtype, b.dtype);
  return {
    ac: batchOperand(castTo(a, dtype, op), aBatch, batchShape),
    bc: batchOperand(castTo(b, dtype, op), bBatch, batchShape),
    out: NDArray._alloc([...batchShape, m, n], dtype, a.device, op),
    code: DTYPE_INFO[dtype].code,
    batch: sizeOf(batchShape),
    m,
    n,
    k,
    transA: ta,
    transB: tb,
    aStride: sizeOf(aBatch) === 1 ? 0 : m * k,
    bStride: sizeOf(bBatch) === 1 ? 0 : k * n,
  };
}

/** Batched op(a)·op(b) for operands with ndim ≥ 2 (trans* read the last two axes transposed). Not recorded. */
export function matmulCore(op: string, a: NDArray, b: NDArray, transA: boolean, transB: boolean): NDArray {
  const p = planMatmul(op, a, b, transA, transB);
  try {
    native().matmul(p.code, p.ac.buffer, p.bc.buffer, p.out.buffer, p.batch, p.m, p.n, p.k, p.transA, p.transB, p.aStride, p.bStride);
  } catch (e) {
    throw errors.fromNative(op, e, describe(a, b));
  }
  return p.out;
}

/**
 * numpy.matmul for operands with at least two axes, computed on a worker thread so the caller's
 * event loop stays free during a long product (e.g. the engine process answering cancel
 * requests). Not recorded by autograd: inside record() use matmul or dot.
 *
 *   const c = await np.matmulAsync(np.ones([2048, 2048]), np.ones([2048, 2048]));
 */
export async function matmulAsync(a: NDArray, b: NDArray): Promise<NDArray> {
  checkArray('matmulAsync', a, 'a');
  checkArray('matmulAsync', b, 'b');
  if (a.ndim < 2 || b.ndim < 2) throw errors.args('matmulAsync', 'operands need at least two axes; use dot for vectors and scalars');
  if (recordingState.recording && (tracksGrad(a) || tracksGrad(b))) {
    throw errors.grad('matmulAsync', 'asynchronous ops are not recorded; inside autograd.record() use np.matmul or np.dot.');
  }
  // The worker reads its operands later, so a deferred transpose is copied now (the caller may
  // write its source meanwhile).
  if (a._tsrc !== null) a._materialize();
  if (b._tsrc !== null) b._materialize();
  const p = planMatmul('matmulAsync', a, b, false, false);
  try {
    await native().matmulAsync(p.code, p.ac.buffer, p.bc.buffer, p.out.buffer, p.batch, p.m, p.n, p.k, false, false, p.aStride, p.bStride);
  } catch (e) {
    p.out.dispose();
    throw errors.fromNative('matmulAsync', e, describe(a, b));
  }
  return p.out;
}

/** Operands whose batch is neither 1 nor the full batch are materialised (rare: e.g. (2,1)x(1,3) batches). */
function batchOperand(x: NDArray, batch: number[], full: number[]): NDArray {
  if (sizeOf(batch) === 1 || sameShape(batch, full)) return x;
  return withRecording(false, recordingState.training, () => broadcastTo(x, [...full, ...x.shape.slice(-2)]));
}

export interface MatmulAttrs {
  a2: number[];
  b2: number[];
  out2: number[];
}

/** numpy.matmul: 1-D operands are promoted to matrices and the added axis removed afterwards. */
export function matmul(a: NDArray, b: NDArray): NDArray {
  checkArray('matmul', a, 'a');
  checkArray('matmul', b, 'b');
  if (a.ndim === 0 || b.ndim === 0) throw errors.args('matmul', 'operands must have at least one axis; use mul for scalars');
  const a2 = a.ndim === 1 ? rawView(a, [1, a.shape[0]!]) : a;
  const b2 = b.ndim === 1 ? rawView(b, [b.shape[0]!, 1]) : b;
  const out2 = matmulCore('matmul', a2, b2, false, false);
  let shape = out2.shape.slice();
  if (b.ndim === 1) shape = shape.slice(0, -1);
  if (a.ndim === 1) shape.splice(shape.length - (b.ndim === 1 ? 1 : 2), 1);
  const out = sameShape(shape, out2.shape) ? out2 : rawView(out2, shape);
  if (recordingState.recording) {
    recordOp('matmul', [a, b], out, { a2: a2.shape.slice(), b2: b2.shape.slice(), out2: out2.shape.slice() } satisfies MatmulAttrs);
  }
  return out;
}

/** numpy.dot: scalars multiply, N-D·M-D (M ≥ 3, N ≥ 2) contracts a's last axis with b's second-to-last. */
export function dot(a: NDArray, b: NDArray): NDArray {
  checkArray('dot', a, 'a');
  checkArray('dot', b, 'b');
  if (a.ndim === 0 || b.ndim === 0) return binary('mul', a, b);
  if (b.ndim <= 2 || a.ndim === 1) return matmul(a, b);
  const k = a.shape[a.ndim - 1]!;
  const perm = [b.ndim - 2];
  for (let i = 0; i < b.ndim; i++) if (i !== b.ndim - 2) perm.push(i);
  const bt = reshape(transpose(b, perm), [b.shape[b.ndim - 2]!, -1]);
  const r = matmul(reshape(a, [-1, k]), bt);
  return reshape(r, [...a.shape.slice(0, -1), ...b.shape.slice(0, -2), b.shape[b.ndim - 1]!]);
}

export interface LinearOptions {
  /** Fused activation (relu, sigmoid, tanh, gelu, softrelu...). */
  activation?: UnaryName | null;
  /** Gluon Dense flatten=True (default): x is [N, ...] and flattened to [N, inUnits]. When false,
   * x is [..., inUnits] and the leading axes are kept. */
  flatten?: boolean;
  /** The caller's cache of packed weights (a Dense layer's), used by float32 CPU calls autograd does not record. */
  packed?: PackedWeights;
}

/** Gluon FullyConnected: act(x·wᵀ + b) with w of shape [outUnits, inUnits]. */
export function linear(x: NDArray, w: NDArray, bias?: NDArray | null, options: LinearOptions = {}): NDArray {
  checkArray('linear', x, 'x');
  checkArray('linear', w, 'weight');
  const act = options.activation ?? null;
  if (act !== null && !(act in UNARY_OP)) throw errors.args('linear', `unknown activation ${JSON.stringify(act)}`);
  const keepLeading = options.flatten === false;
  if (x.ndim === 0) throw errors.args('linear', 'input must have at least one axis');
  const x2 = keepLeading ? reshape(x, [-1, x.shape[x.ndim - 1]!]) : x.ndim === 2 ? x : x.ndim === 1 ? reshape(x, [1, -1]) : flatten(x);
  const rows = x2.shape[0]!;
  const inUnits = x2.shape[1]!;
  if (w.ndim !== 2 || w.shape[1] !== inUnits) {
    throw errors.shapeMismatch(
      'linear',
      `weight shape ${JSON.stringify(w.shape)} does not fit input ${JSON.stringify(x.shape)}: ` + `expected [outUnits, ${inUnits}]`,
    );
  }
  const outUnits = w.shape[0]!;
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outUnits)) {
    throw errors.shapeMismatch('linear', `bias shape ${JSON.stringify(bias.shape)} must be [${outUnits}]`);
  }
  checkSameDevice('linear', x, w);
  if (bias) checkSameDevice('linear', x, bias);
  const track = recordingState.recording && (tracksGrad(x2) || tracksGrad(w) || (bias ? tracksGrad(bias) : false));
  let dtype = promoteTypes(x2.dtype, w.dtype);
  if (bias) dtype = promoteTypes(dtype, bias.dtype);
  const out = NDArray._alloc([rows, outUnits], dtype, x.device, 'linear');
  const xc = castTo(x2, dtype, 'linear');
  const wc = castTo(w, dtype, 'linear');
  const bc = bias ? castTo(bias, dtype, 'linear') : null;
  // Under autograd the activation stays fused when its derivative follows from the output (the
  // backward reads y, not the pre-activation); the others run as a separate, recorded unary op.
  const fuse = act !== null && (!track || ACT_FROM_OUTPUT.has(act));
  const packed =
    options.packed && !track && dtype === 'float32' && x.device.type === 'cpu' && rows * inUnits * outUnits >= PACKED_MIN_WORK ? options.packed : null;
  try {
    if (packed) packed.run(xc, wc, bc, fuse ? UNARY_OP[act] : -1, out);
    else native().linear(DTYPE_INFO[dtype].code, xc.buffer, wc.buffer, bc ? bc.buffer : null, out.buffer, rows, inUnits, outUnits, fuse ? UNARY_OP[act] : -1);
  } catch (e) {
    throw errors.fromNative('linear', e, describe(x, w));
  }
  let y = out;
  if (track) {
    recordOp('linear', bias ? [x2, w, bias] : [x2, w], out, { activation: fuse ? act : null } satisfies LinearAttrs);
    if (act !== null && !fuse) y = unary(act, out);
  }
  return keepLeading ? reshape(y, [...x.shape.slice(0, -1), outUnits]) : y;
}

/** Activations whose derivative is a function of their output (relu: y > 0; sigmoid: y(1-y); tanh: 1-y²). */
export const ACT_FROM_OUTPUT: ReadonlySet<UnaryName> = new Set<UnaryName>(['relu', 'sigmoid', 'tanh']);

/** A recorded linear: the activation fused into its output (null: none). */
export interface LinearAttrs {
  activation: UnaryName | null;
}
