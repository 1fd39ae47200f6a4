// Shape arithmetic done in TS before any native call: validation, strides, broadcasting, axes.

import { errors } from '../core/errors.ts';

export type Shape = readonly number[];

const MAX_ELEMENTS = 2 ** 53;

/** Checks every dim is a non-negative integer and the element count stays exact; returns the size. */
export function checkShape(op: string, shape: readonly unknown[]): number {
  if (!Array.isArray(shape)) throw errors.args(op, `shape must be an array of integers, got ${String(shape)}`);
  let size = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d !== 'number' || !Number.isInteger(d)) {
      throw errors.invalidShape(op, shape, `dimension ${i} is ${String(d)}, not an integer`);
    }
    if (d < 0) throw errors.invalidShape(op, shape, `dimension ${i} is negative`);
    size *= d;
  }
  if (size > MAX_ELEMENTS) throw errors.invalidShape(op, shape, `${size} elements is more than 2^53`);
  return size;
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function contiguousStrides(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** numpy broadcasting of two shapes. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)]!;
    const db = i < n - b.length ? 1 : b[i - (n - b.length)]!;
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else throw errors.broadcast(op, a, b);
  }
  return out;
}

/** Strides (in elements) that read a contiguous array of `shape` as if broadcast to `outShape`. */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const n = outShape.length;
  const off = n - shape.length;
  const s = new Array<number>(n);
  let acc = 1;
  for (let i = n - 1; i >= 0; i--) {
    if (i < off) {
      s[i] = 0;
      continue;
    }
    const d = shape[i - off]!;
    s[i] = d === 1 ? 0 : acc;
    acc *= d;
  }
  return s;
}

/** Normalises a possibly negative axis; throws E_INDEX when out of range. */
export function normalizeAxis(op: string, axis: number, ndim: number): number {
  if (!Number.isInteger(axis)) throw errors.args(op, `axis must be an integer, got ${axis}`);
  if (axis < -ndim || axis >= ndim) throw errors.axis(op, axis, ndim);
  return axis < 0 ? axis + ndim : axis;
}

const ALL_AXES: number[][] = [];

/** axis | axes | null (all) → sorted unique list of axes. */
export function normalizeAxes(op: string, axis: number | readonly number[] | null | undefined, ndim: number): number[] {
  if (axis === null || axis === undefined) {
    // Shared per ndim (the common "reduce everything" case allocates nothing); callers never mutate it.
    let all = ALL_AXES[ndim];
    if (!all) {
      all = new Array<number>(ndim);
      for (let i = 0; i < ndim; i++) all[i] = i;
      ALL_AXES[ndim] = all;
    }
    return all;
  }
  if (typeof axis === 'number') return [normalizeAxis(op, axis, ndim)];
  const out = axis.map((a) => normalizeAxis(op, a, ndim)).sort((x, y) => x - y);
  for (let i = 1; i < out.length; i++) {
    if (out[i] === out[i - 1]) throw errors.args(op, `repeated axis ${out[i]} in [${axis.join(', ')}]`);
  }
  return out;
}
