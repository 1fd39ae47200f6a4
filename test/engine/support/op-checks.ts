// Checks shared by the op tests that compare with PyTorch: the relative error the issues use
// (max|Δ| / max|reference|) and a central finite-difference check of every input's gradient.

import assert from 'node:assert/strict';
import { autograd, np, type NDArray } from '../../../engine/index.ts';
import { typedGet } from '../../../engine/ndarray/dtype.ts';
import { fromWireValue, type WireArray } from './numpy-oracle.ts';

/** max|ours − ref| / max|ref| (an absolute error when ref is all zeros); Infinity on a shape mismatch. */
export function relError(ours: NDArray, ref: WireArray): number {
  if (JSON.stringify(ours.shape) !== JSON.stringify(ref.shape)) return Infinity;
  const t = ours.toTyped();
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < t.length; i++) {
    const b = fromWireValue(ref.data[i] ?? null);
    const d = Math.abs(typedGet(t, i) - b);
    diff = Number.isNaN(d) ? Infinity : Math.max(diff, d);
    scale = Math.max(scale, Math.abs(b));
  }
  return scale > 0 ? diff / scale : diff;
}

export function assertClose(what: string, ours: NDArray | null | undefined, ref: WireArray | undefined, tol: number): void {
  assert.ok(ours, `${what}: missing on our side`);
  assert.ok(ref, `${what}: missing from torch`);
  const e = relError(ours, ref);
  assert.ok(e <= tol, `${what}: relative error ${e} > ${tol} (shape ours ${JSON.stringify(ours.shape)}, torch ${JSON.stringify(ref.shape)})`);
}

/** Random float64 data in ±[0.1, 2] (away from 0, where several activations have kinks). */
export function randomData(shape: readonly number[]): NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = (Math.random() < 0.5 ? -1 : 1) * (0.1 + 1.9 * Math.random());
  return np.array(d, { shape: shape.slice() });
}

/**
 * d(sum(f(xs) · w))/dx_i from backward against central differences (float64), for every input
 * and element. f must not depend on anything but its inputs (batch statistics are fine).
 */
export function checkFiniteDiff(label: string, f: (...xs: NDArray[]) => NDArray, inputs: NDArray[], eps = 1e-6, rtol = 1e-5): void {
  const data = inputs.map((x) => Float64Array.from(x.toTyped() as Float64Array));
  const shapes = inputs.map((x) => x.shape.slice());
  const build = (ds: Float64Array[]): NDArray[] => ds.map((d, i) => np.array(d, { shape: shapes[i]! }));
  const probe = f(...build(data));
  const w = randomData(probe.shape);
  const value = (ds: Float64Array[]): number =>
    f(...build(ds))
      .mul(w)
      .sum()
      .item() as number;
  const xs = build(data);
  xs.forEach((x) => x.attachGrad());
  autograd
    .record(() =>
      f(...xs)
        .mul(w)
        .sum(),
    )
    .backward();
  xs.forEach((x, i) => {
    const g = x.grad!.toTyped();
    for (let j = 0; j < data[i]!.length; j++) {
      const plus = data.map((d) => d.slice());
      const minus = data.map((d) => d.slice());
      plus[i]![j]! += eps;
      minus[i]![j]! -= eps;
      const num = (value(plus) - value(minus)) / (2 * eps);
      const ana = typedGet(g, j);
      assert.ok(
        Math.abs(num - ana) <= rtol * Math.max(Math.abs(num), Math.abs(ana)) + 1e-7,
        `${label}: input ${i} element ${j}: backward ${ana}, finite difference ${num}`,
      );
    }
  });
}
