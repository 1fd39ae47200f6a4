// Standalone A/B of two builds of the native addon in one process (not part of `npm run bench`):
// binary ops (equal shapes, broadcast patterns, a single element) and softmax backward, the batches
// of the two builds alternated so background load hits both alike. Prints µs per call (median of
// 9 batches) and after / before. Used for the oneDNN binary and softmax-backward thresholds
// (docs/benchmarks.md, "oneDNN binary and softmax backward"):
//
//   cp native/build/Release/blocksmith_native.node /tmp/before.node   # then rebuild with the change
//   node --import tsx test/bench/ab-addons.ts /tmp/before.node native/build/Release/blocksmith_native.node [flat|bcast|softmax]

import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { BINARY_OP, DEVICE_TYPE, DTYPE_CODE, type NativeAddon } from '../../engine/backend/native-addon.ts';

process.env.GOMP_SPINCOUNT ??= '10000'; // as engine/backend/native-loader.ts sets it
const require = createRequire(import.meta.url);
const [beforePath, afterPath, only = 'all'] = process.argv.slice(2);
if (!beforePath || !afterPath) {
  console.error('usage: node --import tsx test/bench/ab-addons.ts BEFORE.node AFTER.node [flat|bcast|softmax]');
  process.exit(2);
}
const before = require(resolve(beforePath)) as NativeAddon;
const after = require(resolve(afterPath)) as NativeAddon;
const F32 = DTYPE_CODE.float32;
const CPU = DEVICE_TYPE.cpu;

const prod = (s: readonly number[]): number => s.reduce((x, y) => x * y, 1);
function contiguous(s: readonly number[]): number[] {
  const st: number[] = [];
  let x = 1;
  for (let i = s.length - 1; i >= 0; i--) {
    st[i] = x;
    x *= s[i]!;
  }
  return st;
}
/** Strides of `sb` broadcast to `so` (numpy rules: 0 on added and size-1 axes). */
function broadcastStrides(sb: readonly number[], so: readonly number[]): number[] {
  const c = contiguous(sb);
  const lead = so.length - sb.length;
  return so.map((d, i) => (i < lead || (sb[i - lead] === 1 && d !== 1) ? 0 : c[i - lead]!));
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

type Make = (m: NativeAddon) => () => void;

function bench(label: string, make: Make, n: number): void {
  const fa = make(before);
  const fb = make(after);
  for (let i = 0; i < n; i++) {
    fa();
    fb();
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let b = 0; b < 9; b++) {
    const order: [() => void, number[]][] =
      b % 2
        ? [
            [fa, ta],
            [fb, tb],
          ]
        : [
            [fb, tb],
            [fa, ta],
          ];
    for (const [f, t] of order) {
      const s = process.hrtime.bigint();
      for (let i = 0; i < n; i++) f();
      t.push(Number(process.hrtime.bigint() - s) / 1e3 / n);
    }
  }
  const a = median(ta);
  const b = median(tb);
  console.log(`${label.padEnd(44)} before ${a.toFixed(2).padStart(9)}  after ${b.toFixed(2).padStart(9)}  after/before ${(b / a).toFixed(2)}`);
}

function binaryCase(op: 'add' | 'mul', sa: number[], sb: number[]): Make {
  const na = prod(sa);
  const nb = prod(sb);
  return (m) => {
    const a = m.alloc(CPU, 0, na * 4);
    const b = m.alloc(CPU, 0, nb * 4);
    const o = m.alloc(CPU, 0, na * 4);
    m.fill(F32, a, na, 0.5);
    m.fill(F32, b, nb, 1.5);
    if (na === nb) return () => m.binaryFlat(BINARY_OP[op], F32, a, 1, b, 1, o, na);
    if (nb === 1) return () => m.binaryFlat(BINARY_OP[op], F32, a, 1, b, 0, o, na);
    const as = contiguous(sa);
    const bs = broadcastStrides(sb, sa);
    return () => m.binary(BINARY_OP[op], F32, a, as, b, bs, o, sa);
  };
}

const reps = (n: number): number => Math.max(10, Math.min(4000, Math.round(4e6 / n)));

if (only === 'all' || only === 'flat') {
  for (const e of [14, 16, 17, 18, 20, 22]) {
    const n = 2 ** e;
    bench(`add [2^${e}] + [2^${e}]`, binaryCase('add', [n], [n]), reps(n));
    bench(`mul [2^${e}] * [1]`, binaryCase('mul', [n], [1]), reps(n));
  }
}
if (only === 'all' || only === 'bcast') {
  for (const e of [14, 16, 17, 18, 19]) {
    const n = 2 ** e;
    bench(`add [2^${e - 8}, 256] + [256]`, binaryCase('add', [n / 256, 256], [256]), reps(n));
    bench(`mul [2^${e - 6}, 64] * [2^${e - 6}, 1]`, binaryCase('mul', [n / 64, 64], [n / 64, 1]), reps(n));
    bench(`add [16, 2^${e - 12}, 16, 16] + [1, C, 1, 1]`, binaryCase('add', [16, n / 4096, 16, 16], [1, n / 4096, 1, 1]), reps(n));
  }
}
if (only === 'all' || only === 'softmax') {
  for (const [rows, len, log] of [
    [64, 64, false],
    [64, 1000, false],
    [32, 256, false],
    [1024, 1000, false],
    [256, 128, true],
    [512, 10, true],
  ] as [number, number, boolean][]) {
    const n = rows * len;
    const make: Make = (m) => {
      const y = m.alloc(CPU, 0, n * 4);
      const dy = m.alloc(CPU, 0, n * 4);
      const dx = m.alloc(CPU, 0, n * 4);
      m.fill(F32, y, n, log ? -2 : 0.01);
      m.fill(F32, dy, n, 0.3);
      return () => m.softmaxBackward(F32, y, dy, dx, rows, len, 1, log);
    };
    bench(`${log ? 'logSoftmax' : 'softmax'}Backward [${rows}, ${len}]`, make, reps(n));
  }
}
