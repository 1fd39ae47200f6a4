// Shared helpers for the raw-addon tests: typed views over NativeBuffers and coded-error checks.
import assert from 'node:assert/strict';
import { loadNativeAddon } from '../../engine/backend/native-loader';
import { DTYPE_CODE, DEVICE_TYPE, type DTypeCode, type NativeBuffer, type NativeErrorCode } from '../../engine/backend/native-addon';

export const addon = loadNativeAddon();
export const { float32: F32, float64: F64, int32: I32, int64: I64, uint8: U8, bool: BOOL } = DTYPE_CODE;
export const CPU = DEVICE_TYPE.cpu;

type View = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

function viewFor(dtype: DTypeCode, n: number): View {
  switch (dtype) {
    case F32:
      return new Float32Array(n);
    case F64:
      return new Float64Array(n);
    case I32:
      return new Int32Array(n);
    case I64:
      return new BigInt64Array(n);
    default:
      return new Uint8Array(n);
  }
}

/** A cpu buffer holding `values` as `dtype` (or n uninitialised elements). */
export function buf(dtype: DTypeCode, values: ArrayLike<number> | number): NativeBuffer {
  const n = typeof values === 'number' ? values : values.length;
  const b = addon.alloc(CPU, 0, n * [4, 8, 4, 8, 1, 1][dtype]!);
  if (typeof values !== 'number') {
    const v = viewFor(dtype, n);
    for (let i = 0; i < n; i++) {
      if (v instanceof BigInt64Array) v[i] = BigInt(values[i]!);
      else v[i] = values[i]!;
    }
    addon.write(b, 0, v);
  }
  return b;
}

/** The first n elements of b as numbers. */
export function get(dtype: DTypeCode, b: NativeBuffer, n: number): number[] {
  const v = viewFor(dtype, n);
  addon.read(b, 0, v);
  return Array.from(v as ArrayLike<number | bigint>, (x) => Number(x));
}

export function throwsCode(fn: () => unknown, code: NativeErrorCode, message?: RegExp): void {
  assert.throws(fn, (err: Error & { code?: string }) => {
    assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${err.message}`);
    if (message) assert.match(err.message, message);
    return true;
  });
}

export async function rejectsCode(p: Promise<unknown>, code: NativeErrorCode): Promise<void> {
  await assert.rejects(p, (err: Error & { code?: string }) => {
    assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${err.message}`);
    return true;
  });
}

export function close(actual: number[], expected: number[], tol = 1e-6): void {
  assert.equal(actual.length, expected.length, 'length');
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!,
      e = expected[i]!;
    if (Number.isNaN(e)) {
      assert.ok(Number.isNaN(a), `[${i}]: expected NaN, got ${a}`);
      continue;
    }
    if (!Number.isFinite(e)) {
      assert.equal(a, e, `[${i}]`);
      continue;
    }
    assert.ok(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)), `[${i}]: ${a} vs ${e} (tol ${tol})`);
  }
}

/** Deterministic pseudo-random values in [-1, 1) for reference checks. */
export function seq(n: number, seed = 1): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}
