// np.matmulAsync: the same product as np.matmul, computed off the JS thread, so the event loop
// keeps turning while it runs; errors and autograd misuse are reported like the sync op's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { autograd, np } from '../../engine/index.ts';

test('matmulAsync equals matmul, with batch broadcasting and dtype promotion', async () => {
  const a = np.random.uniform(-1, 1, [3, 64, 48]);
  const b = np.random.uniform(-1, 1, [48, 32]).astype('float64');
  const sync = np.matmul(a, b);
  const viaWorker = await np.matmulAsync(a, b);
  assert.deepEqual(viaWorker.shape, [3, 64, 32]);
  assert.equal(viaWorker.dtype, 'float64');
  assert.deepEqual(Array.from(viaWorker.toTyped() as Float64Array), Array.from(sync.toTyped() as Float64Array));
});

test('the event loop keeps turning while a large product runs', async () => {
  const a = np.random.uniform(-1, 1, [1024, 1024]);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 0);
  const products = [];
  for (let i = 0; i < 8; i++) products.push(np.matmulAsync(a, a));
  await Promise.all(products);
  clearInterval(timer);
  assert.ok(ticks > 0, 'timers ran while the products were computed');
});

test('shape errors, vectors and recorded inputs are refused with coded errors', async () => {
  await assert.rejects(np.matmulAsync(np.ones([2, 3]), np.ones([4, 5])), (e: { code?: string }) => e.code === 'E_SHAPE');
  await assert.rejects(np.matmulAsync(np.ones([3]), np.ones([3, 2])), (e: { code?: string }) => e.code === 'E_ARGS');
  const x = np.ones([2, 2]);
  x.attachGrad();
  await autograd.record(async () => {
    await assert.rejects(np.matmulAsync(x, x), (e: { code?: string }) => e.code === 'E_GRAD');
  });
});
