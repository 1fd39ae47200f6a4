// Philox4x32-10 streams: deterministic, counter-addressable, and roughly the right distribution.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addon, buf, F32, F64, get } from './helpers';

function uniform(dtype: typeof F32 | typeof F64, n: number, seed: number, counter: number, lo = 0, hi = 1): number[] {
  const b = buf(dtype, n);
  addon.randomUniform(dtype, b, n, lo, hi, seed, counter);
  const out = get(dtype, b, n);
  addon.dispose(b);
  return out;
}

function normal(dtype: typeof F32 | typeof F64, n: number, seed: number, counter: number, mean = 0, std = 1): number[] {
  const b = buf(dtype, n);
  addon.randomNormal(dtype, b, n, mean, std, seed, counter);
  const out = get(dtype, b, n);
  addon.dispose(b);
  return out;
}

test('the stream is Philox4x32-10: Random123 known-answer vector for key 0, counter 0', () => {
  // float64 uniform in [0, 1) is word * 2^-32 exactly, so the raw words can be read back.
  const words = uniform(F64, 4, 0, 0).map((u) => u * 2 ** 32);
  assert.deepEqual(words, [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
});

test('same seed and counter give identical numbers; another seed differs', () => {
  assert.deepEqual(uniform(F32, 1000, 42, 7), uniform(F32, 1000, 42, 7));
  assert.deepEqual(normal(F64, 1000, 42, 7), normal(F64, 1000, 42, 7));
  assert.notDeepEqual(uniform(F32, 16, 42, 7), uniform(F32, 16, 43, 7));
  assert.notDeepEqual(uniform(F32, 16, 2 ** 40, 0), uniform(F32, 16, 2 ** 40 + 2 ** 33, 0), 'high seed bits matter');
});

test('counter k gives the tail of a longer draw (4 numbers per block)', () => {
  assert.deepEqual(uniform(F32, 8, 5, 0).slice(4), uniform(F32, 4, 5, 1));
  assert.deepEqual(normal(F64, 8, 5, 0).slice(4), normal(F64, 4, 5, 1));
  // A large draw (split over threads) agrees with the same range drawn on its own.
  const long = uniform(F64, 200000, 9, 3);
  assert.deepEqual(long.slice(100000, 100010), uniform(F64, 10, 9, 3 + 25000));
  // n not a multiple of 4: the prefix is the same stream.
  assert.deepEqual(uniform(F32, 7, 5, 0), uniform(F32, 8, 5, 0).slice(0, 7));
});

function moments(v: number[]): { mean: number; variance: number } {
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const variance = v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length;
  return { mean, variance };
}

test('uniform: in [low, high), mean and variance near (a+b)/2 and (b-a)^2/12', () => {
  for (const dtype of [F32, F64] as const) {
    const v = uniform(dtype, 200000, 1234, 0, -2, 6);
    assert.ok(
      v.every((x) => x >= -2 && x < 6),
      'range',
    );
    const { mean, variance } = moments(v);
    assert.ok(Math.abs(mean - 2) < 0.03, `mean ${mean}`);
    assert.ok(Math.abs(variance - 64 / 12) < 0.06, `variance ${variance}`);
  }
});

test('normal: mean and std near the requested ones, finite everywhere', () => {
  for (const dtype of [F32, F64] as const) {
    const v = normal(dtype, 200000, 99, 0, 3, 0.5);
    assert.ok(v.every(Number.isFinite));
    const { mean, variance } = moments(v);
    assert.ok(Math.abs(mean - 3) < 0.01, `mean ${mean}`);
    assert.ok(Math.abs(Math.sqrt(variance) - 0.5) < 0.01, `std ${Math.sqrt(variance)}`);
    const within1 = v.filter((x) => Math.abs(x - 3) < 0.5).length / v.length;
    assert.ok(Math.abs(within1 - 0.6827) < 0.01, `P(|z|<1) = ${within1}`);
  }
});
