// NDArray basics: creation and dtype inference, devices, copy vs view semantics, indexing
// writes from the chapter, export, and the random streams.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Device, cpu, gpu, np, numGpus, tryAllGpus, tryGpu } from '../../engine/index.ts';

test('devices print and compare like MXNet contexts', () => {
  assert.equal(String(cpu()), 'cpu(0)');
  assert.equal(String(gpu()), 'gpu(0)');
  assert.equal(String(gpu(1)), 'gpu(1)');
  assert.ok(cpu().equals(cpu(0)));
  assert.ok(!gpu(0).equals(gpu(1)));
  assert.ok(!cpu(0).equals(gpu(0)));
  assert.ok(gpu(1) instanceof Device);
  assert.throws(() => gpu(-1), /non-negative/);
});

test('tryGpu / tryAllGpus fall back to cpu when there is no GPU', (t) => {
  const n = numGpus();
  assert.ok(Number.isInteger(n) && n >= 0);
  if (n > 0) {
    t.skip('machine has GPUs');
    return;
  }
  assert.equal(tryGpu(), cpu());
  assert.equal(tryGpu(1), cpu());
  assert.deepEqual(tryAllGpus(), [cpu()]);
});

test('creation: dtype inference follows MXNet numpy mode', () => {
  assert.equal(np.array([1, 2, 3]).dtype, 'float32');
  assert.equal(np.array([true, false]).dtype, 'bool');
  assert.equal(np.array(new Int32Array([1, 2])).dtype, 'int32');
  assert.equal(np.array(new BigInt64Array([1n, 2n])).dtype, 'int64');
  assert.equal(np.array(new Float64Array([1, 2])).dtype, 'float64');
  assert.equal(np.array([1, 2], { dtype: 'int64' }).dtype, 'int64');
  assert.equal(np.arange(4).dtype, 'float32');
  assert.deepEqual(np.array(3).shape, []);
  assert.deepEqual(
    np.array([
      [1, 2, 3],
      [4, 5, 6],
    ]).shape,
    [2, 3],
  );
  assert.deepEqual(np.zeros(4).shape, [4]);
  assert.deepEqual(np.ones([2, 3], { ctx: cpu() }).device, cpu());
  const x = np.array([
    [1, 2],
    [3, 4],
  ]);
  assert.equal(x.size, 4);
  assert.equal(x.ndim, 2);
});

test('export: toArray, item, toTyped (BigInt64Array for int64, numbers elsewhere)', () => {
  assert.deepEqual(
    np
      .array([
        [1, 2],
        [3, 4],
      ])
      .toArray(),
    [
      [1, 2],
      [3, 4],
    ],
  );
  assert.deepEqual(np.array([true, false]).toArray(), [true, false]);
  assert.equal(np.array(2.5).toArray(), 2.5);
  assert.equal(np.array([7]).item(), 7);
  assert.equal(np.array([1, 2], { dtype: 'int64' }).sum().item(), 3);
  assert.ok(np.array([1, 2], { dtype: 'int64' }).toTyped() instanceof BigInt64Array);
  assert.ok(np.array([1, 2]).toTyped() instanceof Float32Array);
  assert.deepEqual(np.array([1, 2], { dtype: 'int64' }).toArray(), [1, 2]);
  assert.equal(np.array([3, 1, 2]).argmax().item(), 0);
});

test('copyto always copies; asInContext returns the same array when already there', () => {
  const y = np.ones([2, 3]);
  const z = y.copyto(cpu());
  assert.notEqual(z, y);
  assert.notEqual(z.buffer, y.buffer);
  assert.equal(y.asInContext(cpu()), y);
  assert.equal(y.asInCtx(cpu()), y);
  const target = np.zeros([2, 3]);
  assert.equal(y.copyto(target), target);
  assert.deepEqual(target.toArray(), y.toArray());
  const ints = np.zeros([2, 3], { dtype: 'int32' });
  y.mul(2.7).copyto(ints);
  assert.deepEqual(ints.toArray(), [
    [2, 2, 2],
    [2, 2, 2],
  ]);
});

test('reshape/expandDims/squeeze/flatten share storage; get/slice/T copy', () => {
  const x = np.arange(6);
  const v = x.reshape(2, 3);
  v.set([0, 0], 42);
  assert.equal(x.get(0).item(), 42);
  assert.equal(x.expandDims(0).buffer, x.buffer);
  assert.equal(v.flatten().buffer, x.buffer);
  assert.equal(x.reshape(1, 6, 1).squeeze().buffer, x.buffer);
  const row = v.get(1);
  row.set(0, -1);
  assert.equal(v.get(1, 0).item(), 3);
  assert.notEqual(v.T.buffer, v.buffer);
});

test("the chapter's in-place writes: data()[:] += 1, data()[0, 0] = 42, data *= abs(data) >= 5", () => {
  const data = np.array([
    [-7, 2, 6],
    [1, 8, -3],
  ]);
  data.iadd(1);
  assert.deepEqual(data.toArray(), [
    [-6, 3, 7],
    [2, 9, -2],
  ]);
  data.set([0, 0], 42);
  assert.equal(data.get(0, 0).item(), 42);
  data.imul(data.abs().ge(5));
  assert.deepEqual(data.toArray(), [
    [42, 0, 7],
    [0, 9, -0],
  ]); // -2 · 0 is -0, as in numpy
  data.set(null, np.array([1, 2, 3]));
  assert.deepEqual(data.toArray(), [
    [1, 2, 3],
    [1, 2, 3],
  ]);
  data.set([[0, 2], 1], 0);
  assert.deepEqual(data.toArray(), [
    [1, 0, 3],
    [1, 0, 3],
  ]);
  data.set([null, 2], np.array([5, 6]));
  assert.deepEqual(data.toArray(), [
    [1, 0, 5],
    [1, 0, 6],
  ]);
  data.isub(1).idiv(2);
  assert.deepEqual(data.toArray(), [
    [0, -0.5, 2],
    [0, -0.5, 2.5],
  ]);
});

test('yclone == y gives a bool array; comparisons return bool', () => {
  const y = np.random.uniform(0, 1, [2, 20]);
  const yclone = y.copy();
  const same = yclone.eq(y);
  assert.equal(same.dtype, 'bool');
  assert.equal(same.sum().item(), 40);
  assert.ok(String(same).startsWith('array([[ True,  True,'));
});

test('random: seed gives a reproducible sequence; the global stream advances by ceil(n/4) blocks', () => {
  const s = Math.floor(Math.random() * 1e9);
  np.random.seed(s);
  const a = np.random.uniform(0, 1, [5]).toArray() as number[];
  const b = np.random.uniform(0, 1, [4]).toArray() as number[];
  np.random.seed(s);
  assert.deepEqual(np.random.uniform(0, 1, [5]).toArray(), a);
  assert.deepEqual(np.random.uniform(0, 1, [4]).toArray(), b);
  // 5 elements used blocks 0..1, so the second call started at block 2 = elements 8..11 of one long draw
  const long = np.random.uniform(0, 1, [12], { seed: s }).toArray() as number[];
  assert.deepEqual(long.slice(0, 5), a);
  assert.deepEqual(long.slice(8, 12), b);
  assert.notDeepEqual(a.slice(0, 4), b);
  // a per-call seed does not touch the global stream
  np.random.seed(s);
  np.random.uniform(0, 1, [3], { seed: 123 });
  assert.deepEqual(np.random.uniform(0, 1, [5]).toArray(), a);
});

test('random: uniform range and normal moments', () => {
  const u = np.random.uniform(-10, 10, [4000]);
  assert.ok((u.min().item() as number) >= -10 && (u.max().item() as number) < 10);
  assert.ok(Math.abs(u.mean().item() as number) < 0.5);
  const n = np.random.normal(3, 2, [20000], { dtype: 'float64' });
  assert.equal(n.dtype, 'float64');
  const mean = n.mean().item() as number;
  const std = Math.sqrt(n.sub(mean).square().mean().item() as number);
  assert.ok(Math.abs(mean - 3) < 0.1, `mean ${mean}`);
  assert.ok(Math.abs(std - 2) < 0.1, `std ${std}`);
});

test('astype converts; int conversions truncate toward zero', () => {
  const x = np.array([1.7, -1.7, 0.2]);
  assert.deepEqual(x.astype('int32').toArray(), [1, -1, 0]);
  assert.deepEqual(x.astype('bool').toArray(), [true, true, true]);
  assert.equal(x.astype('float64').dtype, 'float64');
  assert.deepEqual(np.array([true, false]).astype('float32').toArray(), [1, 0]);
});
