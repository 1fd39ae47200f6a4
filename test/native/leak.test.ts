// Long loops of small ops must not leak: live bytes return to where they were and RSS stays flat,
// whether buffers are disposed explicitly or left to the garbage collector.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { setImmediate as tick } from 'node:timers/promises';
import { addon, CPU, F32 } from './helpers';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const N = 100_000;

async function settle(): Promise<void> {
  // Finalizers of napi externals run after GC, from the event loop: collect, then yield to it.
  for (let i = 0; i < 3; i++) {
    gc();
    await tick();
  }
}

function loopWithDispose(): void {
  const shape = [16];
  const strides = [1];
  for (let i = 0; i < N; i++) {
    const a = addon.alloc(CPU, 0, 64),
      b = addon.alloc(CPU, 0, 64),
      out = addon.alloc(CPU, 0, 64);
    addon.fill(F32, a, 16, i);
    addon.binary(0, F32, a, strides, a, strides, out, shape);
    addon.dispose(a);
    addon.dispose(b);
    addon.dispose(out);
  }
}

test('100k alloc + binary + dispose loops free everything', async () => {
  await settle();
  const start = addon.memoryStats();
  loopWithDispose();
  const end = addon.memoryStats();
  assert.equal(end.liveBytes, start.liveBytes, 'dispose frees the storage at once');
  assert.equal(end.liveBuffers, start.liveBuffers);
  // The small JS handles go with GC (their finalizers run from the event loop), so RSS is
  // compared between two identical rounds: a leak would grow it again the second time.
  await settle();
  const rss1 = process.memoryUsage().rss;
  loopWithDispose();
  await settle();
  const grown = (process.memoryUsage().rss - rss1) / 2 ** 20;
  assert.ok(grown < 16, `RSS grew by ${grown.toFixed(1)} MiB in the second round`);
});

async function loopWithoutDispose(): Promise<number> {
  let peak = 0;
  for (let i = 0; i < N; i++) {
    const a = addon.alloc(CPU, 0, 4096);
    addon.fill(F32, a, 1024, 1);
    if (i % 10_000 === 0) {
      await tick(); // let queued finalizers run, as an app's event loop would
      peak = Math.max(peak, addon.memoryStats().liveBytes);
    }
  }
  return peak;
}

test('100k allocations left to the garbage collector are reclaimed', async () => {
  await settle();
  const start = addon.memoryStats();
  const peak = await loopWithoutDispose(); // 400 MB in total, never disposed
  await settle();
  const leftover = addon.memoryStats().liveBytes - start.liveBytes;
  assert.ok(leftover < 16 * 2 ** 20, `${leftover} bytes still live after GC`);
  assert.ok(peak < 256 * 2 ** 20, `AdjustExternalMemory should keep live memory bounded; peak ${peak}`);
  const rss1 = process.memoryUsage().rss;
  await loopWithoutDispose();
  await settle();
  const grown = (process.memoryUsage().rss - rss1) / 2 ** 20;
  assert.ok(grown < 32, `RSS grew by ${grown.toFixed(1)} MiB in the second round`);
});
