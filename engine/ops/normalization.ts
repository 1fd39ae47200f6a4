// Normalization ops: batch norm over axis 1 and layer norm over the trailing axes run on their
// own native kernels (oneDNN on the CPU); instance, group and RMS norm are composed from those
// and from differentiable elementwise ops, so their gradients come from rows that already exist.

import { native } from '../backend/backend.ts';
import type { NativeAddon } from '../backend/native-addon.ts';
import { errors, formatShape } from '../core/errors.ts';
import { DTYPE_INFO, isFloat } from '../ndarray/dtype.ts';
import { NDArray } from '../ndarray/ndarray-core.ts';
import { normalizeAxis, sameShape } from '../ndarray/shape.ts';
import { recordOp, recordingState, tracksGrad } from '../autograd/tape.ts';
import { binary, copy, unary } from './elementwise.ts';
import { reshape } from './layout.ts';
import { reduce } from './reduce.ts';
import { checkArray, checkSameDevice, describe } from './operands.ts';

export interface BatchNormOptions {
  /** Added to the variance (Gluon's epsilon); default 1e-5. */
  eps?: number;
  /** Gluon's convention: running = momentum · running + (1 − momentum) · batch; default 0.9. */
  momentum?: number;
  /** Batch statistics (and running-stat updates) when true; default autograd's training mode. */
  training?: boolean;
  /** Normalize with the running statistics even in training (Gluon's use_global_stats). */
  useGlobalStats?: boolean;
}

/** What batchNorm's backward needs: which optional inputs exist and the statistics used. */
export interface BatchNormAttrs {
  hasGamma: boolean;
  hasBeta: boolean;
  mean: NDArray;
  variance: NDArray;
  n: number;
  c: number;
  s: number;
  eps: number;
  globalStats: boolean;
}

export interface LayerNormAttrs {
  hasGamma: boolean;
  hasBeta: boolean;
  mean: NDArray;
  variance: NDArray;
  outer: number;
  inner: number;
  eps: number;
  /** gamma's and beta's shape: x.shape from the first normalized axis. */
  paramShape: number[];
}

function checkEps(op: string, eps: number): number {
  if (typeof eps !== 'number' || !(eps >= 0) || !Number.isFinite(eps)) throw errors.args(op, `eps must be a non-negative number, got ${String(eps)}`);
  return eps;
}

/** A per-channel (or per-feature) operand: same dtype and device as x, and exactly `shape`. */
function checkParam(op: string, what: string, p: NDArray | null, x: NDArray, shape: readonly number[]): void {
  if (p === null) return;
  checkArray(op, p, what);
  checkSameDevice(op, x, p);
  if (p.dtype !== x.dtype) throw errors.dtype(op, `${what} is ${p.dtype} but x is ${x.dtype}; cast one so they match`);
  if (!sameShape(p.shape, shape)) {
    throw errors.shapeMismatch(op, `${what} must have shape ${formatShape(shape)} for x of shape ${formatShape(x.shape)}, ` + `got ${formatShape(p.shape)}`);
  }
}

function checkFloat(op: string, x: NDArray): void {
  checkArray(op, x, 'x');
  if (!isFloat(x.dtype)) throw errors.dtype(op, `needs a float32 or float64 input, got ${x.dtype} (cast it with astype first)`);
}

/**
 * Batch normalization over axis 1 of x (N, C, ...any spatial axes): per channel,
 * y = (x − mean) / sqrt(var + eps) · gamma + beta. In training the batch's statistics normalize
 * and runningMean / runningVar are updated IN PLACE (the unbiased batch variance, as PyTorch);
 * otherwise (or with useGlobalStats) the running statistics normalize. gamma / beta may be null
 * (Gluon's scale / center false). Gradients flow to x, gamma and beta, never to the running stats.
 *
 *   const y = npx.batchNorm(x, gamma, beta, runningMean, runningVar, { training: true });
 */
export function batchNorm(
  x: NDArray,
  gamma: NDArray | null,
  beta: NDArray | null,
  runningMean: NDArray,
  runningVar: NDArray,
  options: BatchNormOptions = {},
): NDArray {
  const op = 'batchNorm';
  checkFloat(op, x);
  if (x.ndim < 2) throw errors.shapeMismatch(op, `expects (N, C, ...) input with at least 2 axes, got ${formatShape(x.shape)}`);
  const eps = checkEps(op, options.eps ?? 1e-5);
  const momentum = options.momentum ?? 0.9;
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1)) throw errors.args(op, `momentum must be in [0, 1], got ${String(momentum)}`);
  const n = x.shape[0]!;
  const c = x.shape[1]!;
  const s = x.shape.slice(2).reduce((a, b) => a * b, 1);
  for (const [what, p] of [
    ['gamma', gamma],
    ['beta', beta],
    ['runningMean', runningMean],
    ['runningVar', runningVar],
  ] as const) {
    if (p === null && (what === 'runningMean' || what === 'runningVar')) throw errors.args(op, `${what} is required`);
    checkParam(op, what, p, x, [c]);
  }
  const batchStats = (options.training ?? recordingState.training) && !options.useGlobalStats;
  if (batchStats && n * s < 2) {
    throw errors.shapeMismatch(
      op,
      `training needs more than one value per channel, got input ${formatShape(x.shape)}; ` + 'use a larger batch, or prediction mode',
    );
  }
  const out = NDArray._alloc(x.shape, x.dtype, x.device, op);
  const saveMean = batchStats ? NDArray._alloc([c], x.dtype, x.device, op) : null;
  const saveVar = batchStats ? NDArray._alloc([c], x.dtype, x.device, op) : null;
  try {
    native().batchNorm(
      DTYPE_INFO[x.dtype].code,
      x.buffer,
      gamma?.buffer ?? null,
      beta?.buffer ?? null,
      runningMean.buffer,
      runningVar.buffer,
      out.buffer,
      saveMean?.buffer ?? null,
      saveVar?.buffer ?? null,
      n,
      c,
      s,
      eps,
      momentum,
      batchStats,
    );
  } catch (e) {
    throw errors.fromNative(op, e, describe(x));
  }
  const inputs = [x, gamma, beta].filter((a): a is NDArray => a !== null);
  if (recordingState.recording && inputs.some(tracksGrad)) {
    // Running statistics are snapshot: a later training step updates them in place.
    const attrs: BatchNormAttrs = {
      hasGamma: gamma !== null,
      hasBeta: beta !== null,
      n,
      c,
      s,
      eps,
      globalStats: !batchStats,
      mean: saveMean ?? copy(runningMean),
      variance: saveVar ?? copy(runningVar),
    };
    recordOp(op, inputs, out, attrs);
  }
  return out;
}

/** The batchNorm row: one native call for dx, dgamma and dbeta, skipping those nobody wants. */
export function batchNormBackward(gy: NDArray, x: NDArray, gamma: NDArray | null, a: BatchNormAttrs, want: readonly boolean[]): (NDArray | null)[] {
  return normGrads('batchNorm backward', gy, x, gamma, a, want, [a.c], (...buffers) =>
    native().batchNormBackward(...buffers, a.n, a.c, a.s, a.eps, a.globalStats),
  );
}

/** The arguments the addon's batchNormBackward and layerNormBackward both start with: dtype to dbeta. */
type NormGradArgs = Parameters<NativeAddon['layerNormBackward']> extends [...infer Head, number, number, number] ? Head : never;

/**
 * Shared by batch and layer norm's backward: allocates dx (x's shape) and dgamma / dbeta
 * (paramShape) only where wanted, lets `call` fill them in one native call with gy in x's dtype,
 * and returns the gradients in input order (x, then gamma and beta where they exist).
 */
function normGrads(
  op: string,
  gy: NDArray,
  x: NDArray,
  gamma: NDArray | null,
  a: { hasGamma: boolean; hasBeta: boolean; mean: NDArray; variance: NDArray },
  want: readonly boolean[],
  paramShape: readonly number[],
  call: (...args: NormGradArgs) => void,
): (NDArray | null)[] {
  const g = gy.dtype === x.dtype ? gy : gy.astype(x.dtype);
  const wantGamma = a.hasGamma && want[1] === true;
  const wantBeta = a.hasBeta && want[a.hasGamma ? 2 : 1] === true;
  const dx = want[0] ? NDArray._alloc(x.shape, x.dtype, x.device, op) : null;
  const dgamma = wantGamma ? NDArray._alloc(paramShape, x.dtype, x.device, op) : null;
  const dbeta = wantBeta ? NDArray._alloc(paramShape, x.dtype, x.device, op) : null;
  try {
    call(
      DTYPE_INFO[x.dtype].code,
      x.buffer,
      g.buffer,
      gamma?.buffer ?? null,
      a.mean.buffer,
      a.variance.buffer,
      dx?.buffer ?? null,
      dgamma?.buffer ?? null,
      dbeta?.buffer ?? null,
    );
  } catch (e) {
    throw errors.fromNative(op, e, describe(x, gy));
  }
  const res: (NDArray | null)[] = [dx];
  if (a.hasGamma) res.push(dgamma);
  if (a.hasBeta) res.push(dbeta);
  return res;
}

export interface LayerNormOptions {
  /** First normalized axis: the values of axes [axis, ndim) are normalized together; default −1. */
  axis?: number;
  eps?: number;
}

/**
 * Layer normalization over the trailing axes from `axis` (PyTorch's normalized_shape =
 * x.shape[axis:]; with the default axis −1 this is Gluon's LayerNorm too). gamma / beta have that
 * shape, or are null. Statistics are per row; the variance is biased.
 *
 *   const y = npx.layerNorm(x, gamma, beta, { axis: -1, eps: 1e-5 });
 */
export function layerNorm(x: NDArray, gamma: NDArray | null, beta: NDArray | null, options: LayerNormOptions = {}): NDArray {
  const op = 'layerNorm';
  checkFloat(op, x);
  if (x.ndim < 1) throw errors.shapeMismatch(op, 'needs an array with at least one axis');
  const axis = normalizeAxis(op, options.axis ?? -1, x.ndim);
  const eps = checkEps(op, options.eps ?? 1e-5);
  const normShape = x.shape.slice(axis);
  checkParam(op, 'gamma', gamma, x, normShape);
  checkParam(op, 'beta', beta, x, normShape);
  const inner = normShape.reduce((a, b) => a * b, 1);
  const outer = x.size / Math.max(inner, 1);
  if (inner === 0 && x.size > 0) throw errors.shapeMismatch(op, `cannot normalize over axes of size 0 in ${formatShape(x.shape)}`);
  const out = NDArray._alloc(x.shape, x.dtype, x.device, op);
  const mean = NDArray._alloc([outer], x.dtype, x.device, op);
  const variance = NDArray._alloc([outer], x.dtype, x.device, op);
  try {
    native().layerNorm(
      DTYPE_INFO[x.dtype].code,
      x.buffer,
      gamma?.buffer ?? null,
      beta?.buffer ?? null,
      out.buffer,
      mean.buffer,
      variance.buffer,
      outer,
      inner,
      eps,
    );
  } catch (e) {
    throw errors.fromNative(op, e, `${describe(x)}, axis ${axis}`);
  }
  const inputs = [x, gamma, beta].filter((a): a is NDArray => a !== null);
  if (recordingState.recording) {
    recordOp(op, inputs, out, {
      hasGamma: gamma !== null,
      hasBeta: beta !== null,
      mean,
      variance,
      outer,
      inner,
      eps,
      paramShape: normShape,
    } satisfies LayerNormAttrs);
  }
  return out;
}

export function layerNormBackward(gy: NDArray, x: NDArray, gamma: NDArray | null, a: LayerNormAttrs, want: readonly boolean[]): (NDArray | null)[] {
  return normGrads('layerNorm backward', gy, x, gamma, a, want, a.paramShape, (...buffers) => native().layerNormBackward(...buffers, a.outer, a.inner, a.eps));
}

/** gamma [C] / beta [C] applied along axis 1 of y (the affine part of instance and group norm). */
function channelAffine(y: NDArray, gamma: NDArray | null, beta: NDArray | null): NDArray {
  const shape = y.shape.map((d, i) => (i === 1 ? d : 1));
  let out = y;
  if (gamma) out = binary('mul', out, reshape(gamma, shape));
  if (beta) out = binary('add', out, reshape(beta, shape));
  return out;
}

function checkChannelParams(op: string, x: NDArray, gamma: NDArray | null, beta: NDArray | null): void {
  checkFloat(op, x);
  if (x.ndim < 3) throw errors.shapeMismatch(op, `expects (N, C, ...) input with at least one spatial axis, got ${formatShape(x.shape)}`);
  checkParam(op, 'gamma', gamma, x, [x.shape[1]!]);
  checkParam(op, 'beta', beta, x, [x.shape[1]!]);
}

/**
 * Instance normalization (PyTorch's InstanceNorm without running statistics, Gluon's
 * InstanceNorm): each (sample, channel) plane normalized over its spatial axes, then gamma / beta
 * per channel. Composed: layerNorm's kernel on the (N, C, spatial) view does the statistics and
 * their gradient; the per-channel affine is a broadcast mul / add, differentiable as it is.
 */
export function instanceNorm(x: NDArray, gamma: NDArray | null, beta: NDArray | null, options: { eps?: number } = {}): NDArray {
  checkChannelParams('instanceNorm', x, gamma, beta);
  const [n, c] = x.shape as [number, number];
  const normed = layerNorm(reshape(x, [n, c, x.size / Math.max(n * c, 1)]), null, null, { axis: 2, eps: options.eps ?? 1e-5 });
  return channelAffine(reshape(normed, x.shape), gamma, beta);
}

/**
 * Group normalization (PyTorch's GroupNorm): the C channels split into `groups` groups, each
 * (sample, group) normalized over its channels and spatial axes, then gamma / beta per channel.
 * Composed like instanceNorm, on the (N, groups, C / groups · spatial) view.
 */
export function groupNorm(x: NDArray, gamma: NDArray | null, beta: NDArray | null, options: { groups: number; eps?: number }): NDArray {
  const op = 'groupNorm';
  checkChannelParams(op, x, gamma, beta);
  const [n, c] = x.shape as [number, number];
  const groups = options.groups;
  if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0) {
    throw errors.args(op, `groups must be a positive integer that divides the ${c} channels, got ${String(groups)}`);
  }
  const normed = layerNorm(reshape(x, [n, groups, x.size / Math.max(n * groups, 1)]), null, null, { axis: 2, eps: options.eps ?? 1e-5 });
  return channelAffine(reshape(normed, x.shape), gamma, beta);
}

/**
 * RMS normalization over the trailing axes from `axis`: x / sqrt(mean(x²) + eps) · gamma (no
 * centering, no shift). Composed from square, mean, add, sqrt, div and mul: no kernel of its own,
 * as it is memory-bound either way and the composed gradient is exact. eps defaults to 1e-6.
 */
export function rmsNorm(x: NDArray, gamma: NDArray | null, options: { axis?: number; eps?: number } = {}): NDArray {
  const op = 'rmsNorm';
  checkFloat(op, x);
  if (x.ndim < 1) throw errors.shapeMismatch(op, 'needs an array with at least one axis');
  const axis = normalizeAxis(op, options.axis ?? -1, x.ndim);
  const eps = checkEps(op, options.eps ?? 1e-6);
  checkParam(op, 'gamma', gamma, x, x.shape.slice(axis));
  const axes = x.shape.map((_, i) => i).filter((i) => i >= axis);
  const ms = reduce('mean', unary('square', x), axes, true);
  const y = binary('div', x, unary('sqrt', binary('add', ms, eps)));
  return gamma ? binary('mul', y, gamma) : y;
}
