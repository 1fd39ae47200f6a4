// Shared helpers for the engine/io tests: sample tensors of every dtype, an IoError assertion and
// a python3+numpy runner for the cross-checks.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IoError, type IoErrorCode } from '../../../engine/io/io-error';
import type { HostTensor, IoDType } from '../../../engine/io/host-tensor';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const SHARED_FIXTURES = resolve(REPO_ROOT, '..', 'shared', 'fixtures');

export function fixturePath(...parts: string[]): string | undefined {
  const p = resolve(SHARED_FIXTURES, ...parts);
  return existsSync(p) ? p : undefined;
}

/** A deterministic tensor of the given dtype and shape, with edge values mixed in. */
export function sample(dtype: IoDType, shape: number[]): HostTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  switch (dtype) {
    case 'float32':
      return { dtype, shape, data: Float32Array.from({ length: n }, (_, i) => [0.5, -1.25, 3e38, -0, 1e-40][i % 5]! * (i + 1)) };
    case 'float64':
      return { dtype, shape, data: Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? Math.PI * i : -1e300 / (i + 1))) };
    case 'int32':
      return { dtype, shape, data: Int32Array.from({ length: n }, (_, i) => (i % 2 ? -2147483648 + i : 2147483647 - i)) };
    case 'int64':
      return { dtype, shape, data: BigInt64Array.from({ length: n }, (_, i) => (i % 2 ? -(2n ** 63n) + BigInt(i) : 2n ** 62n + BigInt(i))) };
    case 'uint8':
      return { dtype, shape, data: Uint8Array.from({ length: n }, (_, i) => (i * 37) & 255) };
    case 'bool':
      return { dtype, shape, data: Uint8Array.from({ length: n }, (_, i) => (i % 3 === 1 ? 1 : 0)) };
  }
}

export const ALL_DTYPES: IoDType[] = ['float32', 'float64', 'int32', 'int64', 'uint8', 'bool'];
export const SHAPES: number[][] = [[], [0, 3], [5], [2, 3, 4], [300, 70]];

/** Compare tensors exactly (bitwise for floats, so -0 and NaN payloads count). */
export function assertSameTensor(actual: HostTensor, expected: HostTensor, label = ''): void {
  assert.equal(actual.dtype, expected.dtype, `${label} dtype`);
  assert.deepEqual(actual.shape, expected.shape, `${label} shape`);
  assert.equal(actual.data.constructor, expected.data.constructor, `${label} array type`);
  const a = new Uint8Array(actual.data.buffer, actual.data.byteOffset, actual.data.byteLength);
  const e = new Uint8Array(expected.data.buffer, expected.data.byteOffset, expected.data.byteLength);
  assert.ok(Buffer.from(a).equals(Buffer.from(e)), `${label} data differs`);
}

/** Run fn, expect an IoError with this code whose message names the file and, by default, a byte offset. */
export function assertIoError(fn: () => unknown, code: IoErrorCode, file: string, opts: { offset?: boolean; match?: RegExp } = {}): IoError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof IoError, `expected IoError ${code}, got ${caught === undefined ? 'no error' : String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.ok(caught.message.includes(file), `message names the file: ${caught.message}`);
  if (opts.offset !== false) {
    assert.ok(typeof caught.offset === 'number', `offset property: ${caught.message}`);
    assert.match(caught.message, /at byte \d+/);
  }
  if (opts.match) assert.match(caught.message, opts.match);
  return caught;
}

/** Every strict prefix of `bytes` must be refused with an IoError (never a crash or a hang). */
export function assertEveryPrefixFails(bytes: Uint8Array, read: (b: Uint8Array) => unknown, file: string): void {
  for (let n = 0; n < bytes.length; n++) {
    let caught: unknown;
    try {
      read(bytes.subarray(0, n));
    } catch (e) {
      caught = e;
    }
    assert.ok(caught instanceof IoError, `prefix of ${n}/${bytes.length} bytes: expected IoError, got ${caught === undefined ? 'success' : String(caught)}`);
    assert.ok(caught.message.includes(file), caught.message);
  }
}

let numpyChecked: string | undefined | null = null;
/** Why numpy cross-checks cannot run here, or undefined when python3 with numpy is available. */
export function numpyUnavailable(): string | undefined {
  if (numpyChecked === null) {
    const r = spawnSync('python3', ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' });
    numpyChecked = r.status === 0 ? undefined : `python3 with numpy is not available (${(r.stderr || r.error?.message || '').trim().split('\n').pop()})`;
  }
  return numpyChecked;
}

/** Run a python3 script with args; returns stdout, throws with stderr on failure. */
export function python(script: string, args: string[] = []): string {
  const r = spawnSync('python3', ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`python3 failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}
