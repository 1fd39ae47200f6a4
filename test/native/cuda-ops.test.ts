// Every addon op on gpu(0) against the same op on cpu(0), on fresh random inputs at awkward sizes
// (1, 31, 33, 1025) and broadcast shapes: relative error <= 1e-5 for elementwise float32,
// <= 1e-4 for reductions and GEMM (GEMM relative to |A|·|B|, see assertCloseScaled), exact for
// integers, casts, fills, copies and uniform randoms. Skipped, with the addon's reason, when
// numGpus() is 0 (a failure under BLOCKSMITH_REQUIRE_GPU=1). Without a GPU, scripts/cuda-emulate.mjs
// runs it on the kernels emulated on the CPU.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BINARY_OP, DEVICE_TYPE, OPTIMIZER_KIND, REDUCE_OP, UNARY_OP, type DTypeCode, type NativeBuffer } from '../../engine/backend/native-addon';
import { addon, BOOL, F32, F64, I32, I64, U8, throwsCode } from './helpers';
import {
  assertClose,
  assertCloseScaled,
  assertEqual,
  broadcastStrides,
  free,
  freshSeed,
  GPU,
  gpuSkip,
  pair,
  randoms,
  readAll,
  requireGpuTest,
  selfCheck,
  size,
} from './cuda-helpers';

requireGpuTest();
const SIZES = [1, 31, 33, 1025];
const skip = gpuSkip;

describe('gpu(0) transfers', { skip }, () => {
  test('write/read and copyBytes between cpu and gpu, and within and across gpu buffers', () => {
    const vals = randoms(1025, freshSeed());
    const p = pair(F32, vals);
    const other = pair(F32, 1025);
    addon.copyBytes(p.gpu, 4, other.gpu, 0, 1024 * 4); // gpu -> gpu
    addon.copyBytes(other.gpu, 0, other.cpu, 0, 1024 * 4); // gpu -> cpu
    assert.deepEqual(readAll(F32, other.cpu, 1024), Array.from(Float32Array.from(vals.slice(1))));
    addon.copyBytes(p.cpu, 0, other.gpu, 4, 4); // cpu -> gpu
    assert.equal(readAll(F32, other.gpu, 2)[1], Math.fround(vals[0]!));
    free(p, other);
  });

  test('buffers on different devices in one call fail with E_DEVICE_MISMATCH naming both', { skip: selfCheck }, () => {
    const p = pair(F32, [1, 2, 3]);
    throwsCode(() => addon.unary(UNARY_OP.relu, F32, p.cpu, p.gpu, 3), 'E_DEVICE_MISMATCH', /cpu\(0\).*gpu\(0\)|gpu\(0\).*cpu\(0\)/);
    free(p);
  });
});

describe('gpu(0) fills, casts and random numbers', { skip }, () => {
  test('fill every dtype', () => {
    for (const dt of [F32, F64, I32, I64, U8, BOOL] as DTypeCode[]) {
      for (const n of SIZES) {
        const p = pair(dt, n);
        for (const b of [p.cpu, p.gpu]) addon.fill(dt, b, n, -3.75);
        assertEqual(`fill dtype ${dt} n ${n}`, dt, p, n);
        free(p);
      }
    }
  });

  test('cast between every pair of dtypes, with NaN, infinities and out-of-range values', () => {
    const special = [NaN, Infinity, -Infinity, 3e9, -3e9, 300, -1, 0.5, -0.5, 255.9];
    const vals = [...special, ...randoms(1025 - special.length, freshSeed(), -1000, 1000)];
    for (const src of [F32, F64, I32, I64, U8, BOOL] as DTypeCode[]) {
      const input = src === F32 || src === F64 ? vals : vals.map((v) => (Number.isFinite(v) ? Math.trunc(v) & 0x7fffffff : 7) % (src >= U8 ? 2 : 1e9));
      const x = pair(src, input);
      for (const dst of [F32, F64, I32, I64, U8, BOOL] as DTypeCode[]) {
        const y = pair(dst, vals.length);
        addon.cast(src, x.cpu, dst, y.cpu, vals.length);
        addon.cast(src, x.gpu, dst, y.gpu, vals.length);
        assertEqual(`cast ${src} -> ${dst}`, dst, y, vals.length);
        free(y);
      }
      free(x);
    }
  });

  test('uniform numbers equal the CPU bit for bit; normal ones agree to the last bits', () => {
    for (const dt of [F32, F64] as DTypeCode[]) {
      for (const n of [...SIZES, 4099]) {
        const seed = freshSeed(),
          counter = 7;
        const u = pair(dt, n);
        for (const b of [u.cpu, u.gpu]) addon.randomUniform(dt, b, n, -0.3, 1.7, seed, counter);
        assertEqual(`uniform dtype ${dt} n ${n} seed ${seed}`, dt, u, n);
        const z = pair(dt, n);
        for (const b of [z.cpu, z.gpu]) addon.randomNormal(dt, b, n, 0.5, 2, seed, counter);
        // CUDA's double log/sin/cos may differ from glibc's by an ulp (documented in docs/gpu.md).
        assertClose(`normal dtype ${dt} n ${n} seed ${seed}`, dt, z, n, dt === F32 ? 1e-6 : 1e-12, 1e-12);
        free(u, z);
      }
    }
  });
});

describe('gpu(0) strided copies', { skip }, () => {
  test('transpose, slice, broadcast, overlapping copy and strided fill', () => {
    for (const dt of [F32, F64, U8] as DTypeCode[]) {
      const src = pair(dt, randoms(33 * 1025, freshSeed(), 0, 200, true));
      const out = pair(dt, 33 * 1025);
      const cases: [number, number[], number, number[], number[]][] = [
        [0, [1025, 1], 0, [1, 33], [33, 1025]], // transpose
        [5, [2050, 3], 0, [31, 1], [16, 31]], // a stepped slice
        [0, [0, 1], 0, [1025, 1], [33, 1025]], // broadcast a row
        [0, [0, 0], 0, [1, 0], [1, 1]], // one element
      ];
      for (const [so, ss, dof, ds, shape] of cases) {
        for (const side of ['cpu', 'gpu'] as const) addon.copyStrided(dt, src[side], so, ss, out[side], dof, ds, shape);
        assertEqual(`copyStrided ${JSON.stringify(shape)} dtype ${dt}`, dt, out, size(shape));
      }
      // Overlapping source and destination in one buffer: shift a 31x33 block by one element.
      for (const side of ['cpu', 'gpu'] as const) addon.copyStrided(dt, src[side], 0, [33, 1], src[side], 1, [33, 1], [31, 33]);
      assertEqual(`overlapping copy dtype ${dt}`, dt, src, 33 * 1025);
      for (const side of ['cpu', 'gpu'] as const) addon.fillStrided(dt, out[side], 3, [66, 2], [15, 16], 9);
      assertEqual(`fillStrided dtype ${dt}`, dt, out, 33 * 1025);
      free(src, out);
    }
  });
});

const POSITIVE_ONLY = new Set<number>([UNARY_OP.log, UNARY_OP.sqrt]);
const INT_UNARY: number[] = [UNARY_OP.abs, UNARY_OP.neg, UNARY_OP.square, UNARY_OP.sign];

describe('gpu(0) unary ops', { skip }, () => {
  for (const [name, op] of Object.entries(UNARY_OP)) {
    test(`${name} forward and backward`, () => {
      for (const dt of [F32, F64, I32, I64, U8] as DTypeCode[]) {
        const isInt = dt !== F32 && dt !== F64;
        if (isInt && !INT_UNARY.includes(op)) continue;
        for (const n of SIZES) {
          const seed = freshSeed();
          let xs = randoms(n, seed, isInt ? -100 : -4, isInt ? 100 : 4, isInt);
          if (dt === U8) xs = xs.map((v) => Math.abs(v));
          if (POSITIVE_ONLY.has(op)) xs = xs.map((v) => Math.abs(v) + 0.05);
          const x = pair(dt, xs),
            y = pair(dt, n),
            dy = pair(dt, randoms(n, seed + 1, -2, 2, isInt)),
            dx = pair(dt, n);
          for (const s of ['cpu', 'gpu'] as const) {
            addon.unary(op, dt, x[s], y[s], n);
            addon.unaryBackward(op, dt, x[s], y[s], dy[s], dx[s], n);
          }
          const what = `${name} dtype ${dt} n ${n} seed ${seed}`;
          if (isInt) {
            assertEqual(what, dt, y, n);
            assertEqual(`${what} backward`, dt, dx, n);
          } else {
            assertClose(what, dt, y, n, 1e-5);
            assertClose(`${what} backward`, dt, dx, n, 1e-5);
          }
          free(x, y, dy, dx);
        }
      }
    });
  }
});

// [a shape, b shape] pairs; out is their broadcast.
const BROADCASTS: [number[], number[]][] = [
  [[1], [1]],
  [[31], [31]],
  [[1025], [1]],
  [[1], [33]],
  [[33, 31], [31]],
  [
    [33, 1],
    [1, 31],
  ],
  [
    [2, 1, 33],
    [31, 1],
  ],
  [
    [5, 1, 1, 3],
    [1, 4, 7, 1],
  ],
  [
    [1025, 3],
    [1025, 1],
  ],
];

function broadcastShape(a: number[], b: number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1,
      y = b[b.length - n + i] ?? 1;
    out.push(Math.max(x, y));
  }
  return out;
}

describe('gpu(0) binary ops with broadcasting', { skip }, () => {
  for (const [name, op] of Object.entries(BINARY_OP)) {
    test(`${name}`, () => {
      const cmp = op >= BINARY_OP.eq;
      for (const dt of [F32, F64, I32, I64, U8, BOOL] as DTypeCode[]) {
        if (dt === BOOL && (op === BINARY_OP.sub || op === BINARY_OP.div || op === BINARY_OP.pow)) continue;
        const isInt = dt !== F32 && dt !== F64;
        for (const [as, bs] of BROADCASTS) {
          const shape = broadcastShape(as, bs),
            n = size(shape);
          const seed = freshSeed();
          const lo = dt === BOOL ? 0 : op === BINARY_OP.pow ? 0.1 : -5,
            hi = dt === BOOL ? 2 : op === BINARY_OP.pow ? 3 : 5;
          const a = pair(
            dt,
            randoms(size(as), seed, lo, hi, isInt).map((v) => (dt === U8 ? Math.abs(v) : v)),
          );
          const b = pair(
            dt,
            randoms(size(bs), seed + 1, lo, hi, isInt).map((v) => (dt === U8 ? Math.abs(v) : v)),
          );
          const outDt = cmp ? BOOL : dt;
          const out = pair(outDt, n);
          for (const s of ['cpu', 'gpu'] as const) addon.binary(op, dt, a[s], broadcastStrides(as, shape), b[s], broadcastStrides(bs, shape), out[s], shape);
          const what = `${name} ${JSON.stringify(as)} x ${JSON.stringify(bs)} dtype ${dt} seed ${seed}`;
          if (isInt || cmp) assertEqual(what, outDt, out, n);
          else assertClose(what, dt, out, n, 1e-5);
          for (const s of ['cpu', 'gpu'] as const) addon.binaryScalar(op, dt, a[s], 1.5, op % 2 === 0, out[s], size(as));
          if (isInt || cmp) assertEqual(`${what} scalar`, outDt, out, size(as));
          else assertClose(`${what} scalar`, dt, out, size(as), 1e-5);
          free(a, b, out);
        }
      }
    });
  }
});

const REDUCTIONS: [number[], number[]][] = [
  [[1], [0]],
  [[1025], [0]],
  [[31, 33], [0]],
  [[31, 33], [1]],
  [
    [31, 33],
    [0, 1],
  ],
  [[2, 31, 33], [1]],
  [
    [2, 31, 33],
    [0, 2],
  ],
  [
    [33, 1, 31],
    [0, 1],
  ],
  [[3, 1025], [1]],
  [[1025, 3], [0]],
  [[4, 3, 2, 5], []],
  [[40000], [0]],
];

describe('gpu(0) reductions', { skip }, () => {
  for (const [name, op] of Object.entries(REDUCE_OP)) {
    test(`${name}`, () => {
      const arg = op === REDUCE_OP.argmax || op === REDUCE_OP.argmin;
      for (const dt of [F32, F64, I32, I64, U8, BOOL] as DTypeCode[]) {
        if (op === REDUCE_OP.mean && dt !== F32 && dt !== F64) continue;
        const isInt = dt !== F32 && dt !== F64;
        for (const [shape, axes] of REDUCTIONS) {
          if (arg && axes.length !== 1) continue;
          const seed = freshSeed();
          const lo = dt === BOOL ? 0 : op === REDUCE_OP.prod ? 0.9 : -3,
            hi = dt === BOOL ? 2 : op === REDUCE_OP.prod ? 1.1 : 3;
          const x = pair(
            dt,
            randoms(size(shape), seed, lo, hi, isInt).map((v) => (dt === U8 ? Math.abs(v) : v)),
          );
          const outN = size(shape.filter((_, i) => !axes.includes(i)));
          const outDt = arg ? I64 : dt;
          const out = pair(outDt, outN);
          for (const s of ['cpu', 'gpu'] as const) addon.reduce(op, dt, x[s], shape, axes, out[s]);
          const what = `${name} ${JSON.stringify(shape)} over ${JSON.stringify(axes)} dtype ${dt} seed ${seed}`;
          if (isInt || arg) assertEqual(what, outDt, out, outN);
          else assertClose(what, dt, out, outN, 1e-4, 1e-5);
          free(x, out);
        }
      }
    });
  }
});

describe('gpu(0) softmax', { skip }, () => {
  test('softmax and log-softmax, forward and backward, along first, middle and last axes', () => {
    for (const dt of [F32, F64] as DTypeCode[]) {
      for (const [outer, len, inner] of [
        [1, 1, 1],
        [31, 33, 1],
        [1, 1025, 1],
        [3, 31, 33],
        [1025, 2, 1],
        [2, 5, 1025],
      ]) {
        for (const log of [false, true]) {
          const n = outer! * len! * inner!,
            seed = freshSeed();
          const x = pair(dt, randoms(n, seed, -6, 6)),
            y = pair(dt, n),
            dy = pair(dt, randoms(n, seed + 1)),
            dx = pair(dt, n);
          for (const s of ['cpu', 'gpu'] as const) {
            addon.softmax(dt, x[s], y[s], outer!, len!, inner!, log);
            addon.softmaxBackward(dt, y[s], dy[s], dx[s], outer!, len!, inner!, log);
          }
          const what = `${log ? 'log' : ''}softmax [${outer}, ${len}, ${inner}] dtype ${dt} seed ${seed}`;
          assertClose(what, dt, y, n, 1e-4, 1e-6);
          assertClose(`${what} backward`, dt, dx, n, 1e-4, 1e-6);
          free(x, y, dy, dx);
        }
      }
    }
  });
});

/** |A|·|B| on the CPU (the same product `run` computes, on absolute values): the GEMM error scale. */
function absProduct(
  dt: DTypeCode,
  a: NativeBuffer,
  b: NativeBuffer,
  run: (a: NativeBuffer, b: NativeBuffer, out: NativeBuffer) => void,
  [na, nb, nout]: number[],
): number[] {
  const bytes = dt === F32 ? 4 : 8;
  const [absA, absB, out] = [na!, nb!, nout!].map((n) => addon.alloc(DEVICE_TYPE.cpu, 0, Math.max(1, n) * bytes));
  addon.unary(UNARY_OP.abs, dt, a, absA!, na!);
  addon.unary(UNARY_OP.abs, dt, b, absB!, nb!);
  run(absA!, absB!, out!);
  const scale = readAll(dt, out!, nout!);
  for (const x of [absA!, absB!, out!]) addon.dispose(x);
  return scale;
}

describe('gpu(0) matmul and linear', { skip }, () => {
  test('matmul: every transpose, awkward sizes, batches and broadcast operands', async () => {
    const shapes = [
      [1, 1, 1, 1],
      [1, 31, 33, 1025],
      [3, 33, 31, 65],
      [2, 1025, 1, 33],
      [4, 64, 64, 64],
      [2, 5, 7, 0],
    ];
    for (const dt of [F32, F64, I32] as DTypeCode[]) {
      for (const [batch, m, n, k] of shapes) {
        for (const [transA, transB] of [
          [false, false],
          [true, false],
          [false, true],
          [true, true],
        ] as const) {
          for (const bcast of [false, true]) {
            const seed = freshSeed(),
              isInt = dt === I32;
            const aStride = bcast ? 0 : m! * k!;
            const a = pair(dt, randoms(bcast ? m! * k! : batch! * m! * k!, seed, -3, 3, isInt));
            const b = pair(dt, randoms(batch! * k! * n!, seed + 1, -3, 3, isInt));
            const out = pair(dt, batch! * m! * n!);
            addon.matmul(dt, a.cpu, b.cpu, out.cpu, batch!, m!, n!, k!, transA, transB, aStride, k! * n!);
            await addon.matmulAsync(dt, a.gpu, b.gpu, out.gpu, batch!, m!, n!, k!, transA, transB, aStride, k! * n!);
            const what = `matmul b${batch} m${m} n${n} k${k} tA ${transA} tB ${transB} bcast ${bcast} dtype ${dt} seed ${seed}`;
            if (isInt) assertEqual(what, dt, out, batch! * m! * n!);
            else {
              const scale = absProduct(dt, a.cpu, b.cpu, (x, y, o) => addon.matmul(dt, x, y, o, batch!, m!, n!, k!, transA, transB, aStride, k! * n!), [
                bcast ? m! * k! : batch! * m! * k!,
                batch! * k! * n!,
                batch! * m! * n!,
              ]);
              assertCloseScaled(what, dt, out, batch! * m! * n!, scale, 1e-4);
            }
            free(a, b, out);
          }
        }
      }
    }
  });

  test('linear with and without bias, each fused activation', () => {
    for (const dt of [F32, F64] as DTypeCode[]) {
      for (const [rows, inU, outU] of [
        [1, 1, 1],
        [31, 33, 1025],
        [33, 1025, 31],
        [4, 0, 3],
      ]) {
        for (const act of [-1, UNARY_OP.relu, UNARY_OP.sigmoid, UNARY_OP.tanh, UNARY_OP.gelu, UNARY_OP.softrelu]) {
          for (const withBias of [false, true]) {
            const seed = freshSeed();
            const x = pair(dt, randoms(rows! * inU!, seed)),
              w = pair(dt, randoms(outU! * inU!, seed + 1));
            const bias = pair(dt, randoms(outU!, seed + 2)),
              out = pair(dt, rows! * outU!);
            for (const s of ['cpu', 'gpu'] as const) addon.linear(dt, x[s], w[s], withBias ? bias[s] : null, out[s], rows!, inU!, outU!, act);
            // The activations' slopes are at most ~1.13 (gelu): the GEMM bound carries over.
            const scale = absProduct(dt, x.cpu, w.cpu, (a, b, o) => addon.linear(dt, a, b, null, o, rows!, inU!, outU!, -1), [
              rows! * inU!,
              outU! * inU!,
              rows! * outU!,
            ]).map((v) => 1.2 * v + 1);
            assertCloseScaled(`linear ${rows}x${inU}->${outU} act ${act} bias ${withBias} dtype ${dt} seed ${seed}`, dt, out, rows! * outU!, scale, 1e-4);
            free(x, w, bias, out);
          }
        }
      }
    }
  });
});

describe('gpu(0) fused training ops', { skip }, () => {
  test('linearBackward (dx, dw, db, each activation derivable from y) against the cpu', () => {
    for (const dt of [F32, F64] as DTypeCode[]) {
      for (const [rows, inU, outU] of [
        [1, 1, 1],
        [31, 33, 65],
        [33, 130, 31],
      ]) {
        for (const act of [-1, UNARY_OP.relu, UNARY_OP.sigmoid, UNARY_OP.tanh]) {
          const seed = freshSeed();
          const x = pair(dt, randoms(rows! * inU!, seed)),
            w = pair(dt, randoms(outU! * inU!, seed + 1));
          const dy = pair(dt, randoms(rows! * outU!, seed + 2));
          // y from the cpu on both devices, so that the derivative masks agree exactly.
          const y = pair(dt, rows! * outU!);
          addon.linear(dt, x.cpu, w.cpu, null, y.cpu, rows!, inU!, outU!, act);
          addon.copyBytes(y.cpu, 0, y.gpu, 0, rows! * outU! * (dt === F32 ? 4 : 8));
          const dx = pair(dt, rows! * inU!),
            dw = pair(dt, outU! * inU!),
            db = pair(dt, outU!);
          for (const s of ['cpu', 'gpu'] as const) addon.linearBackward(dt, x[s], w[s], y[s], dy[s], act, dx[s], dw[s], db[s], rows!, inU!, outU!);
          const what = `linearBackward ${rows}x${inU}->${outU} act ${act} dtype ${dt} seed ${seed}`;
          // |g| <= |dy| (every slope here is at most 1): the GEMM bound of |dy|·|w| and |dy|ᵀ·|x| holds.
          const sx = absProduct(dt, dy.cpu, w.cpu, (a, b, o) => addon.matmul(dt, a, b, o, 1, rows!, inU!, outU!, false, false, 0, 0), [
            rows! * outU!,
            outU! * inU!,
            rows! * inU!,
          ]).map((v) => v + 1);
          const sw = absProduct(dt, dy.cpu, x.cpu, (a, b, o) => addon.matmul(dt, a, b, o, 1, outU!, inU!, rows!, true, false, 0, 0), [
            rows! * outU!,
            rows! * inU!,
            outU! * inU!,
          ]).map((v) => v + 1);
          assertCloseScaled(`${what} dx`, dt, dx, rows! * inU!, sx, 1e-4);
          assertCloseScaled(`${what} dw`, dt, dw, outU! * inU!, sw, 1e-4);
          assertClose(`${what} db`, dt, db, outU!, 1e-4, 1e-4);
          free(x, w, dy, y, dx, dw, db);
        }
      }
    }
  });

  test('optimizerUpdate: SGD (with and without momentum), Adam, AdamW against the cpu', () => {
    const cases: [number, number, number[]][] = [
      [OPTIMIZER_KIND.sgd, 0, [0.1, 0, 0.5, -1, 0, 0, 0, 0, 1, 1, 1]],
      [OPTIMIZER_KIND.sgd, 1, [0.01, 1e-3, 1 / 128, 0.002, 0.9, 0, 0, 0, 1, 1, 1]],
      [OPTIMIZER_KIND.adam, 2, [0.001, 0.01, 0.25, 0.01, 0, 0.9, 0.999, 1e-8, 1, 1, 0]],
      [OPTIMIZER_KIND.adamw, 2, [0.001, 0.01, 0.25, -1, 0, 0.9, 0.999, 1e-8, 0.19, 0.002, 0]],
    ];
    for (const dt of [F32, F64] as DTypeCode[]) {
      for (const n of SIZES) {
        for (const [kind, states, h] of cases) {
          const seed = freshSeed();
          const w = pair(dt, randoms(n, seed)),
            g = pair(dt, randoms(n, seed + 1));
          const s0 = pair(dt, randoms(n, seed + 2)),
            s1 = pair(dt, randoms(n, seed + 3, 0, 1));
          for (const s of ['cpu', 'gpu'] as const) {
            addon.optimizerUpdate(kind as 0, dt, w[s], g[s], states >= 1 ? s0[s] : null, states >= 2 ? s1[s] : null, n, h);
          }
          const what = `optimizerUpdate kind ${kind} n ${n} dtype ${dt} seed ${seed}`;
          assertClose(`${what} w`, dt, w, n, 1e-5);
          if (states >= 1) assertClose(`${what} s0`, dt, s0, n, 1e-5);
          if (states >= 2) assertClose(`${what} s1`, dt, s1, n, 1e-5);
          free(w, g, s0, s1);
        }
      }
    }
  });
});

describe('gpu(0) memory', { skip }, () => {
  test('freed blocks are reused and live bytes return to where they were', () => {
    const before = addon.memoryStats().liveBytes;
    for (let i = 0; i < 50; i++) addon.dispose(addon.alloc(GPU, 0, 1 << 20));
    assert.equal(addon.memoryStats().liveBytes, before);
    assert.equal(addon.capabilities().gpus?.length ?? 0, selfCheck ? 0 : addon.numGpus());
  });
});
