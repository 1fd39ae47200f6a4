// The optimizers' fused native update (one pass per parameter) against their op-by-op rule
// (stepUnfused): SGD with and without momentum, decay and clipping; Adam; AdamW; float32 and
// float64; several steps so the state carries over.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np, type NDArray } from '../../../engine/index.ts';
import { Adam, AdamW, SGD, type Optimizer } from '../../../engine/train/index.ts';
import type { DType } from '../../../engine/ndarray/dtype.ts';

function maxRel(a: NDArray, b: NDArray): number {
  const x = a.toTyped() as Float32Array;
  const y = b.toTyped() as Float32Array;
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i]! - y[i]!) / Math.max(1, Math.abs(y[i]!)));
  return d;
}

type Stepper = Optimizer & { stepUnfused(w: NDArray, g: NDArray, s: Record<string, NDArray>, lr: number, wd: number): void };

const CONFIGS: [string, () => Stepper, number][] = [
  ['sgd', () => new SGD({ learningRate: 0.1 }), 0],
  ['sgd momentum', () => new SGD({ learningRate: 0.05, momentum: 0.9 }), 0],
  ['sgd momentum wd clip', () => new SGD({ learningRate: 0.05, momentum: 0.9, clipGradient: 0.01 }), 1e-3],
  ['adam', () => new Adam({ learningRate: 0.01 }), 0],
  ['adam wd clip', () => new Adam({ learningRate: 0.01, clipGradient: 0.02 }), 0.01],
  ['adamw', () => new AdamW({ learningRate: 0.01 }), 0.01],
];

for (const dtype of ['float32', 'float64'] as DType[]) {
  for (const [name, make, wd] of CONFIGS) {
    test(`${name} (${dtype}): the fused update equals the op-by-op rule over 3 steps`, () => {
      const fused = make();
      const plain = make();
      const w1 = np.random.uniform(-1, 1, [300, 170], { seed: 1, dtype });
      const w2 = w1.copy();
      const s1 = fused.createState(w1);
      const s2 = plain.createState(w2);
      for (const o of [fused, plain]) o.rescaleGrad = 1 / 64;
      for (let t = 1; t <= 3; t++) {
        const g = np.random.uniform(-2, 2, [300, 170], { seed: 10 + t, dtype });
        for (const o of [fused, plain]) o.numUpdate = t;
        fused.step(w1, g, s1, fused.currentLr, wd);
        plain.stepUnfused(w2, g, s2, plain.currentLr, wd);
      }
      const tol = dtype === 'float64' ? 1e-12 : 1e-6;
      assert.ok(maxRel(w1, w2) <= tol, `weights differ by ${maxRel(w1, w2)}`);
      for (const k of Object.keys(s1)) assert.ok(maxRel(s1[k]!, s2[k]!) <= tol, `state ${k} differs by ${maxRel(s1[k]!, s2[k]!)}`);
    });
  }
}

test('a gradient of another dtype than the weight takes the op-by-op rule', () => {
  const o = new SGD({ learningRate: 0.1, momentum: 0.5 });
  const w = np.ones([4]);
  const s = o.createState(w);
  o.step(w, np.ones([4], { dtype: 'float64' }), s, 0.1, 0);
  assert.deepEqual(
    (w.toArray() as number[]).map((v) => Math.round(v * 1e6) / 1e6),
    [0.9, 0.9, 0.9, 0.9],
  );
});
