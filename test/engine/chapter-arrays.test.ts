// The seed chapter's array-level listings (those needing no nn/ layer), in Blocksmith's API, with
// what the chapter prints where it is deterministic. Line numbers refer to
// shared/seed/000_7ab7b1fd022daf8a.txt.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpu, gpu, np, npx, numGpus, tryAllGpus, tryGpu, type NDArray } from '../../engine/index.ts';

test('5.6.1 devices (l.1205): npx.cpu(), npx.gpu(), npx.gpu(1)', () => {
  assert.equal([npx.cpu(), npx.gpu(), npx.gpu(1)].map(String).join(', '), 'cpu(0), gpu(0), gpu(1)');
  assert.equal(npx.numGpus(), numGpus());
});

test('5.6.1 try_gpu / try_all_gpus (l.1236) on this machine', () => {
  const n = numGpus();
  assert.equal(String(tryGpu()), n > 0 ? 'gpu(0)' : 'cpu(0)');
  assert.equal(String(tryGpu(3)), n > 3 ? 'gpu(3)' : 'cpu(0)');
  assert.deepEqual(tryAllGpus().map(String), n > 0 ? Array.from({ length: n }, (_, i) => `gpu(${i})`) : ['cpu(0)']);
});

test('5.6.2 x = np.array([1, 2, 3]) prints array([1., 2., 3.]) on cpu(0) (l.1248)', () => {
  const x = np.array([1, 2, 3]);
  assert.equal(String(x), 'array([1., 2., 3.])');
  assert.equal(x.device, cpu());
});

test('5.6.2 np.ones((2, 3), ctx=try_gpu()) (l.1271)', () => {
  const x = np.ones([2, 3], { ctx: tryGpu() });
  const suffix = x.device === cpu() ? '' : `, ctx=${x.device}`;
  assert.equal(String(x), `array([[1., 1., 1.],\n       [1., 1., 1.]]${suffix})`);
});

test('5.6.2 copyto always copies, as_in_ctx does not (l.1304-1350)', () => {
  const y = np.random.uniform(0, 1, [2, 3], { ctx: tryGpu(1) });
  const x = np.ones([2, 3], { ctx: tryGpu() });
  const z = x.copyto(tryGpu(1));
  assert.equal(String(y.add(z)), String(y.add(1)));
  assert.equal(z.asInContext(tryGpu(1)), z);
  assert.notEqual(y.copyto(tryGpu(1)), y);
  if (numGpus() < 2) assert.throws(() => x.add(np.ones([2, 3]).copyto(gpu(1))), { code: 'E_NO_CUDA' });
});

test('5.4.1 CenteredLayer forward: x - x.mean() (l.903)', () => {
  const centered = (x: NDArray): NDArray => x.sub(x.mean());
  assert.equal(String(centered(np.array([1, 2, 3, 4, 5]))), 'array([-2., -1.,  0.,  1.,  2.])');
});

test('5.4.2 MyDense forward: relu(dot(x, w) + b) (l.959)', () => {
  const w = np.random.uniform(-0.07, 0.07, [5, 3]);
  const b = np.zeros([3]);
  const y = npx.relu(np.dot(np.random.uniform(0, 1, [2, 5]), w).add(b));
  assert.deepEqual(y.shape, [2, 3]);
  assert.ok((y.min().item() as number) >= 0);
});

test('5.1 FancyMLP forward with a constant weight and control flow (l.192-210)', () => {
  const randWeight = np.random.uniform(0, 1, [20, 20]);
  const w = np.random.uniform(-0.07, 0.07, [20, 20]);
  const b = np.zeros([20]);
  const dense = (x: NDArray): NDArray => npx.linear(x, w, b);
  let x = dense(np.random.uniform(0, 1, [2, 20]));
  x = npx.relu(np.dot(x, randWeight).add(1));
  x = dense(x);
  while ((np.abs(x).sum().item() as number) > 1) x.idiv(2);
  if ((np.abs(x).sum().item() as number) < 0.8) x.imul(10);
  const out = x.sum();
  assert.deepEqual(out.shape, []);
  assert.match(String(out), /^array\(-?\d/);
});

test('5.2.3 parameter edits: data()[:] += 1, data()[0, 0] = 42 (l.633)', () => {
  const data = np.random.uniform(-10, 10, [8, 20]);
  data.imul(np.abs(data).ge(5));
  const before = data.get(0).toArray() as number[];
  data.iadd(1);
  data.set([0, 0], 42);
  const row = data.get(0).toArray() as number[];
  assert.equal(row[0], 42);
  for (let i = 1; i < 20; i++) assert.ok(Math.abs(row[i]! - Math.fround(before[i]! + 1)) < 1e-5);
});
