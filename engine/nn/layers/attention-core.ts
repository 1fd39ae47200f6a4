// Scaled dot-product attention, the math MultiHeadAttention and ScaledDotProductAttention share:
// softmax(q·kᵀ / √d + mask) · v over the last two axes (any leading batch / head axes), composed
// from matmul, softmax and elementwise ops so autograd differentiates it with existing rows. The
// causal mask is a constant (−1e9 above the diagonal: exp underflows to 0, and no −∞ − −∞ NaN);
// a key-padding mask adds −1e9 the same way. MultiHeadAttention's shape rules live here too.

import { autograd } from '../../autograd/index.ts';
import type { NDArray } from '../../ndarray/ndarray.ts';
import { np } from '../../ndarray/np.ts';
import { npx } from '../../ndarray/npx.ts';
import { pyTuple } from '../model-errors.ts';
import type { Attrs, ShapeLike } from './layer-spec.ts';

export const MASKED = -1e9;

export interface AttendOptions {
  /** Position i attends to positions ≤ i only (a language model's decoder mask). */
  causal?: boolean;
  /** Dropout on the attention weights, in training only. */
  dropout?: number;
  /**
   * A key-padding mask (N, Tk) as torch's key_padding_mask: nonzero (true) keys are ignored. The
   * scores carry the batch as their first axis and Tk as their last (…, Tq, Tk).
   */
  keyPaddingMask?: NDArray;
  /** Called with the attention weights (…, Tq, Tk) before dropout (the editor's attention maps). */
  onWeights?: (weights: NDArray) => void;
}

/** The (Tq, Tk) additive causal mask: 0 on and below the diagonal, MASKED above. */
export function causalMask(tq: number, tk: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < tq; i++) for (let j = 0; j < tk; j++) out.push(j > i + (tk - tq) ? MASKED : 0);
  return out;
}

/** softmax(q·kᵀ/√d [+ causal mask]) · v; q (…, Tq, d), k (…, Tk, d), v (…, Tk, dv) → (…, Tq, dv). */
export function attend(q: NDArray, k: NDArray, v: NDArray, options: AttendOptions = {}): NDArray {
  const d = q.shape[q.ndim - 1]!;
  const tq = q.shape[q.ndim - 2]!;
  const tk = k.shape[k.ndim - 2]!;
  const axes = k.shape.map((_, i) => i);
  [axes[k.ndim - 1], axes[k.ndim - 2]] = [axes[k.ndim - 2]!, axes[k.ndim - 1]!];
  let scores = np.matmul(q, k.transpose(axes)).mul(1 / Math.sqrt(d));
  if (options.causal) scores = scores.add(np.array(causalMask(tq, tk), { device: q.device, dtype: q.dtype }).reshape([tq, tk]));
  if (options.keyPaddingMask) scores = scores.add(paddingBias(options.keyPaddingMask, scores.ndim, q.dtype));
  let weights = npx.softmax(scores, -1);
  options.onWeights?.(weights);
  const rate = options.dropout ?? 0;
  if (rate > 0 && autograd.isTraining()) {
    const keep = np.random.uniform(0, 1, weights.shape, { dtype: weights.dtype, device: weights.device }).ge(rate).astype(weights.dtype);
    weights = weights.mul(keep.mul(1 / (1 - rate)));
  }
  return np.matmul(weights, v);
}

/** The additive bias of a key-padding mask (N, Tk): MASKED where the mask is nonzero, shaped (N, 1, …, 1, Tk) to broadcast over scores. */
function paddingBias(mask: NDArray, rank: number, dtype: NDArray['dtype']): NDArray {
  const [n, tk] = mask.shape as [number, number];
  const ignored = mask.astype(dtype).ne(0).astype(dtype);
  return ignored.mul(MASKED).reshape([n, ...new Array<number>(rank - 2).fill(1), tk]);
}

/**
 * MultiHeadAttention's shapes: query (N, L, E), key (N, S, kdim) and value (N, S, vdim) (each
 * defaulting to the one before), the key-padding mask (N, S). Returns E; -1 dims are unknown.
 */
export function mhaShapes(a: Attrs, [q, k, v, mask]: readonly (ShapeLike | undefined)[]): number {
  const e = embedOf(a, q);
  const key = k ?? q;
  const value = v ?? key;
  const show = (s: ShapeLike): string => pyTuple(s.map((d) => (d < 0 ? -1 : d)));
  const clash = (x: number | undefined, y: number | undefined): boolean => x !== undefined && y !== undefined && x > 0 && y > 0 && x !== y;
  for (const [name, s, width] of [
    ['key', key, keyDim(a, e)],
    ['value', value, valueDim(a, e)],
  ] as const) {
    if (!s) continue;
    if (s.length !== 3) throw new Error(`MultiHeadAttention's ${name} must be (N, S, features), got ${show(s)}`);
    if (clash(s[2], width))
      throw new Error(`MultiHeadAttention's ${name} has ${s[2]!} features, expected ${width} (${name === 'key' ? 'kdim' : 'vdim'}, or E when 0)`);
    if (q && clash(s[0], q[0])) throw new Error(`MultiHeadAttention's ${name} has batch ${s[0]!}, the query ${q[0]!}`);
  }
  if (key && value && clash(key[1], value[1]))
    throw new Error(`MultiHeadAttention's key and value must have the same length, got ${show(key)} and ${show(value)}`);
  if (mask) {
    if (mask.length !== 2 || (key && (clash(mask[0], key[0]) || clash(mask[1], key[1])))) {
      throw new Error(`MultiHeadAttention's key-padding mask must be (N, S) = ${key ? show(key.slice(0, 2)) : '(N, S)'}, got ${show(mask)}`);
    }
  }
  return e;
}

/** kdim / vdim (0 = E). */
export const keyDim = (a: Attrs, e: number): number => (a.kdim as number | undefined) || e;
export const valueDim = (a: Attrs, e: number): number => (a.vdim as number | undefined) || e;

/** PyTorch keeps separate q/k/v projection weights when kdim or vdim differs from E (`_qkv_same_embed_dim` false). */
export function separateProjections(a: Attrs): boolean {
  const e = (a.embedDim as number | undefined) ?? 0;
  const [k, v] = [(a.kdim as number | undefined) ?? 0, (a.vdim as number | undefined) ?? 0];
  if ((k > 0 || v > 0) && e <= 0) throw new Error('kdim / vdim need embedDim set (PyTorch decides on separate projections from the three)');
  return (k > 0 && k !== e) || (v > 0 && v !== e);
}

/** E from the input (N, T, E), checked against embedDim and the heads. */
export function embedOf(a: Attrs, x?: ShapeLike): number {
  if (x && x.length !== 3) throw new Error(`MultiHeadAttention expects (N, T, E), got ${pyTuple(x.map((d) => (d < 0 ? -1 : d)))}`);
  const fromInput = x ? x[2]! : -1;
  const given = (a.embedDim as number) || -1;
  if (fromInput > 0 && given > 0 && fromInput !== given)
    throw new Error(`MultiHeadAttention was given embedDim = ${given} but its input has ${fromInput} features`);
  const e = fromInput > 0 ? fromInput : given;
  const heads = a.heads as number;
  if (!Number.isInteger(heads) || heads < 1) throw new Error(`heads must be a positive integer, got ${String(heads)}`);
  if (e > 0 && e % heads !== 0) throw new Error(`the width ${e} does not split into ${heads} heads`);
  return e;
}
