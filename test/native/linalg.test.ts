// matmul and linear (sync and async) against a JS reference, on both the oneDNN (float32, large)
// and the plain (float64, ints, tiny) paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UNARY_OP as U } from '../../engine/backend/native-addon';
import { addon, buf, close, F32, F64, get, I32, I64, seq } from './helpers';

interface MM {
  batch: number;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  aBS: number;
  bBS: number;
}

function refMatmul(a: number[], b: number[], p: MM): number[] {
  const out: number[] = [];
  for (let q = 0; q < p.batch; q++)
    for (let i = 0; i < p.m; i++)
      for (let j = 0; j < p.n; j++) {
        let s = 0;
        for (let t = 0; t < p.k; t++) {
          const av = a[q * p.aBS + (p.transA ? t * p.m + i : i * p.k + t)]!;
          const bv = b[q * p.bBS + (p.transB ? j * p.k + t : t * p.n + j)]!;
          s += av * bv;
        }
        out.push(s);
      }
  return out;
}

function runMatmul(dtype: number, p: MM, a: number[], b: number[]): number[] {
  const out = buf(dtype as never, p.batch * p.m * p.n);
  addon.matmul(dtype as never, buf(dtype as never, a), buf(dtype as never, b), out, p.batch, p.m, p.n, p.k, p.transA, p.transB, p.aBS, p.bBS);
  return get(dtype as never, out, p.batch * p.m * p.n);
}

test('matmul: every transpose combination, batched and broadcast, float32 (oneDNN) and float64', () => {
  for (const [m, n, k] of [
    [2, 3, 4],
    [20, 30, 17],
  ] as const)
    for (const transA of [false, true])
      for (const transB of [false, true])
        for (const [aB, bB] of [
          [1, 1],
          [1, 0],
          [0, 1],
          [0, 0],
        ] as const) {
          const batch = 3;
          const p: MM = { batch, m, n, k, transA, transB, aBS: aB * m * k, bBS: bB * k * n };
          const a = seq(batch * m * k, m + k),
            b = seq(batch * k * n, n + 1);
          const ref = refMatmul(a, b, p);
          close(runMatmul(F64, p, a, b), ref, 1e-12);
          close(runMatmul(F32, p, a, b), ref, 1e-5);
        }
});

test('matmul: overlapping and padded batch strides, k = 0, integer dtypes', () => {
  const [m, n, k] = [16, 16, 16];
  const a = seq(4 * m * k, 1),
    b = seq(4 * k * n, 2);
  for (const [aBS, bBS] of [
    [k, n],
    [m * k + 5, 0],
    [1, 1],
  ]) {
    const p: MM = { batch: 3, m, n, k, transA: false, transB: true, aBS, bBS };
    close(runMatmul(F32, p, a, b), refMatmul(a, b, p), 1e-5);
  }
  const zero: MM = { batch: 2, m: 2, n: 3, k: 0, transA: false, transB: false, aBS: 0, bBS: 0 };
  const out = buf(F32, 6 * 2);
  addon.fill(F32, out, 12, 7);
  addon.matmul(F32, buf(F32, 0), buf(F32, 0), out, 2, 2, 3, 0, false, false, 0, 0);
  assert.deepEqual(get(F32, out, 12), new Array(12).fill(0), JSON.stringify(zero));
  const ia = [1, 2, 3, 4, 5, 6],
    ib = [7, 8, 9, 10, 11, 12];
  const ip: MM = { batch: 1, m: 2, n: 2, k: 3, transA: false, transB: false, aBS: 0, bBS: 0 };
  assert.deepEqual(runMatmul(I32, ip, ia, ib), [58, 64, 139, 154]);
  assert.deepEqual(runMatmul(I64, { ...ip, transB: true, n: 2 }, ia, ib), [50, 68, 122, 167]);
});

const acts: Record<number, (x: number) => number> = {
  [-1]: (x) => x,
  [U.relu]: (x) => Math.max(0, x),
  [U.sigmoid]: (x) => 1 / (1 + Math.exp(-x)),
  [U.tanh]: Math.tanh,
  [U.softrelu]: (x) => Math.log1p(Math.exp(x)),
  [U.square]: (x) => x * x,
  [U.abs]: Math.abs,
};

function refLinear(x: number[], w: number[], bias: number[] | null, rows: number, inU: number, outU: number, act: (v: number) => number) {
  const out: number[] = [];
  for (let r = 0; r < rows; r++)
    for (let o = 0; o < outU; o++) {
      let s = bias ? bias[o]! : 0;
      for (let i = 0; i < inU; i++) s += x[r * inU + i]! * w[o * inU + i]!;
      out.push(act(s));
    }
  return out;
}

test('linear with each fused / unfused activation, with and without bias', () => {
  for (const [rows, inU, outU] of [
    [2, 3, 4],
    [32, 40, 24],
  ] as const) {
    const x = seq(rows * inU, 3),
      w = seq(outU * inU, 4),
      bias = seq(outU, 5);
    for (const [code, f] of Object.entries(acts)) {
      for (const withBias of [true, false]) {
        const ref = refLinear(x, w, withBias ? bias : null, rows, inU, outU, f);
        for (const [dtype, tol] of [
          [F64, 1e-12],
          [F32, 2e-5],
        ] as const) {
          const out = buf(dtype, rows * outU);
          addon.linear(dtype, buf(dtype, x), buf(dtype, w), withBias ? buf(dtype, bias) : null, out, rows, inU, outU, Number(code));
          close(get(dtype, out, rows * outU), ref, tol);
        }
      }
    }
  }
  // gelu (erf form), checked on a value computed by hand: gelu(1) = 0.8413447460685429
  const out = buf(F64, 1);
  addon.linear(F64, buf(F64, [1]), buf(F64, [1]), null, out, 1, 1, 1, U.gelu);
  close(get(F64, out, 1), [0.8413447460685429], 1e-12);
  // inUnits = 0: act(bias)
  addon.linear(F64, buf(F64, 0), buf(F64, 0), buf(F64, [-2]), out, 1, 0, 1, U.relu);
  assert.deepEqual(get(F64, out, 1), [0]);
});

test('one-row linear above the column-split size (slices of the output units, a remainder slice), fused and unfused activations', () => {
  // 520 → 600: 312 000 multiply-adds, split into slices of whole 16-unit groups with a shorter last one.
  const [inU, outU] = [520, 600];
  const x = seq(inU, 6),
    w = seq(outU * inU, 7),
    bias = seq(outU, 8);
  for (const code of [-1, U.relu, U.softrelu]) {
    for (const withBias of [true, false]) {
      const out = buf(F32, outU);
      addon.linear(F32, buf(F32, x), buf(F32, w), withBias ? buf(F32, bias) : null, out, 1, inU, outU, code);
      close(get(F32, out, outU), refLinear(x, w, withBias ? bias : null, 1, inU, outU, acts[code]!), 2e-4);
    }
  }
});

test('matmulAsync / linearAsync resolve with the same result as the sync calls', async () => {
  const [m, n, k] = [64, 48, 80];
  const a = buf(F32, seq(m * k, 1)),
    b = buf(F32, seq(k * n, 2));
  const s = buf(F32, m * n),
    as = buf(F32, m * n);
  addon.matmul(F32, a, b, s, 1, m, n, k, false, false, 0, 0);
  await addon.matmulAsync(F32, a, b, as, 1, m, n, k, false, false, 0, 0);
  assert.deepEqual(get(F32, as, m * n), get(F32, s, m * n));
  const d = buf(F64, m * n),
    ad = buf(F64, m * n);
  const a64 = buf(F64, seq(m * k, 1)),
    b64 = buf(F64, seq(k * n, 2));
  addon.matmul(F64, a64, b64, d, 1, m, n, k, false, true, 0, 0);
  await addon.matmulAsync(F64, a64, b64, ad, 1, m, n, k, false, true, 0, 0);
  assert.deepEqual(get(F64, ad, m * n), get(F64, d, m * n));

  const bias = buf(F32, seq(n, 3));
  const w = buf(F32, seq(n * k, 4));
  addon.linear(F32, a, w, bias, s, m, k, n, U.tanh);
  await addon.linearAsync(F32, a, w, bias, as, m, k, n, U.tanh);
  assert.deepEqual(get(F32, as, m * n), get(F32, s, m * n));
});

test('async work keeps its buffers alive across dispose()', async () => {
  const N = 256;
  const a = buf(F32, seq(N * N, 1)),
    b = buf(F32, seq(N * N, 2)),
    out = buf(F32, N * N),
    ref = buf(F32, N * N);
  addon.matmul(F32, a, b, ref, 1, N, N, N, false, false, 0, 0);
  const pending = addon.matmulAsync(F32, a, b, out, 1, N, N, N, false, false, 0, 0);
  addon.dispose(a);
  addon.dispose(b);
  const held = addon.memoryStats().liveBytes;
  await pending;
  assert.equal(addon.bufferInfo(a).disposed, true);
  assert.deepEqual(get(F32, out, N * N), get(F32, ref, N * N), 'the worker read a and b after dispose()');
  // Once the worker lets go, a and b are really freed (other tests' garbage may be freed too).
  assert.ok(addon.memoryStats().liveBytes <= held - 2 * N * N * 4, 'freed once the worker let go');
  const many = await Promise.all(
    Array.from({ length: 8 }, async () => {
      const x = buf(F64, seq(32 * 32)),
        y = buf(F64, 32 * 32);
      await addon.matmulAsync(F64, x, x, y, 1, 32, 32, 32, false, false, 0, 0);
      return get(F64, y, 1)[0];
    }),
  );
  assert.ok(many.every((v) => v === many[0]));
});

test('many async matmuls and linears in flight beside sync work give the sync results', async () => {
  const shapes = [
    [17, 33, 65],
    [64, 64, 64],
    [128, 40, 96],
    [5, 300, 7],
  ] as const;
  const jobs: Promise<void>[] = [];
  const checks: (() => void)[] = [];
  for (let rep = 0; rep < 4; rep++)
    for (const [m, n, k] of shapes) {
      const a = buf(F32, seq(m * k, m + rep)),
        b = buf(F32, seq(k * n, n + rep));
      const ref = buf(F32, m * n),
        out = buf(F32, m * n);
      addon.matmul(F32, a, b, ref, 1, m, n, k, false, true, 0, 0);
      jobs.push(addon.matmulAsync(F32, a, b, out, 1, m, n, k, false, true, 0, 0));
      checks.push(() => assert.deepEqual(get(F32, out, m * n), get(F32, ref, m * n)));
      const lref = buf(F32, m * n),
        lout = buf(F32, m * n);
      addon.linear(F32, a, b, null, lref, m, k, n, U.sigmoid);
      jobs.push(addon.linearAsync(F32, a, b, null, lout, m, k, n, U.sigmoid));
      checks.push(() => assert.deepEqual(get(F32, lout, m * n), get(F32, lref, m * n)));
      // sync oneDNN work on the main thread while workers run
      const big = buf(F32, seq(8192, rep));
      addon.unary(U.tanh, F32, big, big, 8192);
    }
  await Promise.all(jobs);
  for (const check of checks) check();
});
