// Convolution and transposed convolution over NCW / NCHW, with PyTorch's (and Gluon's) weight
// layouts, padding, dilation and groups (depthwise: groups = channels). Both run on the three
// native convolution kernels: a transposed convolution's forward is the convolution's data
// gradient, and its data gradient the convolution's forward (the adjoint pair), so one set of
// kernels serves both, on every backend.
//
//   const y = np.conv(x, w, b, { strides: 2, padding: 1 });   // x (N, C, H, W), w (O, C, 3, 3)

import { UNARY_OP } from '../backend/native-addon.ts';
import { native } from '../backend/backend.ts';
import { errors, formatShape } from '../core/errors.ts';
import { DTYPE_INFO, isFloat, promoteTypes, type DType } from '../ndarray/dtype.ts';
import { NDArray } from '../ndarray/ndarray-core.ts';
import { recordOp, recordingState, tracksGrad, withRecording, type TapeNode } from '../autograd/tape.ts';
import { castTo, checkArray, checkSameDevice, describe } from './operands.ts';
import { binary, unary, unaryBackward, type UnaryName } from './elementwise.ts';
import { reshape } from './layout.ts';
import { reduce } from './reduce.ts';
import { ACT_FROM_OUTPUT } from './linalg.ts';
import { AXIS_NAMES, LAYOUTS, as2d, checkLayout, planeOf, spatialTuple } from './spatial.ts';

export interface ConvOptions {
  /** Step of the window per spatial axis (default 1). */
  strides?: number | readonly number[];
  /** Zeros added on both sides of each spatial axis (default 0). */
  padding?: number | readonly number[];
  /** Spacing of the kernel taps, PyTorch's convention: 1 is a dense kernel (default 1). */
  dilation?: number | readonly number[];
  /** Channel groups: input and output channels split into `groups` independent convolutions (default 1). */
  groups?: number;
  /** Fused activation applied to the output (relu, sigmoid, tanh, gelu...). */
  activation?: UnaryName | null;
}

export interface ConvTransposeOptions {
  strides?: number | readonly number[];
  /** Removed from both sides of each output axis, as PyTorch's ConvTranspose padding (default 0). */
  padding?: number | readonly number[];
  /** Added to one side of each output axis to pick among the sizes a stride allows (default 0; < stride). */
  outputPadding?: number | readonly number[];
  dilation?: number | readonly number[];
  groups?: number;
}

/** A recorded convolution: the native geometry and the activation fused into its output. */
export interface ConvAttrs {
  geom: number[];
  activation: UnaryName | null;
}
/** A recorded transposed convolution: the geometry of the convolution it is the adjoint of. */
export interface ConvTransposeAttrs {
  geom: number[];
}

interface Spatial {
  strides: number[];
  padding: number[];
  dilation: number[];
  groups: number;
}

function spatialArgs(op: string, nd: number, o: ConvOptions | ConvTransposeOptions): Spatial {
  const groups = o.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw errors.args(op, `groups must be a positive integer, got ${JSON.stringify(o.groups)}`);
  return {
    strides: spatialTuple(op, 'strides', o.strides, nd, 1, 1),
    padding: spatialTuple(op, 'padding', o.padding, nd, 0, 0),
    dilation: spatialTuple(op, 'dilation', o.dilation, nd, 1, 1),
    groups,
  };
}

/** The kernel's spatial rank (1 or 2) from a weight (O, C/groups, K...) or (I, O/groups, K...). */
function kernelRank(op: string, w: NDArray, layout: string): number {
  if (w.ndim !== 3 && w.ndim !== 4) {
    throw errors.shapeMismatch(op, `weight must be ${layout} with one or two kernel axes, got ${formatShape(w.shape)}`);
  }
  return w.ndim - 2;
}

/**
 * The native geometry of a convolution from input `inShape` (N, C, spatial...) to `outShape`
 * through weight `wShape` (O, C/groups, k...); throws when a kernel does not fit.
 */
function geometry(
  op: string,
  inShape: readonly number[],
  wShape: readonly number[],
  outChannels: number,
  s: Spatial,
): {
  geom: number[];
  outShape: number[];
} {
  const nd = inShape.length - 2;
  const k = wShape.slice(2);
  const out: number[] = [];
  for (let a = 0; a < nd; a++) {
    const span = s.dilation[a]! * (k[a]! - 1) + 1;
    const padded = inShape[a + 2]! + 2 * s.padding[a]!;
    if (span > padded) {
      throw errors.shapeMismatch(
        op,
        `the kernel (${span}${s.dilation[a]! > 1 ? ` with dilation ${s.dilation[a]}` : ''}) is larger than ` +
          `the padded input (${inShape[a + 2]} + 2·${s.padding[a]} = ${padded}) along axis ${AXIS_NAMES[nd]![a]}; ` +
          'use a smaller kernel or more padding',
      );
    }
    out.push(Math.floor((padded - span) / s.strides[a]!) + 1);
  }
  const [h, w] = planeOf(inShape);
  const [kh, kw] = as2d(k, 1);
  const [oh, ow] = as2d(out, 1);
  const [sh, sw] = as2d(s.strides, 1);
  const [ph, pw] = as2d(s.padding, 0);
  const [dh, dw] = as2d(s.dilation, 1);
  return {
    geom: [inShape[0]!, inShape[1]!, h, w, outChannels, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw, s.groups],
    outShape: [inShape[0]!, outChannels, ...out],
  };
}

function checkGroups(op: string, channels: number, outChannels: number, groups: number): void {
  if (channels % groups !== 0 || outChannels % groups !== 0) {
    throw errors.shapeMismatch(
      op,
      `channels are not divisible by groups: ${channels} input and ${outChannels} output ` + `channels must both be multiples of groups = ${groups}`,
    );
  }
}

function commonFloat(op: string, ...xs: (NDArray | null | undefined)[]): DType {
  let dtype: DType | null = null;
  for (const x of xs) if (x) dtype = dtype === null ? x.dtype : promoteTypes(dtype, x.dtype);
  if (dtype === null || !isFloat(dtype))
    throw errors.dtype(
      op,
      `needs float arrays, got ${xs
        .filter((x) => x)
        .map((x) => x!.dtype)
        .join(', ')}`,
    );
  return dtype;
}

function checkBias(op: string, bias: NDArray | null | undefined, channels: number): void {
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== channels)) {
    throw errors.shapeMismatch(op, `bias must have shape (${channels},) (one per output channel), got ${formatShape(bias.shape)}`);
  }
}

/** Native forward convolution (no recording). */
function convForward(op: string, x: NDArray, w: NDArray, bias: NDArray | null, geom: number[], outShape: number[], act: number): NDArray {
  const out = NDArray._alloc(outShape, x.dtype, x.device, op);
  try {
    native().convolution(DTYPE_INFO[x.dtype].code, x.buffer, w.buffer, bias ? bias.buffer : null, out.buffer, geom, act);
  } catch (e) {
    out.dispose();
    throw errors.fromNative(op, e, describe(x, w));
  }
  return out;
}

/** Native data gradient of a convolution: dx of shape inShape from dy (no recording). */
function convData(op: string, w: NDArray, dy: NDArray, geom: number[], inShape: readonly number[]): NDArray {
  const dx = NDArray._alloc(inShape, dy.dtype, dy.device, op);
  try {
    native().convolutionBackwardData(DTYPE_INFO[dy.dtype].code, w.buffer, dy.buffer, dx.buffer, geom);
  } catch (e) {
    dx.dispose();
    throw errors.fromNative(op, e, describe(w, dy));
  }
  return dx;
}

/** Native weight (and bias) gradients of a convolution (no recording). */
function convWeights(
  op: string,
  x: NDArray,
  dy: NDArray,
  geom: number[],
  wShape: readonly number[] | null,
  withBias: boolean,
): [NDArray | null, NDArray | null] {
  const dw = wShape ? NDArray._alloc(wShape, dy.dtype, dy.device, op) : null;
  const db = withBias ? NDArray._alloc([geom[4]!], dy.dtype, dy.device, op) : null;
  try {
    native().convolutionBackwardWeights(DTYPE_INFO[dy.dtype].code, x.buffer, dy.buffer, dw?.buffer ?? null, db?.buffer ?? null, geom);
  } catch (e) {
    dw?.dispose();
    db?.dispose();
    throw errors.fromNative(op, e, describe(x, dy));
  }
  return [dw, db];
}

/**
 * Convolution (PyTorch conv1d / conv2d, Gluon Conv1D / Conv2D): x (N, C, W) or (N, C, H, W),
 * weight (O, C/groups, K) or (O, C/groups, KH, KW), bias (O,) or null. Output spatial size
 * floor((L + 2·padding − dilation·(K − 1) − 1) / stride) + 1.
 *
 *   const y = conv(x, w, b, { padding: 2, activation: 'sigmoid' });   // LeNet's first layer
 */
export function conv(x: NDArray, w: NDArray, bias?: NDArray | null, options: ConvOptions = {}): NDArray {
  const op = 'conv';
  checkArray(op, x, 'x');
  checkArray(op, w, 'weight');
  const nd = kernelRank(op, w, '(O, C/groups, K) or (O, C/groups, KH, KW)');
  checkLayout(op, x, nd, ` for a weight of shape ${formatShape(w.shape)}`);
  const s = spatialArgs(op, nd, options);
  const act = options.activation ?? null;
  if (act !== null && !(act in UNARY_OP)) throw errors.args(op, `unknown activation ${JSON.stringify(act)}`);
  const outChannels = w.shape[0]!;
  checkGroups(op, x.shape[1]!, outChannels, s.groups);
  if (w.shape[1]! * s.groups !== x.shape[1]) {
    throw errors.shapeMismatch(
      op,
      `x has ${x.shape[1]} channels but the weight ${formatShape(w.shape)} with groups = ${s.groups} ` +
        `takes ${w.shape[1]! * s.groups} (${w.shape[1]} per group); expected weight (O, ${x.shape[1]! / s.groups}, ...)`,
    );
  }
  checkBias(op, bias, outChannels);
  checkSameDevice(op, x, w);
  if (bias) checkSameDevice(op, x, bias);
  const { geom, outShape } = geometry(op, x.shape, w.shape, outChannels, s);
  const dtype = commonFloat(op, x, w, bias);
  const track = recordingState.recording && (tracksGrad(x) || tracksGrad(w) || (bias ? tracksGrad(bias) : false));
  // As linear: under autograd the activation stays fused when its derivative follows from y.
  const fuse = act !== null && (!track || ACT_FROM_OUTPUT.has(act));
  const out = convForward(op, castTo(x, dtype, op), castTo(w, dtype, op), bias ? castTo(bias, dtype, op) : null, geom, outShape, fuse ? UNARY_OP[act] : -1);
  if (!track) return out;
  recordOp(op, bias ? [x, w, bias] : [x, w], out, { geom, activation: fuse ? act : null } satisfies ConvAttrs);
  return act !== null && !fuse ? unary(act, out) : out;
}

/** The autograd row of conv: the activation's derivative, then dx, dw and db as wanted. */
export function convBackward(gy: NDArray, n: TapeNode, want: readonly boolean[]): (NDArray | null)[] {
  const [x, w, b] = n.inputs as [NDArray, NDArray, NDArray | undefined];
  const { geom, activation } = n.attrs as ConvAttrs;
  const dtype = n.output.dtype;
  let g = castTo(gy, dtype, 'conv backward');
  if (activation !== null) g = unaryBackward(activation, n.output, n.output, g);
  const dx = want[0] ? convData('conv backward', castTo(w, dtype, 'conv backward'), g, geom, x.shape) : null;
  const [dw, db] =
    want[1] || (b && want[2])
      ? convWeights('conv backward', castTo(x, dtype, 'conv backward'), g, geom, want[1] ? w.shape : null, !!b && !!want[2])
      : [null, null];
  return b ? [dx, dw, db] : [dx, dw];
}

/**
 * Transposed convolution (PyTorch conv_transpose1d / 2d, Gluon Conv1DTranspose / Conv2DTranspose):
 * x (N, I, L...), weight (I, O/groups, K...), bias (O,) or null. Output size
 * (L − 1)·stride − 2·padding + dilation·(K − 1) + outputPadding + 1.
 *
 *   const up = convTranspose(x, w, null, { strides: 2, padding: 1, outputPadding: 1 });
 */
export function convTranspose(x: NDArray, w: NDArray, bias?: NDArray | null, options: ConvTransposeOptions = {}): NDArray {
  const op = 'convTranspose';
  checkArray(op, x, 'x');
  checkArray(op, w, 'weight');
  const nd = kernelRank(op, w, '(I, O/groups, K) or (I, O/groups, KH, KW)');
  checkLayout(op, x, nd, ` for a weight of shape ${formatShape(w.shape)}`);
  const s = spatialArgs(op, nd, options);
  const outPad = spatialTuple(op, 'outputPadding', options.outputPadding, nd, 0, 0);
  const inChannels = x.shape[1]!;
  if (w.shape[0] !== inChannels) {
    throw errors.shapeMismatch(
      op,
      `x has ${inChannels} channels but the weight ${formatShape(w.shape)} takes ${w.shape[0]} ` +
        '(its first axis is the input channels: (I, O/groups, K...))',
    );
  }
  const outChannels = w.shape[1]! * s.groups;
  checkGroups(op, inChannels, outChannels, s.groups);
  checkBias(op, bias, outChannels);
  checkSameDevice(op, x, w);
  if (bias) checkSameDevice(op, x, bias);
  const yShape = [x.shape[0]!, outChannels];
  for (let a = 0; a < nd; a++) {
    if (outPad[a]! >= s.strides[a]!) {
      throw errors.args(op, `outputPadding (${outPad[a]}) must be smaller than the stride (${s.strides[a]}) along axis ${AXIS_NAMES[nd]![a]}`);
    }
    const len = (x.shape[a + 2]! - 1) * s.strides[a]! - 2 * s.padding[a]! + s.dilation[a]! * (w.shape[a + 2]! - 1) + outPad[a]! + 1;
    if (len < 1) {
      throw errors.shapeMismatch(
        op,
        `the padding (${s.padding[a]}) removes the whole output along axis ${AXIS_NAMES[nd]![a]} ` +
          `(size ${len}) of ${LAYOUTS[nd]} input ${formatShape(x.shape)}`,
      );
    }
    yShape.push(len);
  }
  // The adjoint convolution maps y (N, O, ...) to x (N, I, ...) through the same weight bytes.
  const { geom } = geometry(op, yShape, w.shape, inChannels, s);
  const dtype = commonFloat(op, x, w, bias);
  let y = convData(op, castTo(w, dtype, op), castTo(x, dtype, op), geom, yShape);
  if (bias) {
    const raw = y;
    y = withRecording(false, recordingState.training, () =>
      binary('add', raw, reshape(castTo(bias, dtype, op), [1, outChannels, ...new Array<number>(nd).fill(1)])),
    );
    raw.dispose();
  }
  if (recordingState.recording) recordOp(op, bias ? [x, w, bias] : [x, w], y, { geom } satisfies ConvTransposeAttrs);
  return y;
}

/** The autograd row of convTranspose: dx is a convolution of gy, dw the convolution's weight gradient. */
export function convTransposeBackward(gy: NDArray, n: TapeNode, want: readonly boolean[]): (NDArray | null)[] {
  const [x, w, b] = n.inputs as [NDArray, NDArray, NDArray | undefined];
  const { geom } = n.attrs as ConvTransposeAttrs;
  const op = 'convTranspose backward';
  const dtype = n.output.dtype;
  const g = castTo(gy, dtype, op);
  const dx = want[0] ? convForward(op, g, castTo(w, dtype, op), null, geom, x.shape.slice(), -1) : null;
  const dw = want[1] ? convWeights(op, g, castTo(x, dtype, op), geom, w.shape, false)[0] : null;
  if (!b) return [dx, dw];
  const spatialAxes = Array.from({ length: g.ndim - 2 }, (_, i) => i + 2);
  return [dx, dw, want[2] ? reduce('sum', g, [0, ...spatialAxes], false) : null];
}
