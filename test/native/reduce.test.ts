// Reductions and softmax against JS references.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REDUCE_OP as R } from '../../engine/backend/native-addon';
import { addon, BOOL, buf, close, F32, F64, get, I32, I64, seq } from './helpers';

/** JS reference: reduce contiguous x of `shape` over `axes` with f. */
function refReduce(x: number[], shape: number[], axes: number[], f: (v: number[]) => number): number[] {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const outShape = kept.map((i) => shape[i]!);
  const outN = outShape.reduce((a, b) => a * b, 1);
  const groups: number[][] = Array.from({ length: outN }, () => []);
  for (let flat = 0; flat < x.length; flat++) {
    let o = 0;
    for (const i of kept) o = o * shape[i]! + (Math.floor(flat / strides[i]!) % shape[i]!);
    groups[o]!.push(x[flat]!);
  }
  return groups.map(f);
}
const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);

function reduce(op: number, dtype: typeof F32 | typeof F64 | typeof I32, x: number[], shape: number[], axes: number[], outN: number) {
  const out = buf(dtype, outN);
  addon.reduce(op as never, dtype, buf(dtype, x), shape, axes, out);
  return get(dtype, out, outN);
}

test('sum / mean / max / min / prod over every axis subset of a rank-3 tensor', () => {
  const shape = [3, 4, 5];
  const x = seq(60, 11);
  const subsets = [[], [0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2]];
  for (const axes of subsets) {
    const outN = shape.filter((_, i) => !axes.includes(i)).reduce((a, b) => a * b, 1);
    close(reduce(R.sum, F64, x, shape, axes, outN), refReduce(x, shape, axes, sum), 1e-12);
    close(
      reduce(R.mean, F64, x, shape, axes, outN),
      refReduce(x, shape, axes, (v) => sum(v) / v.length),
      1e-12,
    );
    close(
      reduce(R.max, F64, x, shape, axes, outN),
      refReduce(x, shape, axes, (v) => Math.max(...v)),
      0,
    );
    close(
      reduce(R.min, F64, x, shape, axes, outN),
      refReduce(x, shape, axes, (v) => Math.min(...v)),
      0,
    );
    close(
      reduce(R.prod, F64, x, shape, axes, outN),
      refReduce(x, shape, axes, (v) => v.reduce((a, b) => a * b, 1)),
      1e-12,
    );
  }
});

test('large reductions (parallel, chunked) in float32 accumulate accurately', () => {
  const n = 1 << 20;
  const x = seq(n, 5);
  const ref = sum(x.map(Math.fround));
  close(reduce(R.sum, F32, x, [n], [0], 1), [ref], 1e-6);
  const shape = [512, 2048];
  for (const axes of [[0], [1]]) {
    const outN = axes[0] === 0 ? 2048 : 512;
    close(reduce(R.sum, F32, x, shape, axes, outN), refReduce(x.map(Math.fround), shape, axes, sum), 1e-5);
  }
});

test('argmax / argmin: first occurrence, NaN wins, int64 output', () => {
  const x = [1, 3, 3, 0, 2, 2, NaN, 2, 5, -1, -1, 5];
  const out = buf(I64, 4);
  addon.reduce(R.argmax, F64, buf(F64, x), [4, 3], [1], out);
  assert.deepEqual(get(I64, out, 4), [1, 1, 0, 2]);
  addon.reduce(R.argmin, F64, buf(F64, x), [4, 3], [1], out);
  assert.deepEqual(get(I64, out, 4), [0, 0, 0, 0]);
  const out3 = buf(I64, 3);
  addon.reduce(R.argmax, F64, buf(F64, x), [4, 3], [0], out3);
  assert.deepEqual(get(I64, out3, 3), [2, 0, 2]);
});

test('NaN propagates through max and min; empty extents give the identities', () => {
  close(reduce(R.max, F64, [1, NaN, 3], [3], [0], 1), [NaN]);
  close(reduce(R.min, F64, [NaN, 1, 3], [3], [0], 1), [NaN]);
  close(reduce(R.sum, F64, [], [2, 0], [1], 2), [0, 0]);
  close(reduce(R.prod, F64, [], [2, 0], [1], 2), [1, 1]);
  close(reduce(R.mean, F64, [], [2, 0], [1], 2), [NaN, NaN]);
});

test('integer and bool reductions', () => {
  assert.deepEqual(reduce(R.sum, I32, [1, 2, 3, 4, 5, 6], [2, 3], [1], 2), [6, 15]);
  assert.deepEqual(reduce(R.max, I32, [1, -2, 3, -4, 5, -6], [2, 3], [0], 3), [1, 5, 3]);
  const b = buf(BOOL, 2);
  addon.reduce(R.sum, BOOL, buf(BOOL, [0, 1, 0, 0, 0, 0]), [2, 3], [1], b);
  assert.deepEqual(get(BOOL, b, 2), [1, 0], 'bool sum is any');
});

function refSoftmax(x: number[], outer: number, len: number, inner: number, log: boolean): number[] {
  const y = new Array<number>(x.length);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const idx = (j: number) => (o * len + j) * inner + i;
      let mx = -Infinity;
      for (let j = 0; j < len; j++) mx = Math.max(mx, x[idx(j)]!);
      let s = 0;
      for (let j = 0; j < len; j++) s += Math.exp(x[idx(j)]! - mx);
      for (let j = 0; j < len; j++) y[idx(j)] = log ? x[idx(j)]! - mx - Math.log(s) : Math.exp(x[idx(j)]! - mx) / s;
    }
  return y;
}

test('softmax / log-softmax forward (plain and oneDNN paths) and stability', () => {
  for (const [outer, len, inner] of [
    [2, 5, 3],
    [64, 100, 1],
    [8, 30, 20],
  ] as const) {
    const n = outer * len * inner;
    const x = seq(n, 2).map((v) => v * 10);
    for (const log of [false, true]) {
      const ref = refSoftmax(x, outer, len, inner, log);
      const y64 = buf(F64, n),
        y32 = buf(F32, n);
      addon.softmax(F64, buf(F64, x), y64, outer, len, inner, log);
      addon.softmax(F32, buf(F32, x), y32, outer, len, inner, log);
      close(get(F64, y64, n), ref, 1e-12);
      close(get(F32, y32, n), ref, 2e-5);
    }
  }
  const y = buf(F64, 3);
  addon.softmax(F64, buf(F64, [1000, 1000, -1000]), y, 1, 3, 1, false);
  close(get(F64, y, 3), [0.5, 0.5, 0]);
});

test('softmaxBackward matches finite differences of sum(w * softmax(x))', () => {
  const [outer, len, inner] = [2, 4, 3];
  const n = outer * len * inner;
  const x = seq(n, 8),
    w = seq(n, 9);
  const h = 1e-6;
  for (const log of [false, true]) {
    const y = buf(F64, n),
      dx = buf(F64, n);
    addon.softmax(F64, buf(F64, x), y, outer, len, inner, log);
    addon.softmaxBackward(F64, y, buf(F64, w), dx, outer, len, inner, log);
    const loss = (xs: number[]) => sum(refSoftmax(xs, outer, len, inner, log).map((v, i) => v * w[i]!));
    const numeric = x.map((_, i) => {
      const p = x.slice(),
        m = x.slice();
      p[i]! += h;
      m[i]! -= h;
      return (loss(p) - loss(m)) / (2 * h);
    });
    close(get(F64, dx, n), numeric, 1e-6);
  }
});
