// Shared by the convolution and pooling ops: spatial arguments given as one number or one per
// axis, the NCW / NCHW layout check with a message that names the rule, and the [n, c, h, w] view
// the native kernels take (1-d arrays run as H = 1).

import { errors, formatShape } from '../core/errors.ts';
import type { NDArray } from '../ndarray/ndarray-core.ts';

export const LAYOUTS: Readonly<Record<number, string>> = { 1: '(N, C, W)', 2: '(N, C, H, W)' };

/** `value` as one integer >= min per spatial axis (a single number applies to every axis). */
export function spatialTuple(op: string, name: string, value: number | readonly number[] | undefined, nd: number, fallback: number, min: number): number[] {
  const v = value === undefined ? fallback : value;
  const list = typeof v === 'number' ? new Array<number>(nd).fill(v) : Array.from(v);
  if (list.length !== nd || list.some((e) => !Number.isInteger(e) || e < min)) {
    throw errors.args(op, `${name} must be an integer >= ${min} or ${nd} of them (one per spatial axis), got ${JSON.stringify(value)}`);
  }
  return list;
}

/** Throws unless x is (N, C, W) for nd = 1 or (N, C, H, W) for nd = 2. */
export function checkLayout(op: string, x: NDArray, nd: number, why: string): void {
  if (x.ndim !== nd + 2) throw errors.shapeMismatch(op, `expects ${LAYOUTS[nd]}${why}, got ${formatShape(x.shape)}`);
}

/** [h, w] of the spatial axes of an (N, C, W) or (N, C, H, W) shape (h = 1 for 1-d). */
export function planeOf(shape: readonly number[]): [number, number] {
  return shape.length === 3 ? [1, shape[2]!] : [shape[2]!, shape[3]!];
}

/** The 2-d form of per-axis values (1-d gets `one` for H). */
export function as2d(v: readonly number[], one: number): [number, number] {
  return v.length === 1 ? [one, v[0]!] : [v[0]!, v[1]!];
}

export const AXIS_NAMES: Readonly<Record<number, readonly string[]>> = { 1: ['W'], 2: ['H', 'W'] };
