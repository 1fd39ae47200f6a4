// Max and average pooling over NCW / NCHW with PyTorch's rules (MaxPool / AvgPool 1d and 2d,
// Gluon's MaxPool / AvgPool 1D and 2D): padding at most half the window, ceil mode, and
// count_include_pad for averages. Global pooling is the window of the whole plane.
//
//   const y = pool(x, { mode: 'max', kernel: 2 });   // strides default to the kernel

import { POOL_MODE, type PoolModeCode } from '../backend/native-addon.ts';
import { native } from '../backend/backend.ts';
import { errors, formatShape } from '../core/errors.ts';
import { DTYPE_INFO, isFloat } from '../ndarray/dtype.ts';
import { NDArray } from '../ndarray/ndarray-core.ts';
import { recordOp, recordingState, type TapeNode } from '../autograd/tape.ts';
import { castTo, checkArray, describe } from './operands.ts';
import { AXIS_NAMES, as2d, planeOf, spatialTuple } from './spatial.ts';

export interface PoolOptions {
  /** 'max' (default) or 'avg'. */
  mode?: 'max' | 'avg';
  /** Window size per spatial axis (required unless global). */
  kernel?: number | readonly number[];
  /** Step of the window (default: the kernel). */
  strides?: number | readonly number[];
  /** Implicit padding on both sides, at most half the window (default 0). */
  padding?: number | readonly number[];
  /** Output size rounded up, a last window overhanging the input (default false). */
  ceilMode?: boolean;
  /** avg: divide by the window including the zero padding (default true, as PyTorch and Gluon). */
  countIncludePad?: boolean;
  /** One window over the whole plane: output (N, C, 1) or (N, C, 1, 1) (Gluon's GlobalMaxPool / GlobalAvgPool). */
  global?: boolean;
}

/** A recorded pooling: the native mode and geometry. */
export interface PoolAttrs {
  mode: PoolModeCode;
  geom: number[];
}

function outExtent(op: string, axis: string, len: number, k: number, s: number, p: number, ceil: boolean): number {
  if (len + 2 * p < k) {
    throw errors.shapeMismatch(op, `the window (${k}) is larger than the padded input (${len} + 2·${p} = ${len + 2 * p}) along axis ${axis}`);
  }
  const span = len + 2 * p - k;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  // PyTorch: the last window must start inside the input or its left padding.
  if (ceil && (out - 1) * s >= len + p) out--;
  return out;
}

/**
 * The native mode and geometry of pooling x's shape with these options (checked; the messages
 * name the axis): what pool() runs, and what a compiled plan's pool step is built from.
 */
export function poolGeometry(shape: readonly number[], options: PoolOptions): PoolAttrs & { out: number[] } {
  const op = 'pool';
  const mode = options.mode ?? 'max';
  if (mode !== 'max' && mode !== 'avg') throw errors.args(op, `mode must be 'max' or 'avg', got ${JSON.stringify(mode)}`);
  if (shape.length !== 3 && shape.length !== 4) throw errors.shapeMismatch(op, `expects (N, C, W) or (N, C, H, W), got ${formatShape(shape)}`);
  const nd = shape.length - 2;
  const spatial = shape.slice(2);
  if (!options.global && options.kernel === undefined) throw errors.args(op, 'kernel is required (or global: true)');
  const kernel = options.global ? spatial : spatialTuple(op, 'kernel', options.kernel, nd, 1, 1);
  const strides = options.global
    ? spatial.map(() => 1)
    : options.strides === undefined
      ? kernel.slice()
      : spatialTuple(op, 'strides', options.strides, nd, 1, 1);
  const padding = options.global ? spatial.map(() => 0) : spatialTuple(op, 'padding', options.padding, nd, 0, 0);
  const ceil = options.ceilMode ?? false;
  const spatialOut: number[] = [];
  for (let a = 0; a < nd; a++) {
    const axis = AXIS_NAMES[nd]![a]!;
    if (2 * padding[a]! > kernel[a]!) {
      throw errors.args(op, `padding (${padding[a]}) must be at most half the window (${kernel[a]}) along axis ${axis}`);
    }
    spatialOut.push(outExtent(op, axis, spatial[a]!, kernel[a]!, strides[a]!, padding[a]!, ceil));
  }
  const code: PoolModeCode = mode === 'max' ? POOL_MODE.max : (options.countIncludePad ?? true) ? POOL_MODE.avgIncludePad : POOL_MODE.avgExcludePad;
  const [h, w] = planeOf(shape);
  const [oh, ow] = as2d(spatialOut, 1);
  const [kh, kw] = as2d(kernel, 1);
  const [sh, sw] = as2d(strides, 1);
  const [ph, pw] = as2d(padding, 0);
  return { mode: code, geom: [shape[0]!, shape[1]!, h, w, oh, ow, kh, kw, sh, sw, ph, pw], out: [shape[0]!, shape[1]!, ...spatialOut] };
}

/**
 * Pooling of x (N, C, W) or (N, C, H, W). Output size per axis
 * floor((L + 2·padding − kernel) / stride) + 1 (ceil in ceil mode).
 */
export function pool(x: NDArray, options: PoolOptions = {}): NDArray {
  const op = 'pool';
  checkArray(op, x, 'x');
  if (!isFloat(x.dtype)) throw errors.dtype(op, `needs a float array, got ${x.dtype}`);
  const { mode: code, geom, out } = poolGeometry(x.shape, options);
  const y = NDArray._alloc(out, x.dtype, x.device, op);
  try {
    native().pooling(code, DTYPE_INFO[x.dtype].code, x.buffer, y.buffer, geom);
  } catch (e) {
    y.dispose();
    throw errors.fromNative(op, e, describe(x));
  }
  if (recordingState.recording) recordOp(op, [x], y, { mode: code, geom } satisfies PoolAttrs);
  return y;
}

/** The autograd row of pool: each window's gradient spread over it (avg) or to its maximum (max). */
export function poolBackward(gy: NDArray, n: TapeNode): (NDArray | null)[] {
  const x = n.inputs[0]!;
  const { mode, geom } = n.attrs as PoolAttrs;
  const op = 'pool backward';
  const g = castTo(gy, x.dtype, op);
  const dx = NDArray._alloc(x.shape, x.dtype, x.device, op);
  try {
    native().poolingBackward(mode, DTYPE_INFO[x.dtype].code, x.buffer, g.buffer, dx.buffer, geom);
  } catch (e) {
    dx.dispose();
    throw errors.fromNative(op, e, describe(x, gy));
  }
  return [dx];
}
