// Padding of the last 1–3 axes (constant, reflect, replicate) and its backward.

import { PAD_MODE } from '../backend/native-addon.ts';
import { native } from '../backend/backend.ts';
import { errors, formatShape } from '../core/errors.ts';
import { DTYPE_INFO, isFloat } from '../ndarray/dtype.ts';
import { NDArray } from '../ndarray/ndarray-core.ts';
import { recordOp, recordingState } from '../autograd/tape.ts';
import { checkArray, describe } from './operands.ts';

export type PadMode = keyof typeof PAD_MODE;

export interface PadOptions {
  /**
   * One [before, after] pair per padded axis, for the LAST pads.length (1..3) axes in axis order:
   * [[1, 1], [2, 2]] pads H by 1 and W by 2 on each side of an (N, C, H, W) array. (PyTorch's
   * F.pad lists the last axis first, as a flat list: (2, 2, 1, 1) for the same padding.)
   */
  pads: readonly (readonly [number, number])[];
  /** 'constant' (default; fills with value), 'reflect' (mirror, edge not repeated) or 'replicate'. */
  mode?: PadMode;
  /** The fill of constant mode; default 0. */
  value?: number;
}

export interface PadAttrs {
  outer: number;
  inShape: number[];
  before: number[];
  after: number[];
  mode: PadMode;
}

export function pad(x: NDArray, options: PadOptions): NDArray {
  const op = 'pad';
  checkArray(op, x, 'x');
  const { pads } = options;
  const mode = options.mode ?? 'constant';
  const value = options.value ?? 0;
  if (!(mode in PAD_MODE)) throw errors.args(op, `mode must be 'constant', 'reflect' or 'replicate', got ${String(mode)}`);
  if (typeof value !== 'number') throw errors.args(op, `value must be a number, got ${String(value)}`);
  if (!Array.isArray(pads) || pads.length < 1 || pads.length > 3) {
    throw errors.args(op, `pads must hold 1 to 3 [before, after] pairs (one per padded trailing axis), got ${JSON.stringify(pads)}`);
  }
  const k = pads.length;
  if (x.ndim < k) throw errors.shapeMismatch(op, `cannot pad ${k} trailing axes of an array of shape ${formatShape(x.shape)}`);
  const inShape = x.shape.slice(x.ndim - k);
  const before: number[] = [];
  const after: number[] = [];
  pads.forEach((pair, i) => {
    const ok = Array.isArray(pair) && pair.length === 2 && pair.every((v) => Number.isInteger(v) && v >= 0);
    if (!ok) throw errors.args(op, `pads[${i}] must be a [before, after] pair of non-negative integers, got ${JSON.stringify(pair)}`);
    const axis = x.ndim - k + i;
    if (mode === 'reflect' && (pair[0] >= inShape[i]! || pair[1] >= inShape[i]!)) {
      throw errors.shapeMismatch(
        op,
        `reflect padding of axis ${axis} (size ${inShape[i]}) needs pads smaller than the size, ` + `got [${pair[0]}, ${pair[1]}]`,
      );
    }
    if (mode === 'replicate' && inShape[i] === 0 && pair[0] + pair[1] > 0) {
      throw errors.shapeMismatch(op, `replicate padding of axis ${axis} needs a non-empty axis (shape ${formatShape(x.shape)})`);
    }
    before.push(pair[0]);
    after.push(pair[1]);
  });
  const outShape = x.shape.map((d, i) => (i < x.ndim - k ? d : d + before[i - x.ndim + k]! + after[i - x.ndim + k]!));
  const outer = x.shape.slice(0, x.ndim - k).reduce((a, b) => a * b, 1);
  const out = NDArray._alloc(outShape, x.dtype, x.device, op);
  try {
    native().pad(DTYPE_INFO[x.dtype].code, x.buffer, out.buffer, outer, inShape, before, after, PAD_MODE[mode], value);
  } catch (e) {
    throw errors.fromNative(op, e, `${describe(x)}, pads ${JSON.stringify(pads)}, mode ${mode}`);
  }
  if (recordingState.recording && isFloat(x.dtype)) recordOp(op, [x], out, { outer, inShape, before, after, mode } satisfies PadAttrs);
  return out;
}

/** dx: each input element gathers the gradients of the padded positions that read it. */
export function padBackward(gy: NDArray, x: NDArray, a: PadAttrs): NDArray {
  const g = gy.dtype === x.dtype ? gy : gy.astype(x.dtype);
  const dx = NDArray._alloc(x.shape, x.dtype, x.device, 'pad backward');
  try {
    native().padBackward(DTYPE_INFO[x.dtype].code, g.buffer, dx.buffer, a.outer, a.inShape, a.before, a.after, PAD_MODE[a.mode]);
  } catch (e) {
    throw errors.fromNative('pad backward', e, describe(x, gy));
  }
  return dx;
}
