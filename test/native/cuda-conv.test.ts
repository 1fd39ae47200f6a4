// convolution, convolutionBackwardData, convolutionBackwardWeights, pooling and poolingBackward on
// gpu(0) against the same calls on cpu(0) (oneDNN for float32, the plain kernels for float64), over
// strides, padding, dilation, groups, depthwise, 1-d (H = 1), ceil-mode windows past the padding
// and both average divisors; then the addon's re-checks on GPU buffers. Skipped with the addon's
// reason without a GPU; scripts/cuda-emulate.mjs runs it on the kernels emulated on the CPU.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { POOL_MODE, UNARY_OP, type DTypeCode, type PoolModeCode } from '../../engine/backend/native-addon';
import { addon, F32, F64, throwsCode } from './helpers';
import { assertClose, free, freshSeed, gpuSkip, pair, randoms, requireGpuTest, selfCheck, size, type Pair } from './cuda-helpers';

requireGpuTest();
const skip = gpuSkip;

// n c h w  o kh kw  sh sw ph pw dh dw groups (oh, ow derived)
type ConvSpec = [number, number, number, number, number, number, number, number, number, number, number, number, number, number];
const CONVS: ConvSpec[] = [
  [2, 3, 7, 7, 4, 3, 3, 1, 1, 0, 0, 1, 1, 1],
  [2, 3, 8, 9, 5, 3, 3, 2, 2, 1, 1, 1, 1, 1],
  [1, 2, 9, 8, 3, 3, 3, 1, 1, 2, 2, 2, 2, 1], // dilation
  [2, 4, 10, 7, 6, 3, 2, 2, 1, 1, 0, 1, 2, 1], // per-axis values
  [2, 4, 6, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 2], // groups
  [2, 6, 7, 7, 6, 3, 3, 1, 1, 1, 1, 1, 1, 6], // depthwise
  [1, 3, 5, 5, 6, 3, 3, 2, 2, 0, 0, 1, 1, 3], // depthwise, multiplier 2
  [3, 1, 1, 33, 5, 1, 4, 1, 3, 0, 2, 1, 2, 1], // 1-d as H = 1
  [2, 16, 12, 12, 32, 3, 3, 2, 2, 1, 1, 1, 1, 1],
];

function convGeom(s: ConvSpec): number[] {
  const [n, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, g] = s;
  const oh = Math.floor((h + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
  const ow = Math.floor((w + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
  return [n, c, h, w, o, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw, g];
}

const tol = (dt: DTypeCode): number => (dt === F32 ? 1e-4 : 1e-11);

describe('gpu(0) convolution', { skip }, () => {
  for (const dt of [F32, F64] as DTypeCode[]) {
    for (const spec of CONVS) {
      const geom = convGeom(spec);
      const [n, c, h, w, o, kh, kw, oh, ow, , , , , , , groups] = geom as [
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
        number,
        number,
        number,
        number,
        number,
      ];
      test(`dtype ${dt} geom ${JSON.stringify(geom)}: forward (bias, relu), data, weight and bias gradients`, () => {
        const seed = freshSeed();
        const nx = n * c * h * w,
          nw = o * (c / groups) * kh * kw,
          ny = n * o * oh * ow;
        const x = pair(dt, randoms(nx, seed)),
          wt = pair(dt, randoms(nw, seed + 1)),
          b = pair(dt, randoms(o, seed + 2));
        const dy = pair(dt, randoms(ny, seed + 3));
        const y = pair(dt, ny),
          dx = pair(dt, nx),
          dw = pair(dt, nw),
          db = pair(dt, o);
        for (const side of ['cpu', 'gpu'] as (keyof Pair)[]) {
          addon.convolution(dt, x[side], wt[side], b[side], y[side], geom, UNARY_OP.relu);
          addon.convolutionBackwardData(dt, wt[side], dy[side], dx[side], geom);
          addon.convolutionBackwardWeights(dt, x[side], dy[side], dw[side], db[side], geom);
        }
        const what = `seed ${seed}`;
        assertClose(`y ${what}`, dt, y, ny, tol(dt), tol(dt));
        assertClose(`dx ${what}`, dt, dx, nx, tol(dt), tol(dt));
        assertClose(`dw ${what}`, dt, dw, nw, tol(dt), tol(dt) * n * oh * ow);
        assertClose(`db ${what}`, dt, db, o, tol(dt), tol(dt) * n * oh * ow);
        // Without bias, with an activation oneDNN does not fuse, and dw alone.
        const y2 = pair(dt, ny),
          dw2 = pair(dt, nw);
        for (const side of ['cpu', 'gpu'] as (keyof Pair)[]) {
          addon.convolution(dt, x[side], wt[side], null, y2[side], geom, UNARY_OP.softrelu);
          addon.convolutionBackwardWeights(dt, x[side], dy[side], dw2[side], null, geom);
        }
        assertClose(`y (softrelu, no bias) ${what}`, dt, y2, ny, tol(dt), tol(dt));
        assertClose(`dw alone ${what}`, dt, dw2, nw, tol(dt), tol(dt) * n * oh * ow);
        free(x, wt, b, dy, y, dx, dw, db, y2, dw2);
      });
    }
  }
});

// n c h w  kh kw sh sw ph pw ceil
type PoolSpec = [number, number, number, number, number, number, number, number, number, number, boolean];
const POOLS: PoolSpec[] = [
  [2, 3, 8, 8, 2, 2, 2, 2, 0, 0, false],
  [2, 3, 7, 9, 3, 3, 2, 2, 1, 1, false],
  [1, 4, 7, 7, 3, 3, 2, 2, 0, 0, true],
  [2, 2, 5, 5, 2, 2, 2, 2, 1, 1, true], // a window past the right padding
  [1, 3, 9, 9, 3, 3, 1, 1, 1, 1, false], // overlapping windows
  [2, 3, 1, 11, 1, 4, 1, 2, 0, 2, true], // 1-d
  [3, 2, 1, 9, 1, 2, 1, 3, 0, 0, false], // gaps between windows
];

function poolGeom(s: PoolSpec): number[] {
  const [n, c, h, w, kh, kw, sh, sw, ph, pw, ceil] = s;
  const ext = (len: number, k: number, st: number, p: number): number => {
    let out = (ceil ? Math.ceil((len + 2 * p - k) / st) : Math.floor((len + 2 * p - k) / st)) + 1;
    if (ceil && (out - 1) * st >= len + p) out--;
    return out;
  };
  return [n, c, h, w, ext(h, kh, sh, ph), ext(w, kw, sw, pw), kh, kw, sh, sw, ph, pw];
}

describe('gpu(0) pooling', { skip }, () => {
  for (const dt of [F32, F64] as DTypeCode[]) {
    for (const mode of Object.values(POOL_MODE) as PoolModeCode[]) {
      for (const spec of POOLS) {
        const geom = poolGeom(spec);
        test(`dtype ${dt} mode ${mode} geom ${JSON.stringify(geom)}: forward and backward`, () => {
          const seed = freshSeed();
          const nx = size(geom.slice(0, 4)),
            ny = geom[0]! * geom[1]! * geom[4]! * geom[5]!;
          const x = pair(dt, randoms(nx, seed)),
            dy = pair(dt, randoms(ny, seed + 1));
          const y = pair(dt, ny),
            dx = pair(dt, nx);
          for (const side of ['cpu', 'gpu'] as (keyof Pair)[]) {
            addon.pooling(mode, dt, x[side], y[side], geom);
            addon.poolingBackward(mode, dt, x[side], dy[side], dx[side], geom);
          }
          assertClose(`y seed ${seed}`, dt, y, ny, tol(dt) / 10, 1e-6);
          assertClose(`dx seed ${seed}`, dt, dx, nx, tol(dt) / 10, 1e-6);
          free(x, dy, y, dx);
        });
      }
    }
  }
});

describe('gpu(0) convolution and pooling argument checks', { skip }, () => {
  test('buffers too small for the geometry fail before any kernel runs; mixed devices fail', { skip: selfCheck }, () => {
    const geom = convGeom([1, 2, 5, 5, 3, 3, 3, 1, 1, 0, 0, 1, 1, 1]);
    const x = pair(F32, 50),
      w = pair(F32, 54),
      y = pair(F32, 26),
      dx = pair(F32, 49);
    throwsCode(() => addon.convolution(F32, x.gpu, w.gpu, null, y.gpu, geom, -1), 'E_OUT_OF_BOUNDS');
    throwsCode(() => addon.convolutionBackwardData(F32, w.gpu, y.gpu, dx.gpu, geom), 'E_OUT_OF_BOUNDS');
    throwsCode(() => addon.convolution(F32, x.cpu, w.gpu, null, y.gpu, geom, -1), 'E_DEVICE_MISMATCH');
    throwsCode(() => addon.pooling(POOL_MODE.max, F32, x.gpu, y.gpu, [1, 2, 5, 5, 4, 4, 2, 2, 2, 2, 0, 0]), 'E_NATIVE_ARGS');
    free(x, w, y, dx);
  });
});

test('the geometry helpers of this suite agree with the addon (cpu, always runs)', () => {
  for (const spec of CONVS) {
    const geom = convGeom(spec);
    const n = (i: number): number => geom[i]!;
    const x = addon.alloc(1, 0, n(0) * n(1) * n(2) * n(3) * 4);
    const w = addon.alloc(1, 0, n(4) * (n(1) / n(15)) * n(5) * n(6) * 4);
    const y = addon.alloc(1, 0, n(0) * n(4) * n(7) * n(8) * 4);
    assert.doesNotThrow(() => addon.convolution(F32, x, w, null, y, geom, -1), JSON.stringify(geom));
  }
  for (const spec of POOLS) {
    const geom = poolGeom(spec);
    const x = addon.alloc(1, 0, size(geom.slice(0, 4)) * 4);
    const y = addon.alloc(1, 0, geom[0]! * geom[1]! * geom[4]! * geom[5]! * 4);
    assert.doesNotThrow(() => addon.pooling(POOL_MODE.max, F32, x, y, geom), JSON.stringify(geom));
  }
});
