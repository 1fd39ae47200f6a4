// An eager Dense outside autograd runs on weights packed once (engine/ops/packed-linear.ts): the
// same values as the recorded path within float32 rounding, one packing reused across calls, and
// a new one after anything writes the weights (set_data, an optimizer step) or the batch changes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autograd, Dense, L2Loss, np, SGD, Trainer, type NDArray } from '../../../engine/index.ts';
import { native } from '../../../engine/backend/backend.ts';

/** Counts the linear plans made while `fn` runs (the packings). */
function packings<T>(fn: () => T): { result: T; made: number } {
  const addon = native() as unknown as { linearPlan: (...a: unknown[]) => unknown };
  const own = Object.prototype.hasOwnProperty.call(addon, 'linearPlan');
  const original = addon.linearPlan;
  let made = 0;
  addon.linearPlan = (...a: unknown[]) => {
    made++;
    return original.apply(addon, a);
  };
  try {
    return { result: fn(), made };
  } finally {
    if (own) addon.linearPlan = original;
    else delete (addon as { linearPlan?: unknown }).linearPlan;
  }
}

const values = (a: NDArray): number[] => Array.from(a.toTyped() as Float32Array);

function assertNear(actual: NDArray, expected: NDArray, what: string): void {
  const a = values(actual);
  const e = values(expected);
  assert.equal(a.length, e.length);
  const worst = Math.max(...a.map((v, i) => Math.abs(v - e[i]!) / (1e-3 + Math.abs(e[i]!))));
  assert.ok(worst < 1e-5, `${what}: relative difference ${worst}`);
}

test('an eager Dense packs its weights once and matches the recorded (unpacked) path', () => {
  const dense = new Dense(96, { activation: 'relu', inUnits: 80 });
  dense.initialize();
  const x = np.random.uniform(-1, 1, [33, 80], { seed: 1 });
  const first = packings(() => dense.call(x));
  assert.equal(first.made, 1, 'the first call packs');
  const again = packings(() => dense.call(x));
  assert.equal(again.made, 0, 'the second call reuses the packing');
  const recorded = autograd.record(() => dense.call(x), { trainMode: false });
  assertNear(again.result, recorded, 'packed vs recorded');
  assertNear(first.result, recorded, 'first call');

  const other = np.random.uniform(-1, 1, [12, 80], { seed: 2 });
  const resized = packings(() => dense.call(other));
  assert.equal(resized.made, 1, 'a new batch size packs for its rows');
  assertNear(
    resized.result,
    autograd.record(() => dense.call(other), { trainMode: false }),
    'batch 12',
  );
});

test('a write to the weights (set_data, an optimizer step) is seen by the next eager call', () => {
  const dense = new Dense(64, { inUnits: 64 });
  dense.initialize();
  const x = np.random.uniform(-1, 1, [16, 64], { seed: 3 });
  dense.call(x);
  dense.weight.setData(np.random.uniform(-1, 1, [64, 64], { seed: 4 }));
  const afterSet = packings(() => dense.call(x));
  assert.equal(afterSet.made, 1, 'set_data repacks');
  assertNear(
    afterSet.result,
    autograd.record(() => dense.call(x), { trainMode: false }),
    'after set_data',
  );

  const trainer = new Trainer(dense.collectParams(), new SGD({ learningRate: 0.5 }));
  const loss = new L2Loss();
  const before = values(dense.call(x));
  autograd.record(() => loss.call(dense.call(x), np.zeros([16, 64]))).backward();
  trainer.step(16);
  const afterStep = packings(() => dense.call(x));
  assert.equal(afterStep.made, 1, 'an optimizer step repacks');
  assert.notDeepEqual(values(afterStep.result), before);
  assertNear(
    afterStep.result,
    autograd.record(() => dense.call(x), { trainMode: false }),
    'after a step',
  );
});

test('small layers, float64 and recorded calls stay on the plain kernels', () => {
  const small = new Dense(10, { inUnits: 20 });
  small.initialize();
  assert.equal(packings(() => small.call(np.ones([1, 20]))).made, 0, 'batch-1 20 → 10');
  const big = new Dense(64, { inUnits: 64 });
  big.initialize();
  const x = np.random.uniform(-1, 1, [32, 64], { seed: 5 });
  assert.equal(packings(() => autograd.record(() => big.call(x))).made, 0, 'recorded');
  const d64 = new Dense(64, { inUnits: 64, dtype: 'float64' });
  d64.initialize();
  assert.equal(packings(() => d64.call(x.astype('float64'))).made, 0, 'float64');
});
