// The fused training and inference entry points against the unfused kernels they replace:
// linearBackward == unaryBackward + two matmuls + a column sum (bit for bit), optimizerUpdate ==
// the optimizers' formulas (float tolerance), linearPlan == one linear call per layer (bit for bit,
// or within float32 rounding where it multiplies by packed weights),
// and their argument checks.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OPTIMIZER_KIND, REDUCE_OP, UNARY_OP, type DTypeCode, type NativeBuffer } from '../../engine/backend/native-addon';
import { addon, buf, F32, F64, get, throwsCode } from './helpers';

function randoms(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

interface Case {
  rows: number;
  inUnits: number;
  outUnits: number;
}
// Small ones run the plain kernels, larger ones oneDNN (rows·in·out ≥ 4096), one multi-threaded.
const CASES: Case[] = [
  { rows: 1, inUnits: 3, outUnits: 2 },
  { rows: 5, inUnits: 33, outUnits: 31 },
  { rows: 64, inUnits: 200, outUnits: 130 },
];

describe('linearBackward', () => {
  for (const dtype of [F32, F64] as DTypeCode[]) {
    for (const act of [-1, UNARY_OP.relu, UNARY_OP.sigmoid, UNARY_OP.tanh]) {
      for (const { rows, inUnits, outUnits } of CASES) {
        test(`dtype ${dtype} act ${act} ${rows}x${inUnits}->${outUnits} equals the unfused kernels exactly`, () => {
          const x = buf(dtype, randoms(rows * inUnits, 1));
          const w = buf(dtype, randoms(outUnits * inUnits, 2));
          const b = buf(dtype, randoms(outUnits, 3));
          const y = buf(dtype, rows * outUnits);
          addon.linear(dtype, x, w, b, y, rows, inUnits, outUnits, act);
          const dy = buf(dtype, randoms(rows * outUnits, 4));
          const dx = buf(dtype, rows * inUnits);
          const dw = buf(dtype, outUnits * inUnits);
          const db = buf(dtype, outUnits);
          addon.linearBackward(dtype, x, w, y, dy, act, dx, dw, db, rows, inUnits, outUnits);

          let g: NativeBuffer = dy;
          if (act >= 0) {
            g = buf(dtype, rows * outUnits);
            addon.unaryBackward(act as 0, dtype, y, y, dy, g, rows * outUnits);
          }
          const rx = buf(dtype, rows * inUnits);
          const rw = buf(dtype, outUnits * inUnits);
          const rb = buf(dtype, outUnits);
          addon.matmul(dtype, g, w, rx, 1, rows, inUnits, outUnits, false, false, 0, 0);
          addon.matmul(dtype, g, x, rw, 1, outUnits, inUnits, rows, true, false, 0, 0);
          addon.reduce(REDUCE_OP.sum, dtype, g, [rows, outUnits], [0], rb);
          assert.deepEqual(get(dtype, dx, rows * inUnits), get(dtype, rx, rows * inUnits));
          assert.deepEqual(get(dtype, dw, outUnits * inUnits), get(dtype, rw, outUnits * inUnits));
          assert.deepEqual(get(dtype, db, outUnits), get(dtype, rb, outUnits));

          // Null outputs are skipped and leave nothing else changed.
          const dw2 = buf(dtype, outUnits * inUnits);
          addon.linearBackward(dtype, x, w, y, dy, act, null, dw2, null, rows, inUnits, outUnits);
          assert.deepEqual(get(dtype, dw2, outUnits * inUnits), get(dtype, rw, outUnits * inUnits));
          for (const a of [x, w, b, y, dy, dx, dw, db, rx, rw, rb, dw2]) addon.dispose(a);
        });
      }
    }
  }

  test('refuses activations not derivable from the output, aliased outputs, short buffers and ints', () => {
    const x = buf(F32, randoms(6, 1));
    const w = buf(F32, randoms(6, 2));
    const y = buf(F32, 4);
    const dy = buf(F32, randoms(4, 3));
    const dw = buf(F32, 6);
    throwsCode(() => addon.linearBackward(F32, x, w, y, dy, UNARY_OP.gelu, null, dw, null, 2, 3, 2), 'E_NATIVE_ARGS', /derivative/);
    throwsCode(() => addon.linearBackward(F32, x, w, y, dy, -1, null, w, null, 2, 3, 2), 'E_NATIVE_ARGS', /alias|also be an input/);
    throwsCode(() => addon.linearBackward(F32, x, w, y, dy, -1, null, dw, null, 2, 4, 2), 'E_OUT_OF_BOUNDS');
    throwsCode(() => addon.linearBackward(2 as DTypeCode, x, w, y, dy, -1, null, dw, null, 2, 3, 2), 'E_DTYPE');
    for (const a of [x, w, y, dy, dw]) addon.dispose(a);
  });
});

/** The optimizers' rules in float64 JS, rounded to float32 at each elementwise op as the engine does. */
function reference(kind: 'sgd' | 'adam' | 'adamw', w: number[], g: number[], s0: number[] | null, s1: number[] | null, h: number[]): void {
  const f = Math.fround;
  const [lr, wd, rescale, clip, momentum, beta1, beta2, eps, c1, c2, rescaleFirst] = h as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const clipTo = (v: number): number => (clip < 0 ? v : Math.min(Math.max(v, -clip), clip));
  for (let i = 0; i < w.length; i++) {
    const wi = w[i]!;
    if (kind === 'sgd') {
      const gi = clipTo(rescaleFirst ? f(g[i]! * f(rescale)) : g[i]!);
      const d = wd ? f(gi + f(wi * f(wd))) : gi;
      if (s0) {
        s0[i] = f(f(s0[i]! * f(momentum)) - f(d * f(lr)));
        w[i] = f(wi + s0[i]!);
      } else {
        w[i] = f(wi - f(d * f(lr)));
      }
      continue;
    }
    let gi = rescale !== 1 ? f(g[i]! * f(rescale)) : g[i]!;
    if (kind === 'adam' && wd) gi = f(gi + f(wi * f(wd)));
    gi = clipTo(gi);
    const m = f(f(s0![i]! * f(beta1)) + f(gi * f(1 - beta1)));
    const v = f(f(s1![i]! * f(beta2)) + f(f(gi * gi) * f(1 - beta2)));
    s0![i] = m;
    s1![i] = v;
    if (kind === 'adam') {
      w[i] = f(wi - f(f(m * f(lr)) / f(f(Math.sqrt(v)) + f(eps))));
    } else {
      let u = f(f(m / f(c1)) / f(f(Math.sqrt(f(v / f(c2)))) + f(eps)));
      if (wd) u = f(u + f(wi * f(wd)));
      w[i] = f(wi - f(u * f(lr)));
    }
  }
}

describe('optimizerUpdate', () => {
  const n = 40000; // over the parallel threshold
  const cases: { kind: 'sgd' | 'adam' | 'adamw'; states: number; h: number[] }[] = [
    { kind: 'sgd', states: 0, h: [0.1, 0, 0.5, -1, 0, 0, 0, 0, 1, 1, 1] },
    { kind: 'sgd', states: 1, h: [0.01, 0, 1 / 128, -1, 0.9, 0, 0, 0, 1, 1, 0] },
    { kind: 'sgd', states: 1, h: [0.01, 1e-3, 1 / 128, 0.002, 0.9, 0, 0, 0, 1, 1, 1] },
    { kind: 'adam', states: 2, h: [0.001, 0, 1 / 32, -1, 0, 0.9, 0.999, 1e-8, 1, 1, 0] },
    { kind: 'adam', states: 2, h: [0.001, 0.01, 0.25, 0.01, 0, 0.9, 0.999, 1e-8, 1, 1, 0] },
    { kind: 'adamw', states: 2, h: [0.001, 0.01, 0.25, 0.01, 0, 0.9, 0.999, 1e-8, 0.19, 0.002, 0] },
  ];
  for (const { kind, states, h } of cases) {
    test(`${kind} with ${states} state(s), hyper ${JSON.stringify(h)} matches the rule`, () => {
      const w0 = randoms(n, 11);
      const g0 = randoms(n, 12).map((v) => v * 3);
      const s00 = randoms(n, 13).map((v) => v * 0.1);
      const s10 = randoms(n, 14).map((v) => Math.abs(v) * 0.01);
      const w = buf(F32, w0);
      const g = buf(F32, g0);
      const s0 = states >= 1 ? buf(F32, s00) : null;
      const s1 = states >= 2 ? buf(F32, s10) : null;
      addon.optimizerUpdate(OPTIMIZER_KIND[kind], F32, w, g, s0, s1, n, h);
      const rw = w0.map(Math.fround);
      const rs0 = states >= 1 ? s00.map(Math.fround) : null;
      const rs1 = states >= 2 ? s10.map(Math.fround) : null;
      reference(kind, rw, g0.map(Math.fround), rs0, rs1, h);
      const close = (a: number[], b: number[], what: string): void => {
        for (let i = 0; i < a.length; i++) {
          assert.ok(Math.abs(a[i]! - b[i]!) <= 1e-6 * Math.max(1, Math.abs(b[i]!)), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
        }
      };
      close(get(F32, w, n), rw, 'w');
      if (s0) close(get(F32, s0, n), rs0!, 's0');
      if (s1) close(get(F32, s1, n), rs1!, 's1');
      for (const a of [w, g, s0, s1]) if (a) addon.dispose(a);
    });
  }

  test('checks its arguments', () => {
    const w = buf(F32, 4);
    const g = buf(F32, 4);
    const h = [0.1, 0, 1, -1, 0, 0, 0, 0, 1, 1, 1];
    throwsCode(() => addon.optimizerUpdate(OPTIMIZER_KIND.adam, F32, w, g, null, null, 4, h), 'E_NATIVE_ARGS', /state/);
    throwsCode(() => addon.optimizerUpdate(OPTIMIZER_KIND.sgd, F32, w, g, null, null, 5, h), 'E_OUT_OF_BOUNDS');
    throwsCode(() => addon.optimizerUpdate(OPTIMIZER_KIND.sgd, F32, w, g, null, null, 4, h.slice(1)), 'E_NATIVE_ARGS', /11/);
    throwsCode(() => addon.optimizerUpdate(OPTIMIZER_KIND.sgd, F32, w, g, null, null, 4, [NaN, ...h.slice(1)]), 'E_NATIVE_ARGS', /finite/);
    throwsCode(() => addon.optimizerUpdate(7 as 0, F32, w, g, null, null, 4, h), 'E_NATIVE_ARGS');
    addon.dispose(w);
    addon.dispose(g);
  });
});

describe('linearPlan', () => {
  for (const dtype of [F32, F64] as DTypeCode[]) {
    for (const rows of [1, 3, 64]) {
      // float32 layers of several rows on oneDNN multiply by packed weights (equal within rounding);
      // one-row and float64 layers run the eager kernels (equal bit for bit).
      const packed = dtype === F32 && rows > 1;
      test(`dtype ${dtype}, ${rows} rows: a 3-layer chain equals one linear call per layer${packed ? ' within float32 rounding' : ''}, run after run`, () => {
        const units = [20, 256, 7, 10];
        const acts = [UNARY_OP.relu, UNARY_OP.tanh, -1];
        const ws = units.slice(1).map((u, i) => buf(dtype, randoms(u * units[i]!, 20 + i)));
        const bs = units.slice(1).map((u, i) => (i === 1 ? null : buf(dtype, randoms(u, 30 + i))));
        const plan = addon.linearPlan(dtype, rows, ws, bs, units, acts);
        for (let run = 0; run < 3; run++) {
          const x = buf(dtype, randoms(rows * units[0]!, 40 + run));
          let h = x;
          for (let i = 0; i < ws.length; i++) {
            const o = buf(dtype, rows * units[i + 1]!);
            addon.linear(dtype, h, ws[i]!, bs[i]!, o, rows, units[i]!, units[i + 1]!, acts[i]!);
            h = o;
          }
          const out = buf(dtype, rows * 10);
          addon.linearPlanRun(plan, x, out);
          const got = get(dtype, out, rows * 10);
          const want = get(dtype, h, rows * 10);
          if (packed) {
            // Packed weights and bias + activation outside oneDNN: float32 rounding apart.
            const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
            got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) <= 1e-5 * scale, `[${i}] ${v} against ${want[i]}`));
          } else {
            assert.deepEqual(got, want);
          }
        }
        // The plan keeps its weights alive: disposing the JS handles does not free them.
        for (const b of [...ws, ...bs]) if (b) addon.dispose(b);
        const x = buf(dtype, rows * 20);
        addon.fill(dtype, x, rows * 20, 0.5);
        const out = buf(dtype, rows * 10);
        addon.linearPlanRun(plan, x, out);
        assert.ok(get(dtype, out, rows * 10).every(Number.isFinite));
      });
    }
  }

  test('checks its arguments', () => {
    const w = buf(F32, 6);
    throwsCode(() => addon.linearPlan(F32, 1, [], [], [3], []), 'E_NATIVE_ARGS');
    throwsCode(() => addon.linearPlan(F32, 1, [w], [null], [3, 3], [-1]), 'E_OUT_OF_BOUNDS');
    throwsCode(() => addon.linearPlan(F32, 1, [w], [null], [3, 2], [99]), 'E_NATIVE_ARGS', /activation/);
    throwsCode(() => addon.linearPlan(F32, 1, [w], [], [3, 2], [-1]), 'E_NATIVE_ARGS', /biases/);
    const plan = addon.linearPlan(F32, 2, [w], [null], [3, 2], [-1]);
    const x = buf(F32, 5);
    const out = buf(F32, 4);
    throwsCode(() => addon.linearPlanRun(plan, x, out), 'E_OUT_OF_BOUNDS');
    throwsCode(() => addon.linearPlanRun(w as never, x, out), 'E_NATIVE_ARGS', /plan/);
    for (const b of [w, x, out]) addon.dispose(b);
  });
});

describe('linear with few rows (plain dot products)', () => {
  for (const [rows, inUnits, outUnits] of [
    [1, 20, 256],
    [4, 37, 9],
    [3, 8, 5],
    [1, 1, 1],
  ] as const) {
    test(`${rows}x${inUnits}->${outUnits} matches a float64 reference and the same rows computed in a larger batch`, () => {
      const xs = randoms(rows * inUnits, 50);
      const ws = randoms(outUnits * inUnits, 51);
      const bs = randoms(outUnits, 52);
      for (const dtype of [F32, F64] as DTypeCode[]) {
        const out = buf(dtype, rows * outUnits);
        addon.linear(dtype, buf(dtype, xs), buf(dtype, ws), buf(dtype, bs), out, rows, inUnits, outUnits, UNARY_OP.tanh);
        const got = get(dtype, out, rows * outUnits);
        // The same rows inside a 16-row batch (the GEMM path), padded with zeros.
        const big = buf(dtype, 16 * outUnits);
        addon.linear(
          dtype,
          buf(dtype, [...xs, ...new Array<number>((16 - rows) * inUnits).fill(0)]),
          buf(dtype, ws),
          buf(dtype, bs),
          big,
          16,
          inUnits,
          outUnits,
          UNARY_OP.tanh,
        );
        const viaGemm = get(dtype, big, rows * outUnits);
        const tol = dtype === F32 ? 2e-6 : 1e-14;
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < outUnits; j++) {
            let s = bs[j]!;
            for (let p = 0; p < inUnits; p++) s += xs[r * inUnits + p]! * ws[j * inUnits + p]!;
            const want = Math.tanh(s);
            const i = r * outUnits + j;
            assert.ok(Math.abs(got[i]! - want) <= tol * inUnits, `dtype ${dtype} [${r},${j}]: ${got[i]} vs ${want}`);
            assert.ok(Math.abs(got[i]! - viaGemm[i]!) <= tol * inUnits, `dtype ${dtype} [${r},${j}]: ${got[i]} vs GEMM ${viaGemm[i]}`);
          }
        }
      }
    });
  }
});
