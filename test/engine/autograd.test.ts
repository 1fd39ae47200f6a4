// Autograd semantics: recording scope, gradReq write/add/null, head gradients, reuse,
// graph freeing and retainGraph, and what is (not) tracked.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autograd, np, npx } from '../../engine/index.ts';

test('record returns the callback result and scopes isRecording; pause turns it off inside', () => {
  assert.equal(autograd.isRecording(), false);
  const r = autograd.record(() => {
    assert.equal(autograd.isRecording(), true);
    assert.equal(autograd.isTraining(), true);
    autograd.pause(() => assert.equal(autograd.isRecording(), false));
    assert.equal(autograd.isRecording(), true);
    return 42;
  });
  assert.equal(r, 42);
  assert.equal(autograd.isRecording(), false);
  assert.throws(
    () =>
      autograd.record(() => {
        throw new Error('boom');
      }),
    /boom/,
  );
  assert.equal(autograd.isRecording(), false, 'state restored after a throw');
});

test("d2l's first example: y = 2·dot(x, x), x.grad = 4x", () => {
  const x = np.arange(4);
  x.attachGrad();
  const y = autograd.record(() => np.dot(x, x).mul(2));
  y.backward();
  assert.deepEqual(x.grad!.toArray(), [0, 4, 8, 12]);
});

test("gradReq 'write' overwrites on each backward, 'add' accumulates, 'null' skips", () => {
  const w = np.array([1, 2, 3]);
  const a = np.array([1, 2, 3]);
  const n = np.array([1, 2, 3]);
  w.attachGrad('write');
  a.attachGrad('add');
  n.attachGrad('null');
  for (let i = 0; i < 2; i++) {
    const y = autograd.record(() => w.mul(a).mul(n).sum());
    y.backward();
  }
  assert.deepEqual(w.grad!.toArray(), [1, 4, 9]);
  assert.deepEqual(a.grad!.toArray(), [2, 8, 18]);
  assert.equal(n.grad, null);
  assert.equal(n.gradReq, 'null');
});

test('an array used several times in one graph gets the sum of its gradients (tied parameters)', () => {
  const w = np.array([
    [2, 0],
    [0, 3],
  ]);
  w.attachGrad();
  const x = np.array([[1, 1]]);
  const y = autograd.record(() => np.dot(npx.relu(np.dot(x, w)), w).sum());
  y.backward();
  // y = sum(relu(x·w)·w): first use gives xᵀ·(1·wᵀ) = [[2, 3], [2, 3]], second relu(x·w)ᵀ·1 = [[2, 2], [3, 3]]
  assert.deepEqual(w.grad!.toArray(), [
    [4, 5],
    [5, 6],
  ]);
});

test('head gradient: default ones, a number, or an array', () => {
  const x = np.array([1, 2]);
  x.attachGrad();
  autograd.record(() => x.mul(3)).backward();
  assert.deepEqual(x.grad!.toArray(), [3, 3]);
  autograd.record(() => x.mul(3)).backward(2);
  assert.deepEqual(x.grad!.toArray(), [6, 6]);
  autograd.record(() => x.mul(3)).backward(np.array([1, -1]));
  assert.deepEqual(x.grad!.toArray(), [3, -3]);
  autograd.backward(autograd.record(() => x.square().sum()));
  assert.deepEqual(x.grad!.toArray(), [2, 4]);
});

test('retainGraph keeps the graph for a second backward; otherwise it is freed', () => {
  const x = np.array([1, 2]);
  x.attachGrad('add');
  const y = autograd.record(() => x.exp().sum());
  y.backward(undefined, { retainGraph: true });
  y.backward();
  const e = Math.fround(Math.exp(1));
  assert.ok(Math.abs((x.grad!.toArray() as number[])[0]! - 2 * e) < 1e-5);
  assert.throws(() => y.backward(), /retainGraph/);
});

test('only ops on tracked arrays, while recording, are taped', () => {
  const x = np.ones([2]);
  x.attachGrad();
  const c = np.ones([2]);
  autograd.record(() => {
    assert.equal(c.add(1)._node, null, 'independent of attached arrays: not tracked');
    assert.notEqual(x.add(1)._node, null);
    assert.equal(autograd.pause(() => x.add(1))._node, null);
    assert.equal(x.gt(0)._node, null, 'comparisons are not differentiable');
  });
  assert.equal(x.add(1)._node, null, 'outside record: not tracked');
  assert.equal(x.detach()._node, null);
});

test('a leaf backward gives ones; attachGrad resets history', () => {
  const x = np.array([5, 6]);
  x.attachGrad();
  x.backward();
  assert.deepEqual(x.grad!.toArray(), [1, 1]);
  const y = autograd.record(() => x.mul(2));
  y.attachGrad();
  assert.equal(y._node, null);
});

test('fused linear + activation under record gives the same values as without record', () => {
  const x = np.random.uniform(-1, 1, [3, 4]);
  const w = np.random.uniform(-1, 1, [2, 4]);
  const b = np.random.uniform(-1, 1, [2]);
  const fused = npx.linear(x, w, b, { activation: 'relu' }).toArray();
  w.attachGrad();
  const taped = autograd.record(() => npx.linear(x, w, b, { activation: 'relu' }));
  assert.deepEqual(taped.toArray(), fused);
  assert.notEqual(taped._node, null);
});
