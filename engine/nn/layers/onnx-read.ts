// Small helpers the kinds' ONNX readings share (LayerSpec.onnxImport): pads split into the
// symmetric part a layer holds and the rest a Pad node takes, auto_pad resolved from the input
// shape, and a constant transposed or scaled into the engine's layout.

import type { OnnxConstant, OnnxNodeView, Unsupported } from './layer-spec.ts';

/** A fixed number of ints from an attribute (a single value repeats), or null when the length differs. */
export function intsAttr(n: OnnxNodeView, name: string, count: number, fallback: number): number[] | null {
  const v = n.attr<number | number[]>(name, new Array<number>(count).fill(fallback));
  const list = typeof v === 'number' ? new Array<number>(count).fill(v) : [...v];
  return list.length === count ? list : null;
}

/**
 * ONNX `pads` ([begin..., end...]) of a window op, auto_pad included: the symmetric part as the
 * layer's padding and, when the two sides differ, the full pads for a Pad node placed before it.
 */
export function windowPads(
  n: OnnxNodeView,
  kernel: readonly number[],
  strides: readonly number[],
  dilation: readonly number[],
): { padding: number[]; prePad?: number[] } | Unsupported {
  const nd = kernel.length;
  const autoPad = n.attr<string>('auto_pad', 'NOTSET');
  let pads = intsAttr(n, 'pads', 2 * nd, 0);
  if (!pads) return { unsupported: `pads must list ${2 * nd} values` };
  if (autoPad === 'VALID') pads = new Array<number>(2 * nd).fill(0);
  else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const x = n.inputShape(0);
    if (!x || x.slice(2).some((d) => d < 0)) return { unsupported: `auto_pad ${autoPad} needs the input's spatial size` };
    pads = new Array<number>(2 * nd).fill(0);
    for (let i = 0; i < nd; i++) {
      const len = x[i + 2]!;
      const out = Math.ceil(len / strides[i]!);
      const total = Math.max(0, (out - 1) * strides[i]! + (kernel[i]! - 1) * dilation[i]! + 1 - len);
      const small = Math.floor(total / 2);
      pads[i] = autoPad === 'SAME_UPPER' ? small : total - small;
      pads[i + nd] = total - pads[i]!;
    }
  } else if (autoPad !== 'NOTSET') return { unsupported: `auto_pad ${autoPad} is not an ONNX value` };
  if (pads.some((p) => p < 0)) return { unsupported: 'negative pads (cropping)' };
  const padding = pads.slice(0, nd).map((b, i) => Math.min(b, pads[i + nd]!));
  if (pads.slice(0, nd).every((b, i) => b === pads[i + nd])) return { padding };
  // The layer keeps the common part; the Pad node adds what one side has more.
  const prePad = pads.map((p, i) => p - padding[i % nd]!);
  return { padding, prePad: [0, 0, ...prePad.slice(0, nd), 0, 0, ...prePad.slice(nd)] };
}

/** A 2-d constant transposed (Gemm's B without transB, MatMul's (in, out) weight → (out, in)). */
export function transposed2d(c: OnnxConstant): OnnxConstant {
  const [rows, cols] = [c.shape[0]!, c.shape[1]!];
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) out[k * rows + r] = c.values[r * cols + k]!;
  return { shape: [cols, rows], values: out };
}

/** A constant times a scalar (Gemm's alpha / beta), or itself when the scalar is 1. */
export function scaled(c: OnnxConstant, k: number): OnnxConstant {
  return k === 1 ? c : { shape: c.shape, values: c.values.map((v) => v * k) };
}

/** A constant as a vector of `n` values (a bias given as [n], [1, n] or a scalar), or null. */
export function asVector(c: OnnxConstant, n: number): OnnxConstant | null {
  if (c.values.length === n && c.shape.filter((d) => d !== 1).length <= 1) return { shape: [n], values: c.values };
  if (c.values.length === 1) return { shape: [n], values: new Float64Array(n).fill(c.values[0]!) };
  return null;
}

/** A float attribute close to the kind's fixed constant (SELU's α, HardSigmoid's slope), within float32 rounding. */
export const near = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
