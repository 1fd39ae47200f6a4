// Array creation: array() from JS data, zeros/ones/full/empty, arange, eye and the *Like forms.
// Like MXNet's numpy mode, plain JS numbers default to float32.

import { native } from '../backend/backend.ts';
import { errors } from '../core/errors.ts';
import { DTYPE_INFO, DEFAULT_DTYPE, checkDType, type AnyTypedArray, type DType } from './dtype.ts';
import type { Device } from './device.ts';
import { NDArray } from './ndarray-core.ts';

export interface CreateOptions {
  dtype?: DType;
  device?: Device;
  ctx?: Device;
}
export type ShapeArg = number | readonly number[];
type NestedData = number | boolean | readonly NestedData[];

function shapeOf(op: string, shape: ShapeArg): readonly number[] {
  if (typeof shape === 'number') return [shape];
  if (!Array.isArray(shape)) throw errors.args(op, `shape must be a number or an array of numbers, got ${String(shape)}`);
  return shape;
}

const deviceOf = (o: CreateOptions | undefined): Device | undefined => o?.device ?? o?.ctx;

/** Uninitialised contents; use when every element is written next. */
export function empty(shape: ShapeArg, options?: CreateOptions): NDArray {
  return NDArray._allocChecked('empty', shapeOf('empty', shape), options?.dtype ?? DEFAULT_DTYPE, deviceOf(options));
}

export function full(shape: ShapeArg, value: number | boolean, options?: CreateOptions, op = 'full'): NDArray {
  const x = NDArray._allocChecked(op, shapeOf(op, shape), options?.dtype ?? DEFAULT_DTYPE, deviceOf(options));
  fillWith(op, x, Number(value));
  return x;
}

/** @internal */
export function fillWith(op: string, x: NDArray, value: number): void {
  try {
    native().fill(DTYPE_INFO[x.dtype].code, x.buffer, x.size, value);
  } catch (e) {
    throw errors.fromNative(op, e, `${x.dtype}${JSON.stringify(x.shape)} on ${x.device}`);
  }
}

export const zeros = (shape: ShapeArg, options?: CreateOptions): NDArray => full(shape, 0, options, 'zeros');
export const ones = (shape: ShapeArg, options?: CreateOptions): NDArray => full(shape, 1, options, 'ones');

const likeOptions = (x: NDArray, o?: CreateOptions): CreateOptions => ({ dtype: o?.dtype ?? x.dtype, device: deviceOf(o) ?? x.device });
export const zerosLike = (x: NDArray, o?: CreateOptions): NDArray => full(x.shape, 0, likeOptions(x, o), 'zerosLike');
export const onesLike = (x: NDArray, o?: CreateOptions): NDArray => full(x.shape, 1, likeOptions(x, o), 'onesLike');
export const fullLike = (x: NDArray, value: number, o?: CreateOptions): NDArray => full(x.shape, value, likeOptions(x, o), 'fullLike');

function dtypeOfTyped(t: ArrayBufferView): DType | null {
  if (t instanceof Float32Array) return 'float32';
  if (t instanceof Float64Array) return 'float64';
  if (t instanceof Int32Array) return 'int32';
  if (t instanceof BigInt64Array) return 'int64';
  if (t instanceof Uint8Array) return 'uint8';
  return null;
}

/**
 * An array from nested JS arrays, a typed array (1-D, or reshaped with `shape`), a number (0-d)
 * or another NDArray (copied). `np.array([[1, 2], [3, 4]])` is float32 as in MXNet.
 */
export function array(data: NestedData | AnyTypedArray | NDArray, options?: CreateOptions & { shape?: readonly number[] }): NDArray {
  if (data instanceof NDArray) {
    const moved = data.copyto(deviceOf(options) ?? data.device);
    return options?.dtype && options.dtype !== moved.dtype ? moved.astype(options.dtype) : moved;
  }
  if (ArrayBuffer.isView(data)) {
    const src = data as AnyTypedArray;
    const srcDtype = dtypeOfTyped(src);
    if (!srcDtype)
      throw errors.args('array', `unsupported typed array ${src.constructor.name}; use Float32Array, Float64Array, Int32Array, BigInt64Array or Uint8Array`);
    const shape = options?.shape ?? [src.length];
    const x = NDArray._allocChecked('array', shape, srcDtype, deviceOf(options));
    if (x.size !== src.length) throw errors.shapeMismatch('array', `shape ${JSON.stringify(shape)} does not hold ${src.length} elements`);
    writeTyped(x, src);
    return options?.dtype && options.dtype !== srcDtype ? x.astype(checkDType('array', options.dtype)) : x;
  }
  const shape: number[] = [];
  let probe: NestedData = data as NestedData;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0] as NestedData;
  }
  const flat: (number | boolean)[] = [];
  let allBool = true;
  const walk = (v: NestedData, axis: number): void => {
    if (axis === shape.length) {
      if (typeof v === 'boolean') {
        flat.push(v);
        return;
      }
      if (typeof v !== 'number') throw errors.args('array', `element ${JSON.stringify(v)} is not a number or boolean`);
      allBool = false;
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[axis]) {
      throw errors.shapeMismatch(
        'array',
        `nested lists are ragged at depth ${axis}: expected length ${shape[axis]}, ` + `got ${Array.isArray(v) ? v.length : 'a scalar'}`,
      );
    }
    for (const e of v) walk(e, axis + 1);
  };
  walk(data as NestedData, 0);
  const dtype = checkDType('array', options?.dtype ?? (allBool && flat.length > 0 ? 'bool' : DEFAULT_DTYPE));
  const x = NDArray._allocChecked('array', shape, dtype, deviceOf(options));
  const t = DTYPE_INFO[dtype].make(flat.length);
  if (t instanceof BigInt64Array) for (let i = 0; i < flat.length; i++) t[i] = BigInt(Math.trunc(Number(flat[i])));
  else if (dtype === 'bool') for (let i = 0; i < flat.length; i++) t[i] = flat[i] ? 1 : 0;
  else for (let i = 0; i < flat.length; i++) t[i] = Number(flat[i]);
  writeTyped(x, t);
  return x;
}

function writeTyped(x: NDArray, t: AnyTypedArray): void {
  try {
    native().write(x.buffer, 0, t);
  } catch (e) {
    throw errors.fromNative('array', e, `${x.dtype}${JSON.stringify(x.shape)}`);
  }
}

/** numpy arange: [start, stop) by step; `arange(4)` is 0..3 (float32 unless dtype is given). */
export function arange(start: number, stop?: number, step = 1, options?: CreateOptions): NDArray {
  if (stop === undefined || stop === null) {
    stop = start;
    start = 0;
  }
  if (!Number.isFinite(start) || !Number.isFinite(stop) || !Number.isFinite(step) || step === 0) {
    throw errors.args('arange', `start ${start}, stop ${stop} and step ${step} must be finite and step non-zero`);
  }
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const dtype = options?.dtype ?? DEFAULT_DTYPE;
  const x = NDArray._allocChecked('arange', [n], dtype, deviceOf(options));
  const t = DTYPE_INFO[dtype].make(n);
  if (t instanceof BigInt64Array) for (let i = 0; i < n; i++) t[i] = BigInt(Math.trunc(start + i * step));
  else for (let i = 0; i < n; i++) t[i] = start + i * step;
  writeTyped(x, t);
  return x;
}

/** Identity-like matrix with ones on diagonal k. */
export function eye(n: number, m?: number, k = 0, options?: CreateOptions): NDArray {
  const cols = m ?? n;
  const x = zeros([n, cols], options);
  const t = DTYPE_INFO[x.dtype].make(x.size);
  for (let i = 0; i < n; i++) {
    const j = i + k;
    if (j >= 0 && j < cols) {
      if (t instanceof BigInt64Array) t[i * cols + j] = 1n;
      else t[i * cols + j] = 1;
    }
  }
  writeTyped(x, t);
  return x;
}
