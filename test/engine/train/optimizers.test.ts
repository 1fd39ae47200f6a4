// SGD / Adam / AdamW: two updates through a Trainer (so 1/batchSize rescaling and the update count
// are exercised) against numpy implementations of the published rules, in float64; and the
// learning-rate schedules against their formulas.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np, Parameter } from '../../../engine/index.ts';
import { Adam, AdamW, CosineScheduler, FactorScheduler, MultiFactorScheduler, SGD, Trainer, type Optimizer } from '../../../engine/train/index.ts';
import { runNumpy, toWire, type WireArray } from '../support/numpy-oracle.ts';

const w0 = np.random.uniform(-1, 1, [3, 4], { dtype: 'float64', seed: 21 });
const grads = [np.random.uniform(-2, 2, [3, 4], { dtype: 'float64', seed: 22 }), np.random.uniform(-2, 2, [3, 4], { dtype: 'float64', seed: 23 })];
const BATCH = 4;

/** Two Trainer steps of `opt` on a float64 parameter holding w0, with the given raw gradients. */
function twoSteps(opt: Optimizer): number[] {
  const p = new Parameter('w', { shape: [3, 4], dtype: 'float64' });
  p.initialize('zeros');
  p.setData(w0);
  const trainer = new Trainer([p], opt);
  for (const g of grads) {
    p.grad().set(null, g);
    trainer.step(BATCH);
  }
  return Array.from(p.data().toTyped() as Float64Array);
}

const PY_RULES = String.raw`
def run(case):
    w = arr(case["w"]); gs = [arr(g) / case["batch"] for g in case["grads"]]
    kind = case["kind"]; lr = case["lr"]; wd = case["wd"]
    m = np.zeros_like(w); v = np.zeros_like(w); mom = np.zeros_like(w)
    for t, g in enumerate(gs, start=1):
        if kind == "sgd":
            mom = case["momentum"] * mom - lr * (g + wd * w)
            w = w + mom
        elif kind == "adam":            # MXNet Adam: coupled decay, bias correction folded into lr
            g = g + wd * w
            m = 0.9 * m + 0.1 * g; v = 0.999 * v + 0.001 * g * g
            w = w - lr * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t) * m / (np.sqrt(v) + 1e-8)
        else:                             # AdamW: decoupled decay
            m = 0.9 * m + 0.1 * g; v = 0.999 * v + 0.001 * g * g
            mh = m / (1 - 0.9 ** t); vh = v / (1 - 0.999 ** t)
            w = w - lr * (mh / (np.sqrt(vh) + 1e-8) + wd * w)
    return wire(w)
`;

const cases = [
  {
    label: 'SGD with momentum 0.9 and weight decay 0.01',
    kind: 'sgd',
    lr: 0.1,
    wd: 0.01,
    momentum: 0.9,
    make: () => new SGD({ learningRate: 0.1, momentum: 0.9, wd: 0.01 }),
  },
  { label: 'plain SGD', kind: 'sgd', lr: 0.5, wd: 0, momentum: 0, make: () => new SGD({ learningRate: 0.5 }) },
  { label: 'Adam with weight decay 0.1', kind: 'adam', lr: 0.01, wd: 0.1, momentum: 0, make: () => new Adam({ learningRate: 0.01, wd: 0.1 }) },
  { label: 'AdamW with decoupled weight decay 0.1', kind: 'adamw', lr: 0.01, wd: 0.1, momentum: 0, make: () => new AdamW({ learningRate: 0.01, wd: 0.1 }) },
];

const expected = runNumpy<object, WireArray>(
  PY_RULES,
  cases.map((c) => ({
    w: toWire(w0),
    grads: grads.map(toWire),
    batch: BATCH,
    kind: c.kind,
    lr: c.lr,
    wd: c.wd,
    momentum: c.momentum,
  })),
);

cases.forEach((c, k) => {
  test(`${c.label}: two Trainer steps match the numpy rule (float64, gradients rescaled by 1/batch)`, () => {
    const got = twoSteps(c.make());
    const want = expected[k]!.data as number[];
    got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-12, `${c.label}[${i}]: ${v} vs numpy ${want[i]}`));
  });
});

test('AdamW decay is decoupled: with a zero gradient the weight shrinks by exactly (1 - lr·wd) per step', () => {
  const p = new Parameter('w', { shape: [2], dtype: 'float64' });
  p.initialize('zeros');
  p.setData(np.array([1, -2], { dtype: 'float64' }));
  const trainer = new Trainer([p], new AdamW({ learningRate: 0.1, wd: 0.5 }));
  trainer.step(1);
  trainer.step(1);
  assert.deepEqual(p.data().toArray(), [1 * 0.95 * 0.95, -2 * 0.95 * 0.95]);
});

test('element-wise clipGradient clips the rescaled gradient before the update', () => {
  const p = new Parameter('w', { shape: [2], dtype: 'float64' });
  p.initialize('zeros');
  p.grad().set(null, np.array([10, -0.5], { dtype: 'float64' }));
  new Trainer([p], new SGD({ learningRate: 1, clipGradient: 1 })).step(1);
  assert.deepEqual(p.data().toArray(), [-1, 0.5]);
});

test('FactorScheduler decays by factor every step updates (MXNet semantics)', () => {
  const s = new FactorScheduler({ step: 10, factor: 0.5, baseLr: 1 });
  assert.deepEqual(
    [1, 10, 11, 20, 21, 35].map((n) => s.lr(n)),
    [1, 1, 0.5, 0.5, 0.25, 0.125],
  );
  assert.deepEqual(
    [1, 5, 6, 9].map((n) => new MultiFactorScheduler({ steps: [5, 8], factor: 0.1, baseLr: 1 }).lr(n)).map((v) => +v.toFixed(6)),
    [1, 1, 0.1, 0.01],
  );
});

test('CosineScheduler warms up linearly, then follows a half cosine to finalLr', () => {
  const s = new CosineScheduler({ maxUpdate: 110, baseLr: 1, finalLr: 0.1, warmupSteps: 10, warmupBeginLr: 0 });
  assert.equal(s.lr(5), 0.5);
  assert.equal(s.lr(10), 1);
  assert.ok(Math.abs(s.lr(60) - 0.55) < 1e-12);
  assert.ok(Math.abs(s.lr(110) - 0.1) < 1e-12);
  assert.equal(s.lr(500), 0.1);
});

test('a scheduled optimizer uses the rate of the current update', () => {
  const p = new Parameter('w', { shape: [1], dtype: 'float64' });
  p.initialize('zeros');
  const trainer = new Trainer([p], new SGD({ lrScheduler: new FactorScheduler({ step: 1, factor: 0.5, baseLr: 1 }) }));
  const seen: number[] = [];
  for (let i = 0; i < 3; i++) {
    p.grad().set(null, 1);
    trainer.step(1);
    seen.push(trainer.learningRate);
  }
  assert.deepEqual(seen, [1, 0.5, 0.25]);
  assert.deepEqual(p.data().toArray(), [-1.75]);
});
