// Error paths: every failure is an EngineError with a code, the op's name and the values involved.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineError, NDArray, autograd, cpu, gpu, np, npx, numGpus } from '../../engine/index.ts';
import { native } from '../../engine/backend/backend.ts';

function throwsCode(fn: () => unknown, code: string, ...fragments: (string | RegExp)[]): EngineError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof EngineError, `expected an EngineError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  for (const f of fragments) {
    if (typeof f === 'string') assert.ok(caught.message.includes(f), `message lacks "${f}": ${caught.message}`);
    else assert.match(caught.message, f);
  }
  return caught;
}

/** An array that claims to live on gpu(0) but holds cpu storage: if the TS device check did not
 * fire first, the addon would happily compute, so an E_DEVICE_MISMATCH proves the check ran in TS. */
function fakeGpuArray(shape: number[]): NDArray {
  const host = np.ones(shape);
  return new NDArray(host.buffer, host.shape, host.dtype, gpu(0));
}

test('mixed devices throw E_DEVICE_MISMATCH naming both devices, before any native call', () => {
  const a = np.ones([2, 3]);
  const g = fakeGpuArray([2, 3]);
  const e = throwsCode(() => a.add(g), 'E_DEVICE_MISMATCH', 'cpu(0)', 'gpu(0)', 'copyto', 'asInContext');
  assert.equal(e.op, 'add');
  assert.ok(e.message.startsWith('add: '));
  throwsCode(() => g.mul(a), 'E_DEVICE_MISMATCH', 'mul');
  throwsCode(() => np.matmul(a, fakeGpuArray([3, 2])), 'E_DEVICE_MISMATCH', 'matmul');
  throwsCode(() => np.concatenate([a, g]), 'E_DEVICE_MISMATCH', 'concat');
  throwsCode(() => a.set(null, g), 'E_DEVICE_MISMATCH', 'set');
  throwsCode(() => npx.linear(a, g, null), 'E_DEVICE_MISMATCH', 'linear');
  throwsCode(() => a.iadd(g), 'E_DEVICE_MISMATCH');
});

test('gpu(0) without CUDA gives E_NO_CUDA with a hint to use cpu()/tryGpu()', (t) => {
  if (numGpus() > 0) {
    t.skip('this machine has a GPU');
    return;
  }
  throwsCode(() => np.zeros([2], { device: gpu(0) }), 'E_NO_CUDA', 'tryGpu');
  throwsCode(() => np.ones([2]).copyto(gpu(0)), 'E_NO_CUDA');
  throwsCode(() => np.random.uniform(0, 1, [2], { device: gpu(1) }), 'E_NO_CUDA');
});

test('incompatible shapes give E_SHAPE naming the op and both shapes', () => {
  throwsCode(() => np.ones([2, 3]).add(np.ones([4])), 'E_SHAPE', 'add', '(2, 3)', '(4,)');
  throwsCode(() => np.matmul(np.ones([2, 3]), np.ones([4, 5])), 'E_SHAPE', 'matmul', '[2,3]', '[4,5]');
  throwsCode(() => np.dot(np.ones([3]), np.ones([4])), 'E_SHAPE', 'matmul');
  throwsCode(() => np.ones([2, 3]).reshape(4, -1), 'E_SHAPE', 'reshape', 'size 6');
  throwsCode(() => np.ones([2, 3]).reshape(-1, -1), 'E_SHAPE', 'reshape');
  throwsCode(() => np.concatenate([np.ones([2, 3]), np.ones([2, 4])], 0), 'E_SHAPE', 'concat');
  throwsCode(() => np.stack([np.ones([2]), np.ones([3])]), 'E_SHAPE', 'stack');
  throwsCode(() => np.ones([3, 2]).broadcastTo([3, 4]), 'E_SHAPE', 'broadcastTo');
  throwsCode(() => np.ones([3, 4]).set(0, np.ones([3])), 'E_SHAPE', 'set');
  throwsCode(() => np.ones([3, 4]).squeeze(0), 'E_SHAPE', 'squeeze');
  throwsCode(() => npx.linear(np.ones([2, 3]), np.ones([4, 5])), 'E_SHAPE', 'linear');
  throwsCode(() => np.zeros([0, 3]).max(0), 'E_SHAPE', 'max');
  throwsCode(() => np.zeros([0]).argmax(), 'E_SHAPE', 'argmax');
});

test('negative, fractional and NaN dims are rejected before allocating', () => {
  throwsCode(() => np.zeros([-1]), 'E_SHAPE', 'zeros', 'negative');
  throwsCode(() => np.ones([2, 2.5]), 'E_SHAPE', 'ones', '2.5');
  throwsCode(() => np.zeros([NaN, 2]), 'E_SHAPE', 'NaN');
  throwsCode(() => np.random.uniform(0, 1, [3, -2]), 'E_SHAPE', 'uniform');
  throwsCode(() => np.empty(['3' as unknown as number]), 'E_SHAPE');
});

test('absurd sizes fail with E_OUT_OF_MEMORY or E_SHAPE before any allocation', () => {
  const before = native().memoryStats().liveBytes;
  throwsCode(() => np.zeros([1e6, 1e6]), 'E_OUT_OF_MEMORY', 'zeros', '(1000000, 1000000)', 'TiB');
  throwsCode(() => np.random.normal(0, 1, [1e5, 1e5, 10]), 'E_OUT_OF_MEMORY', 'normal');
  throwsCode(() => np.ones([2 ** 30, 2 ** 30, 2 ** 30]), 'E_SHAPE', '2^53');
  assert.equal(native().memoryStats().liveBytes, before);
});

test('out-of-range indices give E_INDEX naming axis, index and size', () => {
  const x = np.ones([3, 4]);
  throwsCode(() => x.get(5), 'E_INDEX', 'index 5', 'axis 0', 'size 3');
  throwsCode(() => x.get(0, -5), 'E_INDEX', 'index -5', 'axis 1', 'size 4');
  throwsCode(() => x.set([3, 0], 1), 'E_INDEX', 'axis 0');
  throwsCode(() => x.sum(2), 'E_INDEX', 'axis 2', 'ndim 2');
  throwsCode(() => npx.softmax(x, -3), 'E_INDEX');
  throwsCode(() => x.transpose([0, 2]), 'E_INDEX');
  throwsCode(() => x.get(0, 0, 0), 'E_ARGS', 'too many indices');
  throwsCode(() => x.slice([0, 3, -1]), 'E_ARGS', 'step');
});

test('dtype errors', () => {
  throwsCode(() => np.random.uniform(0, 1, [2], { dtype: 'int32' }), 'E_DTYPE', 'uniform', 'int32');
  throwsCode(() => np.zeros([2], { dtype: 'float16' as 'float32' }), 'E_DTYPE', 'float16');
  throwsCode(() => np.ones([2], { dtype: 'int32' }).attachGrad(), 'E_DTYPE', 'attachGrad');
});

test('using a disposed array gives E_DISPOSED, also through views sharing its storage', () => {
  const x = np.ones([2, 2]);
  const v = x.reshape(4);
  v.dispose();
  throwsCode(() => x.add(1), 'E_DISPOSED', 'add', 'disposed');
  throwsCode(() => x.toArray(), 'E_DISPOSED');
  x.dispose(); // idempotent
});

test('autograd misuse gives E_GRAD', () => {
  throwsCode(() => np.ones([2]).sum().backward(), 'E_GRAD', 'autograd.record()', 'attachGrad()');
  const x = np.ones([2]);
  x.attachGrad();
  const y = autograd.record(() => x.mul(2).sum());
  y.backward();
  throwsCode(() => y.backward(), 'E_GRAD', 'retainGraph');
  throwsCode(() => autograd.record(() => x.iadd(1)), 'E_GRAD', 'in place');
  throwsCode(() => autograd.record(() => x.set(0, 5)), 'E_GRAD');
  const z = autograd.record(() => x.mul(3));
  throwsCode(() => z.backward(np.ones([3])), 'E_SHAPE', 'head gradient');
  throwsCode(() => x.attachGrad('sometimes' as 'write'), 'E_ARGS', 'gradReq');
});

test('bad arguments give E_ARGS', () => {
  throwsCode(() => np.arange(0, 5, 0), 'E_ARGS', 'arange');
  throwsCode(() => np.split(np.ones([5]), 2), 'E_ARGS', 'split');
  throwsCode(() => np.random.seed(-1), 'E_ARGS', 'seed');
  throwsCode(() => np.array([[1, 2], [3]]), 'E_SHAPE', 'ragged');
  throwsCode(() => np.ones([3]).item(), 'E_ARGS', 'size 1');
  throwsCode(() => npx.linear(np.ones([2, 2]), np.ones([2, 2]), null, { activation: 'swish' as 'relu' }), 'E_ARGS', 'swish');
  throwsCode(() => np.matmul(np.array(1), np.ones([2])), 'E_ARGS', 'matmul');
  assert.equal(cpu().toString(), 'cpu(0)');
});
