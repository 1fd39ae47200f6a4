// Initializers with structure: Orthogonal (rows or columns orthonormal, times scale) and Bilinear
// (upsampling kernels). Orthogonal takes the polar factor U·Vᵀ of a random matrix instead of
// Gluon's SVD factor: the engine has no SVD op, and U·Vᵀ has the same orthonormality, reached by
// Newton–Schulz iterations composed of matmuls (run in float64 for accuracy).

import type { NDArray } from '../ndarray/ndarray.ts';
import { np } from '../ndarray/np.ts';
import { initError, pyTuple } from '../core/model-error.ts';
import { Initializer, writeInto } from './initializer.ts';

const MAX_ITERATIONS = 200;
const TOLERANCE = 1e-10;

export class Orthogonal extends Initializer {
  readonly scale: number;
  readonly randType: 'uniform' | 'normal';
  constructor(options: { scale?: number; randType?: 'uniform' | 'normal' } = {}) {
    const scale = options.scale ?? 1.414;
    const randType = options.randType ?? 'uniform';
    super('orthogonal', { scale, randType });
    this.scale = scale;
    this.randType = randType;
  }

  override initWeight(name: string, arr: NDArray): void {
    if (arr.ndim < 2) throw initError(`Orthogonal needs a weight with at least 2 dimensions; '${name}' has shape ${pyTuple(arr.shape)}.`);
    const rows = arr.shape[0]!;
    const cols = arr.size / rows;
    const opts = { dtype: 'float64' as const, device: arr.device };
    const m = this.randType === 'uniform' ? np.random.uniform(-1, 1, [rows, cols], opts) : np.random.normal(0, 1, [rows, cols], opts);
    const q = polarFactor(name, m);
    writeInto(arr, q.mul(this.scale).reshape(arr.shape));
  }
}

/** U·Vᵀ of m's SVD: X ← 1.5X − 0.5(XXᵀ)X from X = m/‖m‖_F (all singular values ≤ 1 < √3). */
function polarFactor(name: string, m: NDArray): NDArray {
  const wide = m.shape[0]! <= m.shape[1]!;
  let x = m.div(m.square().sum().sqrt());
  const n = wide ? m.shape[0]! : m.shape[1]!;
  const eye = np.eye(n, undefined, 0, { dtype: 'float64', device: m.device });
  for (let i = 0; i < MAX_ITERATIONS; i++) {
    const gram = wide ? np.matmul(x, x.T) : np.matmul(x.T, x);
    if (Number(gram.sub(eye).abs().max().item()) < TOLERANCE) return x;
    x = wide ? x.mul(1.5).sub(np.matmul(gram, x).mul(0.5)) : x.mul(1.5).sub(np.matmul(x, gram).mul(0.5));
  }
  throw initError(`Orthogonal: the random matrix for '${name}' is too close to singular to orthogonalize; initialize again.`);
}

/** Bilinear upsampling kernel for a 4-D weight (Gluon's formula on the last two axes). */
export class Bilinear extends Initializer {
  constructor() {
    super('bilinear');
  }
  override initWeight(name: string, arr: NDArray): void {
    if (arr.ndim !== 4) throw initError(`Bilinear needs a 4-D weight; '${name}' has shape ${pyTuple(arr.shape)}.`);
    const [, , h, w] = arr.shape as [number, number, number, number];
    const f = Math.ceil(w / 2);
    const c = (2 * f - 1 - (f % 2)) / (2 * f);
    // A host-side table, as MXNet builds it with numpy: it is data for the array, not a compute path.
    const weight = new Float32Array(arr.size);
    for (let i = 0; i < weight.length; i++) {
      const x = i % w;
      const y = Math.floor(i / w) % h;
      weight[i] = (1 - Math.abs(x / f - c)) * (1 - Math.abs(y / f - c));
    }
    writeInto(arr, np.array(weight, { shape: arr.shape, device: arr.device }));
  }
}
