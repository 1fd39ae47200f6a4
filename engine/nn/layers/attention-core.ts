// Scaled dot-product attention, the math MultiHeadAttention and ScaledDotProductAttention share:
// softmax(q·kᵀ / √d + mask) · v over the last two axes (any leading batch / head axes), composed
// from matmul, softmax and elementwise ops so autograd differentiates it with existing rows. The
// causal mask is a constant (−1e9 above the diagonal: exp underflows to 0, and no −∞ − −∞ NaN).

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
  let weights = npx.softmax(scores, -1);
  options.onWeights?.(weights);
  const rate = options.dropout ?? 0;
  if (rate > 0 && autograd.isTraining()) {
    const keep = np.random.uniform(0, 1, weights.shape, { dtype: weights.dtype, device: weights.device }).ge(rate).astype(weights.dtype);
    weights = weights.mul(keep.mul(1 / (1 - rate)));
  }
  return np.matmul(weights, v);
}

/** E from the input (N, T, E), checked against embedDim and the heads. */
export function embedOf(a: Attrs, x?: ShapeLike): number {
  if (x && x.length !== 3) throw new Error(`MultiHeadAttention expects (N, T, E), got ${pyTuple(x.map((d) => (d < 0 ? -1 : d)))}`);
  const fromInput = x ? x[2]! : -1;
  const given = (a.embedDim as number) || -1;
  if (fromInput > 0 && given > 0 && fromInput !== given) throw new Error(`MultiHeadAttention was given embedDim = ${given} but its input has ${fromInput} features`);
  const e = fromInput > 0 ? fromInput : given;
  const heads = a.heads as number;
  if (!Number.isInteger(heads) || heads < 1) throw new Error(`heads must be a positive integer, got ${String(heads)}`);
  if (e > 0 && e % heads !== 0) throw new Error(`the width ${e} does not split into ${heads} heads`);
  return e;
}
