// Reductions (sum, mean, max, min, prod, argmax, argmin) and softmax / log-softmax.

import { REDUCE_OP } from '../backend/native-addon.ts';
import { native } from '../backend/backend.ts';
import { errors } from '../core/errors.ts';
import { DTYPE_INFO, isFloat, type DType } from '../ndarray/dtype.ts';
import { NDArray, viewOf } from '../ndarray/ndarray-core.ts';
import { normalizeAxes, normalizeAxis } from '../ndarray/shape.ts';
import { recordOp, recordingState } from '../autograd/tape.ts';
import { castTo, describe } from './operands.ts';

export type Axis = number | readonly number[] | null;
export type ReduceName = 'sum' | 'mean' | 'max' | 'min' | 'prod';

export interface ReduceAttrs {
  axes: number[];
  keepdims: boolean;
}

function reduceDtype(name: ReduceName, d: DType): DType {
  if (name === 'mean') return isFloat(d) ? d : 'float32';
  if ((name === 'sum' || name === 'prod') && d === 'bool') return 'int64';
  return d;
}

export function reduce(name: ReduceName, x: NDArray, axis?: Axis, keepdims = false): NDArray {
  const axes = normalizeAxes(name, axis, x.ndim);
  const dtype = reduceDtype(name, x.dtype);
  const kept: number[] = [];
  const keptDims: number[] = [];
  let ai = 0;
  for (let i = 0; i < x.ndim; i++) {
    if (axes[ai] === i) {
      ai++;
      if ((name === 'max' || name === 'min') && x.shape[i] === 0) {
        throw errors.shapeMismatch(name, `cannot reduce axis ${i} of size 0 (shape ${JSON.stringify(x.shape)}): ` + `${name} of an empty extent has no value`);
      }
      keptDims.push(1);
    } else {
      kept.push(x.shape[i]!);
      keptDims.push(x.shape[i]!);
    }
  }
  const src = dtype === x.dtype ? x : castTo(x, dtype, name);
  const out = NDArray._alloc(keepdims ? keptDims : kept, dtype, x.device, name);
  try {
    native().reduce(REDUCE_OP[name], DTYPE_INFO[dtype].code, src.buffer, x.shape as number[], axes, out.buffer);
  } catch (e) {
    throw errors.fromNative(name, e, `${describe(x)}, axes [${axes.join(', ')}]`);
  }
  if (recordingState.recording && src === x && isFloat(dtype)) recordOp(name, [x], out, { axes, keepdims } satisfies ReduceAttrs);
  return out;
}

/** Index of the max/min along one axis, or over the flattened array when axis is null (int64). */
export function argReduce(name: 'argmax' | 'argmin', x: NDArray, axis?: number | null): NDArray {
  const flat = axis === null || axis === undefined;
  const src = flat ? viewOf(x, [x.size], 'reshape') : x;
  const a = flat ? 0 : normalizeAxis(name, axis, x.ndim);
  if (src.shape[a] === 0) {
    throw errors.shapeMismatch(name, `attempt to get ${name} of an empty extent (shape ${JSON.stringify(x.shape)}, axis ${a})`);
  }
  const shape = src.shape.filter((_, i) => i !== a);
  const out = NDArray._alloc(shape, 'int64', x.device, name);
  try {
    native().reduce(REDUCE_OP[name], DTYPE_INFO[x.dtype].code, src.buffer, src.shape.slice(), [a], out.buffer);
  } catch (e) {
    throw errors.fromNative(name, e, `${describe(x)}, axis ${a}`);
  }
  return out;
}

export interface SoftmaxAttrs {
  outer: number;
  axisLen: number;
  inner: number;
}

function softmaxDims(op: string, x: NDArray, axis: number): SoftmaxAttrs {
  const a = normalizeAxis(op, axis, x.ndim);
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < a; i++) outer *= x.shape[i]!;
  for (let i = a + 1; i < x.ndim; i++) inner *= x.shape[i]!;
  return { outer, axisLen: x.shape[a]!, inner };
}

/** softmax (or log-softmax when log) along `axis` (default the last). */
export function softmax(x: NDArray, axis = -1, log = false): NDArray {
  const op = log ? 'logSoftmax' : 'softmax';
  if (x.ndim === 0) throw errors.args(op, 'needs an array with at least one axis');
  const dims = softmaxDims(op, x, axis);
  const src = isFloat(x.dtype) ? x : castTo(x, 'float32', op);
  const out = NDArray._alloc(x.shape, src.dtype, x.device, op);
  try {
    native().softmax(DTYPE_INFO[src.dtype].code, src.buffer, out.buffer, dims.outer, dims.axisLen, dims.inner, log);
  } catch (e) {
    throw errors.fromNative(op, e, `${describe(x)}, axis ${axis}`);
  }
  if (recordingState.recording && src === x) recordOp(op, [x], out, dims);
  return out;
}

export function softmaxBackward(y: NDArray, dy: NDArray, dims: SoftmaxAttrs, log: boolean): NDArray {
  const gy = castTo(dy, y.dtype, 'softmax backward');
  const dx = NDArray._alloc(y.shape, y.dtype, y.device);
  try {
    native().softmaxBackward(DTYPE_INFO[y.dtype].code, y.buffer, gy.buffer, dx.buffer, dims.outer, dims.axisLen, dims.inner, log);
  } catch (e) {
    throw errors.fromNative(log ? 'logSoftmax backward' : 'softmax backward', e, describe(y));
  }
  return dx;
}
