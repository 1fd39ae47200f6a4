// numpy basic indexing for NDArray.get / slice / set: integers pick (and drop) an axis,
// [start, stop, step] slices keep it, null keeps the whole axis. Negative steps are not
// supported (the addon's strides are non-negative).

import { errors } from '../core/errors.ts';
import type { NDArray } from '../ndarray/ndarray-core.ts';
import { broadcastShapes, broadcastStrides, sameShape } from '../ndarray/shape.ts';
import { recordingState, tracksGrad } from '../autograd/tape.ts';
import { reshape, sliceRegion, writeRegion, type Region } from './layout.ts';

/** [start, stop, step] with Python defaults for missing or null parts. */
export type SliceSpec = readonly [(number | null)?, (number | null)?, (number | null)?] | null;
export type IndexItem = number | SliceSpec;

interface ParsedIndex {
  region: Region;
  resultShape: number[];
  picked: boolean[];
}

function parse(op: string, x: NDArray, items: readonly IndexItem[], allowInts: boolean): ParsedIndex {
  if (items.length > x.ndim) {
    throw errors.args(op, `too many indices (${items.length}) for an array of shape ${JSON.stringify(x.shape)}`);
  }
  const n = x.ndim;
  const region: Region = { begins: new Array(n), steps: new Array(n), shape: new Array(n) };
  const resultShape: number[] = [];
  const picked: boolean[] = new Array(n).fill(false);
  for (let axis = 0; axis < n; axis++) {
    const dim = x.shape[axis]!;
    const it = axis < items.length ? items[axis] : null;
    if (typeof it === 'number') {
      if (!allowInts) throw errors.args(op, `axis ${axis}: expected [start, stop, step] or null, got ${it}`);
      if (!Number.isInteger(it)) throw errors.args(op, `index ${it} on axis ${axis} is not an integer`);
      if (it < -dim || it >= dim) throw errors.index(op, axis, it, dim);
      region.begins[axis] = it < 0 ? it + dim : it;
      region.steps[axis] = 1;
      region.shape[axis] = 1;
      picked[axis] = true;
      continue;
    }
    if (it !== null && it !== undefined && !Array.isArray(it)) {
      throw errors.args(op, `axis ${axis}: expected an integer, [start, stop, step] or null, got ${JSON.stringify(it)}`);
    }
    const step = it?.[2] ?? 1;
    if (!Number.isInteger(step) || step < 1) {
      throw errors.args(op, `axis ${axis}: step ${step} is not supported; steps must be positive integers`);
    }
    const start = clampBound(it?.[0] ?? 0, dim, op, axis);
    const stop = clampBound(it?.[1] ?? dim, dim, op, axis);
    const len = stop > start ? Math.ceil((stop - start) / step) : 0;
    region.begins[axis] = len > 0 ? start : 0;
    region.steps[axis] = step;
    region.shape[axis] = len;
    resultShape.push(len);
  }
  return { region, resultShape, picked };
}

function clampBound(v: number, dim: number, op: string, axis: number): number {
  if (!Number.isInteger(v)) throw errors.args(op, `slice bound ${v} on axis ${axis} is not an integer`);
  const w = v < 0 ? v + dim : v;
  return w < 0 ? 0 : w > dim ? dim : w;
}

export function get(x: NDArray, index: readonly IndexItem[]): NDArray {
  const p = parse('get', x, index, true);
  const out = sliceRegion(x, p.region);
  return sameShape(out.shape, p.resultShape) ? out : reshape(out, p.resultShape);
}

export function slice(x: NDArray, spec: readonly SliceSpec[]): NDArray {
  return sliceRegion(x, parse('slice', x, spec, false).region);
}

/** In-place assignment; value broadcasts to the indexed region as numpy does. */
/** index: a number (axis 0), a list of index items (one per leading axis), or null (everything). */
export function set(x: NDArray, index: number | readonly IndexItem[] | null, value: NDArray | number): void {
  if (recordingState.recording && tracksGrad(x)) {
    throw errors.grad(
      'set',
      'cannot assign into an array that autograd is tracking while recording; ' + 'assign outside autograd.record() or build a new array instead.',
    );
  }
  const items: readonly IndexItem[] = index === null ? [] : typeof index === 'number' ? [index] : index;
  const p = parse('set', x, items, true);
  if (typeof value === 'number') {
    writeRegion('set', x, p.region, value);
    return;
  }
  const target = p.resultShape;
  if (!sameShape(broadcastShapes('set', value.shape, target), target) || value.ndim > target.length) {
    throw errors.shapeMismatch(
      'set',
      `cannot assign a value of shape ${JSON.stringify(value.shape)} to a region of ` + `shape ${JSON.stringify(target)} (it must broadcast to the region).`,
    );
  }
  const reduced = broadcastStrides(value.shape, target);
  const strides: number[] = [];
  let k = 0;
  for (let axis = 0; axis < x.ndim; axis++) strides.push(p.picked[axis] ? 0 : reduced[k++]!);
  writeRegion('set', x, p.region, value, strides);
}
