// Memory stays bounded over 100k small ops, with explicit dispose() and when left to the GC.
// Bounds are generous; the test never looks at time.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { autograd, np, npx } from '../../engine/index.ts';
import { native } from '../../engine/backend/backend.ts';

setFlagsFromString('--expose-gc');
const gc = (globalThis.gc ?? runInNewContext('gc')) as () => void;

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
}

const N = 100_000;

test('100k ops with dispose() keep native buffers at the baseline', async () => {
  await settle();
  const before = native().memoryStats();
  const x = np.ones([1]);
  for (let i = 0; i < N; i++) {
    const y = x.add(1);
    const z = y.mul(y);
    y.dispose();
    z.dispose();
  }
  const after = native().memoryStats();
  assert.ok(after.liveBuffers <= before.liveBuffers + 1, `${after.liveBuffers} live buffers vs ${before.liveBuffers}`);
  assert.ok(after.liveBytes <= before.liveBytes + 64, `${after.liveBytes} live bytes vs ${before.liveBytes}`);
});

test('100k ops without dispose() are reclaimed by the GC (memory bounded)', async () => {
  await settle();
  const rss0 = process.memoryUsage().rss;
  const before = native().memoryStats();
  let x = np.ones([4]);
  for (let i = 0; i < N; i++) {
    x = x.mul(1.0000001).add(0);
    if (i % 10_000 === 0) await new Promise((r) => setImmediate(r));
  }
  await settle();
  const after = native().memoryStats();
  const rss1 = process.memoryUsage().rss;
  assert.ok(after.liveBuffers < before.liveBuffers + 10_000, `${after.liveBuffers - before.liveBuffers} buffers still live`);
  assert.ok(rss1 - rss0 < 300 * 2 ** 20, `RSS grew by ${(rss1 - rss0) / 2 ** 20} MiB`);
});

test('a synchronous loop of large results never disposed stays bounded (freed during GC)', async () => {
  await settle();
  const big = np.ones([1 << 22]); // 16 MiB
  const before = native().memoryStats().liveBytes;
  let peak = 0;
  // No await in the loop: results must be freed by the garbage collector itself, not by callbacks
  // queued for a later turn of the event loop (200 results would otherwise hold 3.2 GiB).
  for (let i = 0; i < 200; i++) {
    big.add(big);
    peak = Math.max(peak, native().memoryStats().liveBytes - before);
  }
  big.dispose();
  assert.ok(peak < 2 ** 30, `peak live native memory ${(peak / 2 ** 20).toFixed(0)} MiB`);
});

test('20k record + backward steps free their tapes (memory bounded)', async () => {
  const w = np.random.uniform(-1, 1, [4, 3]);
  const b = np.zeros([4]);
  const x = np.random.uniform(-1, 1, [2, 3]);
  w.attachGrad();
  b.attachGrad();
  const step = (): void => {
    const loss = autograd.record(() =>
      npx
        .relu(npx.linear(x, w, b))
        .square()
        .mean(),
    );
    loss.backward();
  };
  for (let i = 0; i < 2_000; i++) step();
  await settle();
  const before = native().memoryStats();
  for (let i = 0; i < 20_000; i++) {
    step();
    if (i % 5_000 === 0) await new Promise((r) => setImmediate(r));
  }
  await settle();
  const after = native().memoryStats();
  assert.ok(after.liveBuffers < before.liveBuffers + 5_000, `${after.liveBuffers - before.liveBuffers} buffers still live`);
  assert.ok(after.liveBytes < before.liveBytes + 2 ** 20, `${after.liveBytes - before.liveBytes} bytes still live`);
});
