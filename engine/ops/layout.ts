// Layout ops: views (reshape, expandDims, squeeze, flatten) and strided copies (transpose,
// broadcastTo, slices, concat, stack, split), plus sumTo, the inverse of broadcasting that
// gradients need.

import { native } from '../backend/backend.ts';
import { errors } from '../core/errors.ts';
import { DTYPE_INFO, promoteTypes } from '../ndarray/dtype.ts';
import { NDArray, viewOf } from '../ndarray/ndarray-core.ts';
import { broadcastShapes, broadcastStrides, checkShape, contiguousStrides, normalizeAxes, normalizeAxis, sameShape, type Shape } from '../ndarray/shape.ts';
import { recordOp, recordingState } from '../autograd/tape.ts';
import { castTo, checkArray, checkSameDevice, describe } from './operands.ts';
import { reduce } from './reduce.ts';

export function reshape(x: NDArray, shape: readonly number[]): NDArray {
  let infer = -1;
  let known = 1;
  const out = shape.slice();
  for (let i = 0; i < out.length; i++) {
    const d = out[i]!;
    if (d === -1 && infer < 0) {
      infer = i;
      continue;
    }
    if (!Number.isInteger(d) || d < 0) {
      throw errors.invalidShape('reshape', shape, d === -1 ? 'only one dimension may be -1' : `dimension ${i} is ${d}`);
    }
    known *= d;
  }
  if (infer >= 0) out[infer] = known === 0 ? 0 : x.size / known;
  if (!Number.isInteger(out[infer] ?? 0) || (infer < 0 ? known : known * out[infer]!) !== x.size) {
    throw errors.shapeMismatch(
      'reshape',
      `cannot reshape an array of size ${x.size} (shape ${JSON.stringify(x.shape)}) ` + `into shape ${JSON.stringify(shape)}; the element counts must match.`,
    );
  }
  return viewOf(x, out, 'reshape');
}

export function expandDims(x: NDArray, axis: number): NDArray {
  const a = normalizeAxis('expandDims', axis, x.ndim + 1);
  const out = x.shape.slice();
  out.splice(a, 0, 1);
  return viewOf(x, out, 'reshape');
}

export function squeeze(x: NDArray, axis?: number | readonly number[]): NDArray {
  const drop = axis === undefined ? x.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0) : normalizeAxes('squeeze', axis, x.ndim);
  for (const a of drop) {
    if (x.shape[a] !== 1) throw errors.shapeMismatch('squeeze', `cannot squeeze axis ${a} of size ${x.shape[a]} (shape ${JSON.stringify(x.shape)})`);
  }
  return viewOf(
    x,
    x.shape.filter((_, i) => !drop.includes(i)),
    'reshape',
  );
}

/** [N, ...] → [N, rest] (Gluon flatten: keeps the first axis). */
export function flatten(x: NDArray): NDArray {
  if (x.ndim === 0) return viewOf(x, [1, 1], 'reshape');
  return viewOf(x, [x.shape[0]!, x.shape[0] === 0 ? 0 : x.size / x.shape[0]!], 'reshape');
}

/** Generic strided copy of src (read with srcStrides from srcOffset) into a new contiguous array. */
function gather(op: string, x: NDArray, srcOffset: number, srcStrides: number[], shape: number[]): NDArray {
  const out = NDArray._alloc(shape, x.dtype, x.device, op);
  try {
    native().copyStrided(DTYPE_INFO[x.dtype].code, x.buffer, srcOffset, srcStrides, out.buffer, 0, contiguousStrides(shape), shape);
  } catch (e) {
    throw errors.fromNative(op, e, describe(x));
  }
  return out;
}

export function transpose(x: NDArray, axes?: readonly number[]): NDArray {
  const n = x.ndim;
  let perm: number[];
  if (axes === undefined) {
    perm = [];
    for (let i = n - 1; i >= 0; i--) perm.push(i);
  } else {
    if (axes.length !== n) throw errors.args('transpose', `axes ${JSON.stringify(axes)} must list all ${n} axes of shape ${JSON.stringify(x.shape)}`);
    perm = axes.map((a) => normalizeAxis('transpose', a, n));
    if (new Set(perm).size !== n) throw errors.args('transpose', `axes ${JSON.stringify(axes)} repeat an axis`);
  }
  // A 2-D transpose outside autograd defers its copy: np.dot(x, w.T) then reads w directly with
  // the GEMM's transpose flag (NDArray._transposeOf; anything else reading it makes the copy).
  if (n === 2 && perm[0] === 1 && !recordingState.recording) return NDArray._transposeOf(x);
  const strides = contiguousStrides(x.shape);
  const out = gather(
    'transpose',
    x,
    0,
    perm.map((a) => strides[a]!),
    perm.map((a) => x.shape[a]!),
  );
  if (recordingState.recording) recordOp('transpose', [x], out, perm);
  return out;
}

export function broadcastTo(x: NDArray, shape: readonly number[]): NDArray {
  checkShape('broadcastTo', shape);
  const target = shape.slice();
  if (!sameShape(broadcastShapes('broadcastTo', x.shape, target), target) || target.length < x.ndim) {
    throw errors.broadcast('broadcastTo', x.shape, target);
  }
  if (sameShape(x.shape, target)) return x;
  const out = gather('broadcastTo', x, 0, broadcastStrides(x.shape, target), target);
  if (recordingState.recording) recordOp('broadcastTo', [x], out, x.shape);
  return out;
}

/** Sums g over the axes broadcasting added, so the result has `shape` (the input's shape). */
export function sumTo(g: NDArray, shape: Shape): NDArray {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  return reshape(reduce('sum', g, axes, false), shape);
}

/** A region: per-axis start and step (step ≥ 1) and the region's extent. */
export interface Region {
  begins: number[];
  steps: number[];
  shape: number[];
}

function regionAddress(x: Shape, r: Region): { offset: number; strides: number[] } {
  const s = contiguousStrides(x);
  let offset = 0;
  const strides = new Array<number>(s.length);
  for (let i = 0; i < s.length; i++) {
    offset += r.begins[i]! * s[i]!;
    strides[i] = r.steps[i]! * s[i]!;
  }
  return { offset, strides };
}

/** Copies a region of x into a new array (recorded as 'slice'). */
export function sliceRegion(x: NDArray, r: Region): NDArray {
  const { offset, strides } = regionAddress(x.shape, r);
  const out = gather('slice', x, offset, strides, r.shape);
  if (recordingState.recording) recordOp('slice', [x], out, r);
  return out;
}

/** Writes value (broadcast by valueStrides over r.shape) or a scalar into a region of x, in place. */
export function writeRegion(op: string, x: NDArray, r: Region, value: NDArray | number, valueStrides?: number[]): void {
  const { offset, strides } = regionAddress(x.shape, r);
  const code = DTYPE_INFO[x.dtype].code;
  try {
    if (typeof value === 'number') {
      native().fillStrided(code, x.buffer, offset, strides, r.shape, value);
    } else {
      checkSameDevice(op, x, value);
      const v = castTo(value, x.dtype, op);
      native().copyStrided(code, v.buffer, 0, valueStrides ?? contiguousStrides(r.shape), x.buffer, offset, strides, r.shape);
    }
  } catch (e) {
    throw errors.fromNative(op, e, describe(x));
  }
}

export function concat(arrays: readonly NDArray[], axis = 0): NDArray {
  if (!Array.isArray(arrays) || arrays.length === 0) throw errors.args('concat', 'needs a non-empty list of arrays');
  const first = checkArray('concat', arrays[0], 'arrays[0]');
  const ax = normalizeAxis('concat', axis, first.ndim);
  let dtype = first.dtype;
  let total = 0;
  for (let i = 0; i < arrays.length; i++) {
    const a = checkArray('concat', arrays[i], `arrays[${i}]`);
    checkSameDevice('concat', first, a);
    dtype = promoteTypes(dtype, a.dtype);
    const ok = a.ndim === first.ndim && a.shape.every((d, j) => j === ax || d === first.shape[j]);
    if (!ok) {
      throw errors.shapeMismatch(
        'concat',
        `arrays[${i}] has shape ${JSON.stringify(a.shape)} but arrays[0] has ` + `${JSON.stringify(first.shape)}; all dimensions except axis ${ax} must match.`,
      );
    }
    total += a.shape[ax]!;
  }
  const shape = first.shape.slice();
  shape[ax] = total;
  const out = NDArray._alloc(shape, dtype, first.device, 'concat');
  const outStrides = contiguousStrides(shape);
  let at = 0;
  const sizes: number[] = [];
  for (const a of arrays) {
    const src = castTo(a, dtype, 'concat');
    try {
      native().copyStrided(DTYPE_INFO[dtype].code, src.buffer, 0, contiguousStrides(a.shape), out.buffer, at * outStrides[ax]!, outStrides, a.shape.slice());
    } catch (e) {
      throw errors.fromNative('concat', e, describe(a));
    }
    at += a.shape[ax]!;
    sizes.push(a.shape[ax]!);
  }
  if (recordingState.recording) recordOp('concat', arrays.slice(), out, { axis: ax, sizes });
  return out;
}

export function stack(arrays: readonly NDArray[], axis = 0): NDArray {
  if (!Array.isArray(arrays) || arrays.length === 0) throw errors.args('stack', 'needs a non-empty list of arrays');
  const first = checkArray('stack', arrays[0], 'arrays[0]');
  for (let i = 1; i < arrays.length; i++) {
    if (!sameShape(checkArray('stack', arrays[i], `arrays[${i}]`).shape, first.shape)) {
      throw errors.shapeMismatch(
        'stack',
        `arrays[${i}] has shape ${JSON.stringify(arrays[i]!.shape)} but arrays[0] has ` + `${JSON.stringify(first.shape)}; stack needs equal shapes.`,
      );
    }
  }
  const ax = normalizeAxis('stack', axis, first.ndim + 1);
  return concat(
    arrays.map((a) => expandDims(a, ax)),
    ax,
  );
}

/** numpy split: a section count (must divide the axis) or sorted split indices. */
export function split(x: NDArray, sectionsOrIndices: number | readonly number[], axis = 0): NDArray[] {
  const ax = normalizeAxis('split', axis, x.ndim);
  const len = x.shape[ax]!;
  let bounds: number[];
  if (typeof sectionsOrIndices === 'number') {
    const n = sectionsOrIndices;
    if (!Number.isInteger(n) || n <= 0 || len % n !== 0) {
      throw errors.args('split', `cannot split axis ${ax} of size ${len} into ${n} equal sections; pass split indices instead`);
    }
    bounds = [];
    for (let i = 1; i < n; i++) bounds.push((i * len) / n);
  } else {
    bounds = sectionsOrIndices.map((i) => Math.min(Math.max(i < 0 ? i + len : i, 0), len));
  }
  const pieces: NDArray[] = [];
  let start = 0;
  for (const stop of [...bounds, len]) {
    const r: Region = { begins: x.shape.map(() => 0), steps: x.shape.map(() => 1), shape: x.shape.slice() };
    r.begins[ax] = start;
    r.shape[ax] = Math.max(0, stop - start);
    pieces.push(sliceRegion(x, r));
    start = stop;
  }
  return pieces;
}
