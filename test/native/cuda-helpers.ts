// Shared by the cuda-*.test.ts suites: whether gpu(0) can run (and why not), buffers holding the
// same values on cpu(0) and gpu(0), and comparisons of a GPU result with the CPU one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEVICE_TYPE, type DTypeCode, type NativeBuffer } from '../../engine/backend/native-addon';
import { addon, F32, F64, I32, I64 } from './helpers';

/**
 * BLOCKSMITH_CUDA_TEST_SELFCHECK=1 runs these suites with cpu(0) standing in for gpu(0): it proves
 * nothing about CUDA, but checks the suites themselves (valid shapes, strides, argument lists) on
 * machines without a GPU, so the first GPU run fails only on real GPU problems.
 */
export const selfCheck = process.env.BLOCKSMITH_CUDA_TEST_SELFCHECK === '1';

/** false when gpu(0) is usable, else the addon's reason (printed as the skip message). */
export const gpuSkip: string | false = selfCheck || addon.numGpus() > 0 ? false : `no GPU: ${addon.capabilities().cudaReason || 'numGpus() is 0'}`;

/** `npm run test:gpu` sets BLOCKSMITH_REQUIRE_GPU=1: there, a missing GPU is a failure, not a skip. */
export function requireGpuTest(): void {
  if (process.env.BLOCKSMITH_REQUIRE_GPU === '1' && gpuSkip) {
    test('a GPU is required (BLOCKSMITH_REQUIRE_GPU=1)', () => assert.fail(gpuSkip as string));
  } else if (gpuSkip) {
    console.log(`# gpu cases skipped: ${gpuSkip}`);
  }
}

export const BYTES = [4, 8, 4, 8, 1, 1] as const;
export const GPU = selfCheck ? DEVICE_TYPE.cpu : DEVICE_TYPE.gpu;

/** Seeded values (mulberry32), so a failure can be reproduced; the seed is printed on mismatch. */
export function randoms(n: number, seed: number, lo = -2, hi = 2, integer = false): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    const v = lo + (hi - lo) * u;
    out.push(integer ? Math.floor(v) : v);
  }
  return out;
}

let seedCounter = Date.now() % 100000;
/** Fresh inputs each run (the issue asks for fresh random inputs); the seed goes in messages. */
export function freshSeed(): number {
  return seedCounter++;
}

export interface Pair {
  cpu: NativeBuffer;
  gpu: NativeBuffer;
}

function typed(dtype: DTypeCode, values: ArrayLike<number>): ArrayBufferView {
  switch (dtype) {
    case F32:
      return Float32Array.from(values);
    case F64:
      return Float64Array.from(values);
    case I32:
      return Int32Array.from(values);
    case I64:
      return BigInt64Array.from(Array.from(values, (v) => BigInt(Math.trunc(v))));
    default:
      return Uint8Array.from(values);
  }
}

/** The same values on both devices (or n uninitialised elements). */
export function pair(dtype: DTypeCode, values: ArrayLike<number> | number): Pair {
  const n = typeof values === 'number' ? values : values.length;
  const cpu = addon.alloc(DEVICE_TYPE.cpu, 0, n * BYTES[dtype]);
  const gpu = addon.alloc(GPU, 0, n * BYTES[dtype]);
  if (typeof values !== 'number') {
    const v = typed(dtype, values);
    addon.write(cpu, 0, v);
    addon.write(gpu, 0, v);
  }
  return { cpu, gpu };
}

export function readAll(dtype: DTypeCode, b: NativeBuffer, n: number): number[] {
  const v = typed(dtype, new Array<number>(n).fill(0));
  addon.read(b, 0, v);
  return Array.from(v as unknown as ArrayLike<number | bigint>, Number);
}

/**
 * |gpu - cpu| <= rtol * |cpu| + atol elementwise, NaN matching NaN. atol is a floor for results
 * near zero, where a relative error means nothing (gelu's 1 + erf(x) cancels for negative x).
 */
export function assertClose(what: string, dtype: DTypeCode, p: Pair, n: number, rtol: number, atol = 1e-6): void {
  const c = readAll(dtype, p.cpu, n),
    g = readAll(dtype, p.gpu, n);
  for (let i = 0; i < n; i++) {
    const a = g[i]!,
      b = c[i]!;
    if (Number.isNaN(b) && Number.isNaN(a)) continue;
    if (a === b) continue;
    if (!(Math.abs(a - b) <= rtol * Math.abs(b) + atol)) {
      assert.fail(`${what}: element ${i} of ${n}: gpu ${a}, cpu ${b} (rel ${Math.abs(a - b) / Math.abs(b)}, rtol ${rtol})`);
    }
  }
}

/**
 * For GEMM: |gpu - cpu| <= rtol * (|A|·|B|)_ij elementwise. A sum of k products loses precision
 * relative to the size of its terms, not of its (possibly cancelled) result, so that is the scale
 * a relative error of a dot product is measured against (as in BLAS error bounds).
 */
export function assertCloseScaled(what: string, dtype: DTypeCode, p: Pair, n: number, scale: readonly number[], rtol: number): void {
  const c = readAll(dtype, p.cpu, n),
    g = readAll(dtype, p.gpu, n);
  for (let i = 0; i < n; i++) {
    const tol = rtol * scale[i]! + 1e-6;
    if (!(Math.abs(g[i]! - c[i]!) <= tol)) {
      assert.fail(`${what}: element ${i} of ${n}: gpu ${g[i]}, cpu ${c[i]}, |A||B| ${scale[i]} (rtol ${rtol})`);
    }
  }
}

export function assertEqual(what: string, dtype: DTypeCode, p: Pair, n: number): void {
  assert.deepEqual(readAll(dtype, p.gpu, n), readAll(dtype, p.cpu, n), what);
}

export function free(...pairs: Pair[]): void {
  for (const p of pairs) {
    addon.dispose(p.cpu);
    addon.dispose(p.gpu);
  }
}

/** Row-major strides of a shape, with 0 for broadcast (extent-1 in `from`, wider in `to`). */
export function broadcastStrides(from: readonly number[], to: readonly number[]): number[] {
  const out = new Array<number>(to.length).fill(0);
  let s = 1;
  for (let i = from.length - 1, j = to.length - 1; i >= 0; i--, j--) {
    out[j] = from[i] === 1 && to[j] !== 1 ? 0 : s;
    s *= from[i]!;
  }
  return out;
}

export const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
