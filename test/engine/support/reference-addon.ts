// A slow pure-TS implementation of the native addon contract (engine/backend/native-addon.ts),
// used to test the engine's TS layer when the native build is missing or incomplete
// (ENGINE_TEST_BACKEND=reference). It is a test double, never shipped: the engine itself has no
// JS compute fallback. Its kernels follow the contract's comments literally.

import type {
  BinaryOpCode, DTypeCode, DeviceTypeCode, NativeAddon, NativeBuffer, ReduceOpCode, UnaryOpCode,
} from '../../../engine/backend/native-addon.ts';
import { DTYPE_BYTES } from '../../../engine/backend/native-addon.ts';

interface RefBuffer {
  bytes: Uint8Array;
  views: Record<number, Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array>;
  deviceType: DeviceTypeCode;
  deviceId: number;
  disposed: boolean;
}

function fail(code: string, message: string): never {
  const e = new Error(message) as Error & { code: string };
  e.code = code;
  throw e;
}

const stats = { liveBytes: 0, liveBuffers: 0, peakBytes: 0, budgetBytes: 8 * 2 ** 30 };

function buf(b: NativeBuffer): RefBuffer {
  const r = b as unknown as RefBuffer;
  if (!r || !(r.bytes instanceof Uint8Array)) fail('E_NATIVE_ARGS', 'not a buffer');
  if (r.disposed) fail('E_DISPOSED', 'buffer used after dispose()');
  return r;
}

function view(b: NativeBuffer, dtype: DTypeCode): RefBuffer['views'][number] {
  const r = buf(b);
  let v = r.views[dtype];
  if (!v) {
    const ab = r.bytes.buffer;
    const n = Math.floor(r.bytes.byteLength / DTYPE_BYTES[dtype]);
    v = dtype === 0 ? new Float32Array(ab, 0, n) : dtype === 1 ? new Float64Array(ab, 0, n)
      : dtype === 2 ? new Int32Array(ab, 0, n) : dtype === 3 ? new BigInt64Array(ab, 0, n) : new Uint8Array(ab, 0, n);
    r.views[dtype] = v;
  }
  return v;
}

function get(v: RefBuffer['views'][number], i: number): number {
  if (i < 0 || i >= v.length) fail('E_OUT_OF_BOUNDS', `element ${i} outside buffer of ${v.length}`);
  const x = v[i]!;
  return typeof x === 'bigint' ? Number(x) : x;
}

function put(v: RefBuffer['views'][number], dtype: DTypeCode, i: number, x: number): void {
  if (i < 0 || i >= v.length) fail('E_OUT_OF_BOUNDS', `element ${i} outside buffer of ${v.length}`);
  if (dtype === 3) (v as BigInt64Array)[i] = BigInt(Number.isFinite(x) ? Math.trunc(x) : 0);
  else if (dtype === 5) v[i] = x !== 0 ? 1 : 0;
  else if (dtype === 2 || dtype === 4) v[i] = Number.isFinite(x) ? Math.trunc(x) : 0;
  else v[i] = x;
}

const isFloatCode = (d: DTypeCode): boolean => d === 0 || d === 1;

/** Iterates every multi-index of shape, calling fn with the linear (row-major) index and dot(idx, strides) for each stride set. */
function forEachIndex(shape: number[], strideSets: number[][], offsets: number[], fn: (lin: number, pos: number[]) => void): void {
  const n = shape.reduce((a, b) => a * b, 1);
  const nd = shape.length;
  const idx = new Array(nd).fill(0);
  const pos = offsets.slice();
  for (let lin = 0; lin < n; lin++) {
    fn(lin, pos);
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      for (let s = 0; s < strideSets.length; s++) pos[s] += strideSets[s]![d]!;
      if (idx[d] < shape[d]!) break;
      for (let s = 0; s < strideSets.length; s++) pos[s] -= strideSets[s]![d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

// erf accurate to ~1e-14: Taylor series near 0, continued fraction for erfc further out.
function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3) {
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 200; n++) {
      term *= (-ax * ax) / n;
      const t = term / (2 * n + 1);
      sum += t;
      if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (ax > 6) return Math.sign(x);
  // erfc(x) = exp(-x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + 2/(x + ...)))))
  let f = ax;
  for (let k = 60; k >= 1; k--) f = ax + (k / 2) / f;
  return Math.sign(x) * (1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f);
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

const UNARY: ((x: number) => number)[] = [
  (x) => (x > 0 ? x : 0), sigmoid, Math.tanh, (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)), Math.exp, Math.log,
  Math.abs, (x) => -x, Math.sqrt, (x) => x * x, (x) => (x > 20 ? x : Math.log1p(Math.exp(x))), (x) => Math.sign(x),
];

const UNARY_GRAD: ((x: number, y: number) => number)[] = [
  (x) => (x > 0 ? 1 : 0), (_x, y) => y * (1 - y), (_x, y) => 1 - y * y,
  (x) => 0.5 * (1 + erf(x / Math.SQRT2)) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI),
  (_x, y) => y, (x) => 1 / x, (x) => Math.sign(x), () => -1, (_x, y) => 0.5 / y, (x) => 2 * x, (x) => sigmoid(x), () => 0,
];

function binaryFn(op: BinaryOpCode, dtype: DTypeCode): (a: number, b: number) => number {
  const intDiv = !isFloatCode(dtype);
  switch (op) {
    case 0: return (a, b) => a + b;
    case 1: return (a, b) => a - b;
    case 2: return (a, b) => a * b;
    case 3: return intDiv ? (a, b) => Math.trunc(a / b) : (a, b) => a / b;
    case 4: return (a, b) => a ** b;
    case 5: return (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b));
    case 6: return (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b));
    case 7: return (a, b) => +(a === b);
    case 8: return (a, b) => +(a !== b);
    case 9: return (a, b) => +(a < b);
    case 10: return (a, b) => +(a <= b);
    case 11: return (a, b) => +(a > b);
    default: return (a, b) => +(a >= b);
  }
}

function philoxWords(seed: number, block: number): number[] {
  const M0 = 0xd2511f53n;
  const M1 = 0xcd9e8d57n;
  let c = [BigInt(block >>> 0), BigInt(Math.floor(block / 2 ** 32) >>> 0), 0n, 0n];
  let k0 = BigInt(seed >>> 0);
  let k1 = BigInt(Math.floor(seed / 2 ** 32) >>> 0);
  const mask = 0xffffffffn;
  for (let r = 0; r < 10; r++) {
    const p0 = M0 * c[0]!;
    const p1 = M1 * c[2]!;
    c = [((p1 >> 32n) ^ c[1]! ^ k0) & mask, p1 & mask, ((p0 >> 32n) ^ c[3]! ^ k1) & mask, p0 & mask];
    k0 = (k0 + 0x9e3779b9n) & mask;
    k1 = (k1 + 0xbb67ae85n) & mask;
  }
  return c.map(Number);
}

function randomFill(dtype: DTypeCode, out: NativeBuffer, n: number, seed: number, counter: number, f: (u: number[], i: number) => number): void {
  if (!isFloatCode(dtype)) fail('E_DTYPE', 'random: float dtypes only');
  const v = view(out, dtype);
  for (let b = 0; b * 4 < n; b++) {
    const words = philoxWords(seed, counter + b).map((w) => (w + 0.5) / 2 ** 32);
    for (let j = 0; j < 4 && b * 4 + j < n; j++) put(v, dtype, b * 4 + j, f(words, j));
  }
}

function gemm(dtype: DTypeCode, a: NativeBuffer, b: NativeBuffer, out: NativeBuffer, batch: number, m: number, n: number,
  k: number, ta: boolean, tb: boolean, sa: number, sb: number): void {
  const av = view(a, dtype);
  const bv = view(b, dtype);
  const ov = view(out, dtype);
  for (let p = 0; p < batch; p++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < k; q++) {
          s += get(av, p * sa + (ta ? q * m + i : i * k + q)) * get(bv, p * sb + (tb ? j * k + q : q * n + j));
        }
        put(ov, dtype, p * m * n + i * n + j, s);
      }
    }
  }
}

export function createReferenceAddon(): NativeAddon {
  const addon: NativeAddon = {
    capabilities: () => ({ dnnl: false, dnnlVersion: '', cuda: false, cudaReason: 'reference addon (tests)', threads: 1 }),
    numGpus: () => 0,
    alloc(deviceType, deviceId, byteLength) {
      if (deviceType !== 1) fail('E_NO_CUDA', `gpu(${deviceId}) requested but this build has no CUDA`);
      if (!Number.isInteger(byteLength) || byteLength < 0) fail('E_NATIVE_ARGS', `bad byteLength ${byteLength}`);
      if (stats.liveBytes + byteLength > stats.budgetBytes) fail('E_OUT_OF_MEMORY', `alloc of ${byteLength} bytes exceeds budget`);
      stats.liveBytes += byteLength;
      stats.liveBuffers++;
      stats.peakBytes = Math.max(stats.peakBytes, stats.liveBytes);
      const r: RefBuffer = { bytes: new Uint8Array(byteLength), views: {}, deviceType, deviceId, disposed: false };
      registry.register(r, byteLength, r);
      return r as unknown as NativeBuffer;
    },
    dispose(b) {
      const r = b as unknown as RefBuffer;
      if (r.disposed) return;
      r.disposed = true;
      stats.liveBytes -= r.bytes.byteLength;
      stats.liveBuffers--;
      registry.unregister(r);
    },
    bufferInfo(b) {
      const r = b as unknown as RefBuffer;
      return { deviceType: r.deviceType, deviceId: r.deviceId, byteLength: r.bytes.byteLength, disposed: r.disposed };
    },
    memoryStats: () => ({ ...stats }),
    setMemoryBudget(bytes) { stats.budgetBytes = bytes; },
    write(b, off, src) {
      const r = buf(b);
      if (off + src.byteLength > r.bytes.byteLength) fail('E_OUT_OF_BOUNDS', 'write past end');
      r.bytes.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), off);
    },
    read(b, off, dst) {
      const r = buf(b);
      if (off + dst.byteLength > r.bytes.byteLength) fail('E_OUT_OF_BOUNDS', 'read past end');
      new Uint8Array(dst.buffer, dst.byteOffset, dst.byteLength).set(r.bytes.subarray(off, off + dst.byteLength));
    },
    copyBytes(src, so, dst, dof, n) {
      const s = buf(src);
      const d = buf(dst);
      if (so + n > s.bytes.byteLength || dof + n > d.bytes.byteLength) fail('E_OUT_OF_BOUNDS', 'copyBytes past end');
      d.bytes.set(s.bytes.slice(so, so + n), dof);
    },
    fill(dtype, out, n, value) {
      const v = view(out, dtype);
      for (let i = 0; i < n; i++) put(v, dtype, i, value);
    },
    cast(sd, src, dd, dst, n) {
      const s = view(src, sd);
      const d = view(dst, dd);
      for (let i = 0; i < n; i++) put(d, dd, i, get(s, i));
    },
    randomUniform(dtype, out, n, low, high, seed, counter) {
      randomFill(dtype, out, n, seed, counter, (u, j) => low + (high - low) * u[j]!);
    },
    randomNormal(dtype, out, n, mean, std, seed, counter) {
      randomFill(dtype, out, n, seed, counter, (u, j) => {
        const p = j < 2 ? 0 : 2;
        const r = Math.sqrt(-2 * Math.log(u[p]!));
        return mean + std * r * (j % 2 === 0 ? Math.cos(2 * Math.PI * u[p + 1]!) : Math.sin(2 * Math.PI * u[p + 1]!));
      });
    },
    copyStrided(dtype, src, so, ss, dst, dof, ds, shape) {
      const s = view(src, dtype);
      const d = view(dst, dtype);
      forEachIndex(shape, [ss, ds], [so, dof], (_l, pos) => put(d, dtype, pos[1]!, get(s, pos[0]!)));
    },
    fillStrided(dtype, dst, dof, ds, shape, value) {
      const d = view(dst, dtype);
      forEachIndex(shape, [ds], [dof], (_l, pos) => put(d, dtype, pos[0]!, value));
    },
    unary(op: UnaryOpCode, dtype, x, out, n) {
      if (!isFloatCode(dtype) && ![6, 7, 9, 11].includes(op)) fail('E_DTYPE', 'float-only unary op');
      const xv = view(x, dtype);
      const ov = view(out, dtype);
      const f = UNARY[op]!;
      for (let i = 0; i < n; i++) put(ov, dtype, i, f(get(xv, i)));
    },
    unaryBackward(op, dtype, x, y, dy, dx, n) {
      const xv = view(x, dtype);
      const yv = view(y, dtype);
      const gv = view(dy, dtype);
      const dv = view(dx, dtype);
      const f = UNARY_GRAD[op]!;
      for (let i = 0; i < n; i++) put(dv, dtype, i, get(gv, i) * f(get(xv, i), get(yv, i)));
    },
    binary(op, dtype, a, as, b, bs, out, shape) {
      if (as.length !== shape.length || bs.length !== shape.length) fail('E_NATIVE_ARGS', 'rank mismatch');
      const av = view(a, dtype);
      const bv = view(b, dtype);
      const od: DTypeCode = op >= 7 ? 5 : dtype;
      const ov = view(out, od);
      const f = binaryFn(op, dtype);
      forEachIndex(shape, [as, bs], [0, 0], (lin, pos) => put(ov, od, lin, f(get(av, pos[0]!), get(bv, pos[1]!))));
    },
    binaryScalar(op, dtype, x, s, first, out, n) {
      const xv = view(x, dtype);
      const od: DTypeCode = op >= 7 ? 5 : dtype;
      const ov = view(out, od);
      const f = binaryFn(op, dtype);
      for (let i = 0; i < n; i++) put(ov, od, i, first ? f(s, get(xv, i)) : f(get(xv, i), s));
    },
    reduce(op: ReduceOpCode, dtype, x, shape, axes, out) {
      const xv = view(x, dtype);
      const od: DTypeCode = op >= 5 ? 3 : dtype;
      const ov = view(out, od);
      const keptShape = shape.filter((_, i) => !axes.includes(i));
      const outN = keptShape.reduce((p, q) => p * q, 1);
      const count = axes.reduce((p, a) => p * shape[a]!, 1);
      if (count === 0 && op >= 2 && op !== 4) fail('E_NATIVE_ARGS', 'reduction over an empty extent');
      const outStrides: number[] = [];
      let acc = 1;
      for (let i = shape.length - 1; i >= 0; i--) {
        if (axes.includes(i)) outStrides[i] = 0; else { outStrides[i] = acc; acc *= shape[i]!; }
      }
      const redStrides: number[] = [];
      acc = 1;
      for (let i = shape.length - 1; i >= 0; i--) {
        if (axes.includes(i)) { redStrides[i] = acc; acc *= shape[i]!; } else redStrides[i] = 0;
      }
      const init = [0, 0, -Infinity, Infinity, 1, -Infinity, Infinity][op]!;
      const res = new Array(outN).fill(init);
      const arg = new Array(outN).fill(-1);
      forEachIndex(shape, [outStrides, redStrides], [0, 0], (lin, pos) => {
        const v = get(xv, lin);
        const o = pos[0]!;
        if (op <= 1) res[o] += v;
        else if (op === 4) res[o] *= v;
        else {
          const isMax = op === 2 || op === 5;
          const better = arg[o] < 0 || (!Number.isNaN(res[o]) && (Number.isNaN(v) || (isMax ? v > res[o] : v < res[o])));
          if (better) { res[o] = v; arg[o] = pos[1]; }
        }
      });
      for (let o = 0; o < outN; o++) put(ov, od, o, op === 1 ? res[o] / count : op >= 5 ? arg[o] : res[o]);
    },
    softmax(dtype, x, out, outer, len, inner, log) {
      if (!isFloatCode(dtype)) fail('E_DTYPE', 'softmax: float only');
      const xv = view(x, dtype);
      const ov = view(out, dtype);
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          const at = (j: number): number => (o * len + j) * inner + i;
          let m = -Infinity;
          for (let j = 0; j < len; j++) m = Math.max(m, get(xv, at(j)));
          let s = 0;
          for (let j = 0; j < len; j++) s += Math.exp(get(xv, at(j)) - m);
          for (let j = 0; j < len; j++) {
            const z = get(xv, at(j)) - m;
            put(ov, dtype, at(j), log ? z - Math.log(s) : Math.exp(z) / s);
          }
        }
      }
    },
    softmaxBackward(dtype, y, dy, dx, outer, len, inner, log) {
      const yv = view(y, dtype);
      const gv = view(dy, dtype);
      const dv = view(dx, dtype);
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          const at = (j: number): number => (o * len + j) * inner + i;
          let s = 0;
          for (let j = 0; j < len; j++) s += log ? get(gv, at(j)) : get(gv, at(j)) * get(yv, at(j));
          for (let j = 0; j < len; j++) {
            const yj = get(yv, at(j));
            put(dv, dtype, at(j), log ? get(gv, at(j)) - Math.exp(yj) * s : yj * (get(gv, at(j)) - s));
          }
        }
      }
    },
    matmul(dtype, a, b, out, batch, m, n, k, ta, tb, sa, sb) {
      gemm(dtype, a, b, out, batch, m, n, k, ta, tb, sa, sb);
    },
    matmulAsync(...args) {
      addon.matmul(...args);
      return Promise.resolve();
    },
    linear(dtype, x, w, bias, out, rows, inU, outU, act) {
      gemm(dtype, x, w, out, 1, rows, outU, inU, false, true, 0, 0);
      const ov = view(out, dtype);
      const bv = bias ? view(bias, dtype) : null;
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < outU; j++) {
          let v = get(ov, r * outU + j) + (bv ? get(bv, j) : 0);
          if (act >= 0) v = UNARY[act]!(v);
          put(ov, dtype, r * outU + j, v);
        }
      }
    },
    linearAsync(...args) {
      addon.linear(...args);
      return Promise.resolve();
    },
  };
  return addon;
}

const registry = new FinalizationRegistry<number>((bytes) => {
  stats.liveBytes -= bytes;
  stats.liveBuffers--;
});
