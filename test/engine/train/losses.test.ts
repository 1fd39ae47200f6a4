// Each loss's per-sample value against numpy (float64, written from the textbook formulas) and its
// gradient against central finite differences of the engine's own forward, in float64; plus the
// numerically stable paths on extreme logits.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autograd, np, type NDArray } from '../../../engine/index.ts';
import { L1Loss, L2Loss, SigmoidBinaryCrossEntropyLoss, SoftmaxCrossEntropyLoss, type Loss } from '../../../engine/train/index.ts';
import { runNumpy, toWire, type WireArray } from '../support/numpy-oracle.ts';

const f64 = { dtype: 'float64' as const };
const pred = np.random.uniform(-3, 3, [5, 4], { ...f64, seed: 11 });
const target = np.random.uniform(-1, 1, [5, 4], { ...f64, seed: 12 });
const classes = np.array([0, 3, 1, 2, 3], f64);
const bits = np.random
  .uniform(0, 1, [5, 4], { ...f64, seed: 13 })
  .gt(0.5)
  .astype('float64');

interface Case {
  name: string;
  loss: Loss;
  label: NDArray;
  py: string;
}
const cases: Case[] = [
  { name: 'L2Loss', loss: new L2Loss(), label: target, py: '(0.5 * (p - y) ** 2).mean(axis=1)' },
  { name: 'L1Loss', loss: new L1Loss(), label: target, py: 'np.abs(p - y).mean(axis=1)' },
  {
    name: 'SoftmaxCrossEntropyLoss (sparse labels)',
    loss: new SoftmaxCrossEntropyLoss(),
    label: classes,
    py: '-(p - p.max(axis=1, keepdims=True) - np.log(np.exp(p - p.max(axis=1, keepdims=True)).sum(axis=1, keepdims=True)))[np.arange(len(y)), y.astype(int)]',
  },
  {
    name: 'SigmoidBinaryCrossEntropyLoss',
    loss: new SigmoidBinaryCrossEntropyLoss(),
    label: bits,
    py: '(-(y * np.log(1 / (1 + np.exp(-p))) + (1 - y) * np.log(1 - 1 / (1 + np.exp(-p))))).mean(axis=1)',
  },
];

const expected = runNumpy<{ p: WireArray; y: WireArray; expr: string }, WireArray>(
  'def run(case):\n    p = arr(case["p"]); y = arr(case["y"])\n    return wire(eval(case["expr"]))',
  cases.map((c) => ({ p: toWire(pred), y: toWire(c.label), expr: c.py })),
);

/** Central differences of sum(loss(pred)) with respect to every element of pred. */
function finiteDifferences(loss: Loss, p: NDArray, label: NDArray, h = 1e-6): number[] {
  const base = p.toTyped() as Float64Array;
  return Array.from(base, (_, i) => {
    const at = (d: number) => {
      const copy = Float64Array.from(base);
      copy[i]! += d;
      return Number(
        loss
          .call(np.array(copy, { shape: [...p.shape] }), label)
          .sum()
          .item(),
      );
    };
    return (at(h) - at(-h)) / (2 * h);
  });
}

cases.forEach((c, k) => {
  test(`${c.name}: per-sample values match numpy in float64`, () => {
    const got = c.loss.call(pred, c.label);
    assert.deepEqual(got.shape, [5]);
    const want = expected[k]!.data as number[];
    (got.toArray() as number[]).forEach((v, i) =>
      assert.ok(Math.abs(v - want[i]!) <= 1e-12 * Math.max(1, Math.abs(want[i]!)), `${c.name}[${i}]: ${v} vs numpy ${want[i]}`),
    );
  });

  test(`${c.name}: gradient matches central finite differences in float64`, () => {
    const p = pred.copy();
    p.attachGrad();
    autograd.record(() => c.loss.call(p, c.label).sum()).backward();
    const fd = finiteDifferences(c.loss, pred, c.label);
    (p.grad!.toTyped() as Float64Array).forEach((g, i) => assert.ok(Math.abs(g - fd[i]!) < 1e-6, `${c.name} d/dpred[${i}]: ${g} vs ${fd[i]}`));
  });
});

test('SoftmaxCrossEntropyLoss is stable on huge logits (log-softmax, not log(softmax))', () => {
  const logits = np.array(
    [
      [1000, 0, -1000],
      [0, 2000, 0],
    ],
    f64,
  );
  const l = new SoftmaxCrossEntropyLoss().call(logits, np.array([0, 0], f64)).toArray() as number[];
  assert.ok(l[0] === 0 && l[1] === 2000, `${l}`);
});

test('SigmoidBinaryCrossEntropyLoss is stable on huge logits', () => {
  const logits = np.array([[800], [-800], [800]], f64);
  const l = new SigmoidBinaryCrossEntropyLoss().call(logits, np.array([1, 0, 0], f64)).toArray() as number[];
  assert.deepEqual(l, [0, 0, 800]);
});

test('a label of shape [N] fits a prediction of shape [N, 1] (Gluon reshape_like)', () => {
  const p = np.array([[1], [2]], f64);
  assert.deepEqual(new L2Loss().call(p, np.array([0, 0], f64)).toArray(), [0.5, 2]);
});

test('SoftmaxCrossEntropyLoss names the shapes when labels do not fit', () => {
  assert.throws(
    () => new SoftmaxCrossEntropyLoss().call(pred, np.array([0, 1], f64)),
    /labels of shape \[2\] do not give one class index per row of predictions \[5,4\]/,
  );
});
