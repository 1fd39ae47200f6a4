// Buffers: alloc / read / write / dispose, the memory budget, devices and the loader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEVICE_TYPE } from '../../engine/backend/native-addon';
import { loadAddonFrom, loadNativeAddon, nativeAddonCandidates } from '../../engine/backend/native-loader';
import { addon, buf, CPU, F32, get, throwsCode, U8 } from './helpers';

// Why gpu(i) is unavailable, whichever the build (stub or CUDA) and machine (no driver, no GPU).
const NO_GPU = /built without CUDA support|no NVIDIA driver|no CUDA device|BLOCKSMITH_CUDA=0/;

test('capabilities report oneDNN, threads and CUDA (the stub, or why there is no GPU)', () => {
  const caps = addon.capabilities();
  assert.equal(caps.dnnl, true);
  assert.match(caps.dnnlVersion, /^2\.\d+\.\d+$/);
  if (!caps.cuda) assert.match(caps.cudaReason, /built without CUDA support/);
  if (addon.numGpus() === 0) assert.match(caps.cudaReason, NO_GPU);
  assert.ok(caps.threads >= 1);
  assert.equal(loadNativeAddon(), addon, 'the loader caches the addon');
});

test('write then read round-trips bytes, at offsets, through any view type', () => {
  const b = addon.alloc(CPU, 0, 16);
  addon.write(b, 0, new Float32Array([1, 2, 3, 4]));
  assert.deepEqual(get(F32, b, 4), [1, 2, 3, 4]);
  addon.write(b, 4, new Uint8Array(new Float32Array([9]).buffer));
  const out = new Float32Array(2);
  addon.read(b, 4, out);
  assert.deepEqual(Array.from(out), [9, 3]);
  const dv = new DataView(new ArrayBuffer(4));
  addon.read(b, 12, dv);
  assert.equal(dv.getFloat32(0, true), 4);
  // A view into the middle of a larger ArrayBuffer copies only its own bytes.
  const backing = new Float32Array([7, 8, 9, 10]);
  addon.write(b, 0, backing.subarray(1, 3));
  assert.deepEqual(get(F32, b, 4), [8, 9, 3, 4]);
  throwsCode(() => addon.write(b, 12, new Float32Array(2)), 'E_OUT_OF_BOUNDS');
  throwsCode(() => addon.read(b, 17, new Uint8Array(0)), 'E_OUT_OF_BOUNDS');
  throwsCode(() => addon.read(b, -1, new Uint8Array(1)), 'E_NATIVE_ARGS');
  throwsCode(() => addon.write(b, 0, [1, 2] as unknown as Float32Array), 'E_NATIVE_ARGS');
  addon.dispose(b);
});

test('bufferInfo, dispose is idempotent, and use after dispose throws E_DISPOSED', () => {
  const b = addon.alloc(CPU, 0, 8);
  assert.deepEqual(addon.bufferInfo(b), { deviceType: DEVICE_TYPE.cpu, deviceId: 0, byteLength: 8, disposed: false });
  addon.dispose(b);
  addon.dispose(b);
  assert.equal(addon.bufferInfo(b).disposed, true);
  throwsCode(() => addon.read(b, 0, new Uint8Array(1)), 'E_DISPOSED');
  throwsCode(() => addon.write(b, 0, new Uint8Array(1)), 'E_DISPOSED');
  throwsCode(() => addon.fill(F32, b, 1, 0), 'E_DISPOSED');
  const live = buf(F32, [1, 2]);
  throwsCode(() => addon.unary(0, F32, live, b, 2), 'E_DISPOSED', /out was used after dispose/);
});

test('zero-byte buffers are valid and kernels with n = 0 touch nothing', () => {
  const z = addon.alloc(CPU, 0, 0);
  assert.equal(addon.bufferInfo(z).byteLength, 0);
  addon.read(z, 0, new Uint8Array(0));
  addon.write(z, 0, new Float32Array(0));
  addon.fill(F32, z, 0, 1);
  addon.unary(0, F32, z, z, 0);
  addon.binary(0, F32, z, [1], z, [1], z, [0]);
  addon.copyStrided(F32, z, 0, [1, 1], z, 0, [1, 1], [0, 5]);
  addon.matmul(F32, z, z, z, 0, 3, 3, 3, false, false, 9, 9);
  throwsCode(() => addon.fill(F32, z, 1, 0), 'E_OUT_OF_BOUNDS');
  addon.dispose(z);
});

test('memory budget: over-budget alloc fails before allocating; stats track live and peak', () => {
  const before = addon.memoryStats();
  assert.ok(before.budgetBytes > 0);
  throwsCode(() => addon.alloc(CPU, 0, 1e12), 'E_OUT_OF_MEMORY', /budget/);
  assert.equal(addon.memoryStats().liveBytes, before.liveBytes, 'nothing was allocated');
  const b = addon.alloc(CPU, 0, 1 << 20);
  const during = addon.memoryStats();
  assert.equal(during.liveBytes, before.liveBytes + (1 << 20));
  assert.equal(during.liveBuffers, before.liveBuffers + 1);
  assert.ok(during.peakBytes >= during.liveBytes);
  addon.dispose(b);
  assert.equal(addon.memoryStats().liveBytes, before.liveBytes);

  addon.setMemoryBudget(before.liveBytes + 1000);
  try {
    const ok = addon.alloc(CPU, 0, 1000);
    throwsCode(() => addon.alloc(CPU, 0, 1), 'E_OUT_OF_MEMORY');
    addon.dispose(ok);
    addon.dispose(addon.alloc(CPU, 0, 1000));
  } finally {
    addon.setMemoryBudget(before.budgetBytes);
  }
  assert.equal(addon.memoryStats().budgetBytes, before.budgetBytes);
  throwsCode(() => addon.setMemoryBudget(-1), 'E_NATIVE_ARGS');
});

test('alloc validates its arguments; gpu buffers throw E_NO_CUDA', () => {
  if (addon.numGpus() === 0) throwsCode(() => addon.alloc(DEVICE_TYPE.gpu, 0, 16), 'E_NO_CUDA', NO_GPU);
  throwsCode(() => addon.alloc(3 as 1, 0, 16), 'E_NATIVE_ARGS');
  throwsCode(() => addon.alloc(CPU, 1, 16), 'E_NATIVE_ARGS');
  throwsCode(() => addon.alloc(CPU, 0, -1), 'E_NATIVE_ARGS');
  throwsCode(() => addon.alloc(CPU, 0, 1.5), 'E_NATIVE_ARGS');
  throwsCode(() => addon.alloc(CPU, 0, NaN), 'E_NATIVE_ARGS');
  throwsCode(() => addon.alloc(CPU, 0, 2 ** 60), 'E_NATIVE_ARGS');
  throwsCode(() => (addon.alloc as unknown as (a: number) => unknown)(CPU), 'E_NATIVE_ARGS', /expected 3 arguments/);
});

test('copyBytes copies between buffers and within one (overlap-safe)', () => {
  const a = buf(U8, [1, 2, 3, 4, 5, 6]);
  const b = buf(U8, 6);
  addon.copyBytes(a, 1, b, 0, 5);
  assert.deepEqual(get(U8, b, 5), [2, 3, 4, 5, 6]);
  addon.copyBytes(a, 0, a, 2, 4);
  assert.deepEqual(get(U8, a, 6), [1, 2, 1, 2, 3, 4]);
  throwsCode(() => addon.copyBytes(a, 3, b, 0, 4), 'E_OUT_OF_BOUNDS');
  throwsCode(() => addon.copyBytes(a, 0, b, 3, 4), 'E_OUT_OF_BOUNDS');
});

test('things that are not NativeBuffers are rejected with E_NATIVE_ARGS', () => {
  const x = buf(F32, [1]);
  for (const bad of [new Float32Array(1), {}, null, undefined, 1, 'buf']) {
    throwsCode(() => addon.unary(0, F32, bad as never, x, 1), 'E_NATIVE_ARGS', /x must be a NativeBuffer/);
    throwsCode(() => addon.dispose(bad as never), 'E_NATIVE_ARGS');
  }
});

test('the loader tries its candidates in order and fails with one actionable message', () => {
  const candidates = nativeAddonCandidates();
  assert.match(candidates.at(-1)!, /native\/build\/Release\/blocksmith_native\.node$/);
  assert.ok(candidates.some((p) => p.includes(`prebuilds/${process.platform}-${process.arch}/`)));
  const notAnAddon = new URL('../../package.json', import.meta.url).pathname;
  assert.throws(
    () => loadAddonFrom(['/nonexistent/blocksmith_native.node', notAnAddon]),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, 'E_NATIVE_LOAD');
      assert.match(err.message, /\/nonexistent\/blocksmith_native\.node: not found/);
      assert.ok(err.message.includes(notAnAddon), 'every candidate is listed');
      assert.match(err.message, /npm run build:native/);
      assert.match(err.message, /libdnnl-dev|brew install onednn/);
      return true;
    },
  );
});
