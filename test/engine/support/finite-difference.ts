// Central finite differences for gradient checks of any op: the loss is Σ f(xs) · R for a fixed
// random R, its backward is compared with (L(x + eps) − L(x − eps)) / 2eps at a few elements of
// every input. Inputs are float64 so the differences are meaningful.

import { autograd, np, type NDArray } from '../../../engine/index.ts';
import { typedGet } from '../../../engine/ndarray/dtype.ts';

export interface FdOptions {
  eps?: number;
  rtol?: number;
  atol?: number;
  probes?: number;
}

/** Returns null when backward agrees with the differences, else a message naming input and element. */
export function finiteDifferenceCheck(f: (...xs: NDArray[]) => NDArray, inputs: readonly NDArray[], o: FdOptions = {}): string | null {
  const eps = o.eps ?? 1e-6;
  const rtol = o.rtol ?? 1e-5;
  const atol = o.atol ?? 1e-7;
  const data = inputs.map((x) => Float64Array.from(x.toTyped() as Float64Array));
  const shapes = inputs.map((x) => x.shape.slice());
  const probeOut = f(...inputs);
  const r = np.array(
    Float64Array.from({ length: probeOut.size }, () => Math.random() * 2 - 1),
    { shape: probeOut.shape.slice() },
  );
  const loss = (xs: NDArray[]): NDArray =>
    f(...xs)
      .mul(r)
      .sum();
  const leaves = data.map((d, i) => np.array(d, { shape: shapes[i]! }));
  leaves.forEach((x) => x.attachGrad());
  autograd.record(() => loss(leaves)).backward();
  const value = (ds: Float64Array[]): number => loss(ds.map((d, i) => np.array(d, { shape: shapes[i]! }))).item() as number;
  for (let i = 0; i < data.length; i++) {
    const g = leaves[i]!.grad!.toTyped();
    const n = data[i]!.length;
    const probes = Math.min(n, o.probes ?? 12);
    for (let p = 0; p < probes; p++) {
      const j = probes === n ? p : Math.floor(Math.random() * n);
      const plus = data.map((d) => d.slice());
      const minus = data.map((d) => d.slice());
      plus[i]![j]! += eps;
      minus[i]![j]! -= eps;
      const num = (value(plus) - value(minus)) / (2 * eps);
      const ana = typedGet(g, j);
      if (!(Math.abs(num - ana) <= rtol * Math.max(Math.abs(num), Math.abs(ana)) + atol)) {
        return `input ${i} element ${j}: backward ${ana}, finite difference ${num}`;
      }
    }
  }
  return null;
}
