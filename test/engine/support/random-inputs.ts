// Random test inputs from Math.random, which scripts/run-tests.mjs seeds (test/seeded-random.mjs):
// the same inputs on every run unless BLOCKSMITH_TEST_SEED says otherwise.

import { np, type DType, type NDArray } from '../../../engine/index.ts';

export type Domain = 'any' | 'pos' | 'int' | 'bool' | 'unit';

export function randomArray(shape: readonly number[], dtype: DType = 'float32', domain: Domain = 'any'): NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = Math.random();
    data[i] =
      domain === 'pos' ? 0.2 + 2.8 * r : domain === 'int' ? Math.floor(r * 11) - 5 : domain === 'bool' ? (r < 0.5 ? 0 : 1) : domain === 'unit' ? r : 4 * r - 2;
  }
  return np.array(data, { shape: shape.slice() }).astype(dtype);
}
