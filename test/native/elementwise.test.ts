// fill, cast, strided copies and the elementwise kernels, against hand- or JS-computed values.
// Sizes of 5000+ elements exercise the oneDNN / OpenMP paths; small ones the plain loops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BINARY_OP as B, UNARY_OP as U, type DTypeCode } from '../../engine/backend/native-addon';
import { addon, BOOL, buf, close, F32, F64, get, I32, I64, seq, throwsCode, U8 } from './helpers';

test('fill converts the value to each dtype', () => {
  const cases: [DTypeCode, number, number][] = [
    [F32, 1.5, 1.5],
    [F64, -2.25, -2.25],
    [I32, 7.9, 7],
    [I32, -7.9, -7],
    [I64, 2 ** 53, 2 ** 53],
    [U8, 300, 255],
    [U8, NaN, 0],
    [BOOL, 2, 1],
    [BOOL, 0, 0],
    [BOOL, NaN, 1],
  ];
  for (const [dt, value, expected] of cases) {
    const b = buf(dt, 3);
    addon.fill(dt, b, 3, value);
    assert.deepEqual(get(dt, b, 3), [expected, expected, expected], `dtype ${dt} value ${value}`);
  }
  const big = buf(F32, 100000);
  addon.fill(F32, big, 100000, 3);
  assert.ok(get(F32, big, 100000).every((v) => v === 3));
});

test('cast between dtypes truncates, saturates NaN to 0 and maps nonzero to true', () => {
  const src = buf(F64, [1.7, -2.5, 0, NaN, 300]);
  const i32 = buf(I32, 5);
  addon.cast(F64, src, I32, i32, 5);
  assert.deepEqual(get(I32, i32, 5), [1, -2, 0, 0, 300]);
  const b = buf(BOOL, 5);
  addon.cast(F64, src, BOOL, b, 5);
  assert.deepEqual(get(BOOL, b, 5), [1, 1, 0, 1, 1]);
  const f = buf(F32, 5);
  addon.cast(I32, i32, F32, f, 5);
  assert.deepEqual(get(F32, f, 5), [1, -2, 0, 0, 300]);
  const i64 = buf(I64, 5);
  addon.cast(I32, i32, I64, i64, 5);
  assert.deepEqual(get(I64, i64, 5), [1, -2, 0, 0, 300]);
  throwsCode(() => addon.cast(F64, src, I32, i32, 6), 'E_OUT_OF_BOUNDS');
  throwsCode(() => addon.cast(9 as DTypeCode, src, I32, i32, 1), 'E_DTYPE');
});

test('copyStrided: transpose, broadcast, slice-assign, and in-place overlapping shifts', () => {
  // [[1,2,3],[4,5,6]] transposed into a contiguous [3,2]
  const src = buf(F32, [1, 2, 3, 4, 5, 6]);
  const dst = buf(F32, 6);
  addon.copyStrided(F32, src, 0, [1, 3], dst, 0, [2, 1], [3, 2]);
  assert.deepEqual(get(F32, dst, 6), [1, 4, 2, 5, 3, 6]);
  // broadcast row 1 ([4,5,6]) to [2,3] with stride 0
  addon.copyStrided(F32, src, 3, [0, 1], dst, 0, [3, 1], [2, 3]);
  assert.deepEqual(get(F32, dst, 6), [4, 5, 6, 4, 5, 6]);
  // shift elements 0..4 right by one inside the same buffer
  const same = buf(I32, [1, 2, 3, 4, 5, 6]);
  addon.copyStrided(I32, same, 0, [1], same, 1, [1], [5]);
  assert.deepEqual(get(I32, same, 6), [1, 1, 2, 3, 4, 5]);
  // a large permute (OpenMP path) checked against JS
  const [d0, d1, d2] = [40, 30, 50];
  const vals = seq(d0 * d1 * d2);
  const big = buf(F64, vals);
  const out = buf(F64, vals.length);
  addon.copyStrided(F64, big, 0, [1, d2, d1 * d2], out, 0, [d1 * d0, d0, 1], [d2, d1, d0]);
  const got = get(F64, out, vals.length);
  for (const [i, j, k] of [
    [0, 0, 0],
    [3, 7, 11],
    [49, 29, 39],
  ] as const)
    assert.equal(got[i * d1 * d0 + j * d0 + k], vals[k * d1 * d2 + j * d2 + i]);
});

test('copyStrided: batched transposes (tiled path) match JS, with offsets and padding', () => {
  const [b, r, c] = [3, 37, 45];
  const vals = seq(b * r * c + 5, 6);
  const src = buf(F32, vals);
  const dst = buf(F32, b * c * (r + 2) + 1);
  addon.fill(F32, dst, b * c * (r + 2) + 1, -9);
  // dst[q][j][i] (row pitch r + 2, offset 1) = src[5 + q*r*c + i*c + j]
  addon.copyStrided(F32, src, 5, [r * c, 1, c], dst, 1, [c * (r + 2), r + 2, 1], [b, c, r]);
  const got = get(F32, dst, b * c * (r + 2) + 1);
  for (let q = 0; q < b; q++)
    for (let j = 0; j < c; j++)
      for (let i = 0; i < r + 2; i++) {
        const expected = i < r ? Math.fround(vals[5 + q * r * c + i * c + j]!) : -9;
        assert.equal(got[1 + q * c * (r + 2) + j * (r + 2) + i], expected);
      }
  assert.equal(got[0], -9);
});

test('fillStrided writes a strided sub-block only', () => {
  const b = buf(F32, [0, 0, 0, 0, 0, 0]);
  addon.fillStrided(F32, b, 1, [3, 1], [2, 2], 9);
  assert.deepEqual(get(F32, b, 6), [0, 9, 9, 0, 9, 9]);
});

const xs = [-3, -0.5, 0, 0.5, 2, 30];
const ref: Record<number, (x: number) => number> = {
  [U.relu]: (x) => Math.max(x, 0),
  [U.sigmoid]: (x) => 1 / (1 + Math.exp(-x)),
  [U.tanh]: Math.tanh,
  [U.exp]: Math.exp,
  [U.abs]: Math.abs,
  [U.neg]: (x) => -x,
  [U.square]: (x) => x * x,
  [U.softrelu]: (x) => Math.log1p(Math.exp(x)),
  [U.sign]: Math.sign,
};
const geluRef = [-0.0040496, -0.1542687, 0, 0.3457312, 1.9544997, 30];

test('unary ops match reference values (f64 exact-ish, f32 on oneDNN at n >= 4096)', () => {
  for (const [op, f] of Object.entries(ref)) {
    const x = buf(F64, xs),
      y = buf(F64, xs.length);
    addon.unary(Number(op) as never, F64, x, y, xs.length);
    close(get(F64, y, xs.length), xs.map(f), 1e-12);
  }
  const x = buf(F64, xs),
    y = buf(F64, xs.length);
  addon.unary(U.gelu, F64, x, y, xs.length);
  close(get(F64, y, xs.length), geluRef, 1e-6);
  const pos = [0.25, 1, 4];
  addon.unary(U.log, F64, buf(F64, pos), y, 3);
  close(get(F64, y, 3), pos.map(Math.log), 1e-12);
  addon.unary(U.sqrt, F64, buf(F64, pos), y, 3);
  close(get(F64, y, 3), pos.map(Math.sqrt), 1e-12);
  // softrelu stays finite and exact far from 0
  addon.unary(U.softrelu, F64, buf(F64, [1000, -1000]), y, 2);
  close(get(F64, y, 2), [1000, 0], 1e-12);

  const n = 5000;
  const vals = seq(n).map((v) => v * 4);
  for (const op of [U.relu, U.sigmoid, U.tanh, U.gelu, U.exp, U.abs, U.neg, U.square, U.softrelu]) {
    const xf = buf(F32, vals),
      yf = buf(F32, n),
      yd = buf(F64, n);
    addon.unary(op, F32, xf, yf, n);
    addon.unary(
      op,
      F64,
      buf(
        F64,
        vals.map((v) => Math.fround(v)),
      ),
      yd,
      n,
    );
    close(get(F32, yf, n), get(F64, yd, n), 2e-5);
  }
});

test('float32 unary at n >= 4096 keeps NaN and stays accurate far from 0 (same as the small path)', () => {
  const n = 5000;
  const special = [NaN, -100, -20, 20, 100, 0];
  const vals = new Array<number>(n).fill(0.5);
  special.forEach((v, i) => (vals[i] = v));
  for (const op of Object.values(U)) {
    const big = buf(F32, n),
      small = buf(F32, special.length);
    addon.unary(op, F32, buf(F32, vals), big, n);
    addon.unary(op, F32, buf(F32, special), small, special.length);
    const [b, s] = [get(F32, big, special.length), get(F32, small, special.length)];
    assert.ok(Number.isNaN(b[0]!), `op ${op}: NaN in, NaN out`);
    close(b.slice(1), s.slice(1), 1e-5);
  }
  const sr = buf(F32, n);
  addon.unary(U.softrelu, F32, buf(F32, vals), sr, n);
  const got = get(F32, sr, 3);
  assert.ok(got[2]! > 0 && Math.abs(got[2]! - Math.exp(-20)) < 1e-12, `softrelu(-20) = ${got[2]}`);
});

test('unary on integers: abs, neg, square, sign; float-only ops reject ints', () => {
  const x = buf(I32, [-3, 0, 4]),
    y = buf(I32, 3);
  addon.unary(U.abs, I32, x, y, 3);
  assert.deepEqual(get(I32, y, 3), [3, 0, 4]);
  addon.unary(U.square, I32, x, y, 3);
  assert.deepEqual(get(I32, y, 3), [9, 0, 16]);
  addon.unary(U.sign, I32, x, y, 3);
  assert.deepEqual(get(I32, y, 3), [-1, 0, 1]);
  throwsCode(() => addon.unary(U.exp, I32, x, y, 3), 'E_DTYPE', /unary\(exp\)/);
  throwsCode(() => addon.unary(U.abs, BOOL, x, y, 3), 'E_DTYPE');
  throwsCode(() => addon.unary(Object.keys(U).length as never, F32, x, y, 1), 'E_NATIVE_ARGS');
});

test('unaryBackward matches central finite differences in float64', () => {
  const pts = [-1.3, -0.4, 0.3, 0.9, 2.1];
  const h = 1e-6;
  for (const op of Object.values(U)) {
    const xsOp = op === U.log || op === U.sqrt ? pts.map(Math.abs) : pts;
    const n = xsOp.length;
    const x = buf(F64, xsOp),
      y = buf(F64, n),
      dy = buf(
        F64,
        xsOp.map((_, i) => 1 + i),
      ),
      dx = buf(F64, n);
    addon.unary(op, F64, x, y, n);
    addon.unaryBackward(op, F64, x, y, dy, dx, n);
    const yp = buf(F64, n),
      ym = buf(F64, n);
    addon.unary(
      op,
      F64,
      buf(
        F64,
        xsOp.map((v) => v + h),
      ),
      yp,
      n,
    );
    addon.unary(
      op,
      F64,
      buf(
        F64,
        xsOp.map((v) => v - h),
      ),
      ym,
      n,
    );
    const [p, m] = [get(F64, yp, n), get(F64, ym, n)];
    const numeric = p.map((v, i) => ((v - m[i]!) / (2 * h)) * (1 + i));
    close(get(F64, dx, n), numeric, 1e-5);
  }
});

test('unaryBackward float32 at n >= 4096 (oneDNN eltwise_backward + plain tail) matches float64', () => {
  const n = 4096 + 4096 + 123; // two oneDNN chunks and a plain tail
  const base = seq(n, 21).map((v) => Math.fround(v * 3));
  for (const op of Object.values(U)) {
    const xs32 = op === U.log || op === U.sqrt ? base.map((v) => Math.fround(Math.abs(v) + 0.1)) : base;
    const dyv = seq(n, 22).map(Math.fround);
    const results = [F32, F64].map((dt) => {
      const x = buf(dt, xs32),
        y = buf(dt, n),
        dx = buf(dt, n);
      addon.unary(op, dt, x, y, n);
      addon.unaryBackward(op, dt, x, y, buf(dt, dyv), dx, n);
      return get(dt, dx, n);
    });
    close(results[0]!, results[1]!, 1e-4);
  }
});

test('binary ops with broadcasting strides', () => {
  const a = buf(F32, [1, 2, 3, 4, 5, 6]); // [2,3]
  const b = buf(F32, [10, 20, 30]); // [3] broadcast over rows
  const out = buf(F32, 6);
  addon.binary(B.add, F32, a, [3, 1], b, [0, 1], out, [2, 3]);
  assert.deepEqual(get(F32, out, 6), [11, 22, 33, 14, 25, 36]);
  const col = buf(F32, [100, 200]); // [2,1] broadcast over columns
  addon.binary(B.sub, F32, col, [1, 0], a, [3, 1], out, [2, 3]);
  assert.deepEqual(get(F32, out, 6), [99, 98, 97, 196, 195, 194]);
  // a transposed operand
  addon.binary(B.mul, F32, a, [1, 3], a, [1, 3], out, [3, 2]);
  assert.deepEqual(get(F32, out, 6), [1, 16, 4, 25, 9, 36]);
  const cmp = buf(BOOL, 6);
  addon.binary(B.ge, F32, a, [3, 1], b, [0, 0], cmp, [2, 3]);
  assert.deepEqual(get(BOOL, cmp, 6), [0, 0, 0, 0, 0, 0]);
  addon.binary(B.lt, F32, a, [1], b, [0], cmp, [6]);
  assert.deepEqual(get(BOOL, cmp, 6), [1, 1, 1, 1, 1, 1]);
  const nan = buf(F64, [NaN, 1]),
    one = buf(F64, [1, NaN]),
    o2 = buf(F64, 2);
  addon.binary(B.maximum, F64, nan, [1], one, [1], o2, [2]);
  close(get(F64, o2, 2), [NaN, NaN]);
  addon.binary(B.ne, F64, nan, [1], nan, [1], cmp, [2]);
  assert.deepEqual(get(BOOL, cmp, 2), [1, 0]);
  // large, non-contiguous, OpenMP path
  const n = 300 * 200;
  const va = seq(n, 3),
    vb = seq(200, 4);
  const out2 = buf(F64, n);
  addon.binary(B.div, F64, buf(F64, va), [200, 1], buf(F64, vb), [0, 1], out2, [300, 200]);
  close(
    get(F64, out2, n),
    va.map((v, i) => v / vb[i % 200]!),
    1e-12,
  );
});

test('binary with a transposed operand (tiled path) matches JS', () => {
  const [q, r, c] = [2, 40, 50];
  const va = seq(q * r * c, 31),
    vb = seq(q * c * r, 32);
  const out = buf(F64, q * r * c);
  // out[p][i][j] = a[p][i][j] - b[p][j][i]
  addon.binary(B.sub, F64, buf(F64, va), [r * c, c, 1], buf(F64, vb), [c * r, 1, r], out, [q, r, c]);
  const got = get(F64, out, q * r * c);
  for (let p = 0; p < q; p++)
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) assert.equal(got[(p * r + i) * c + j], va[(p * r + i) * c + j]! - vb[(p * c + j) * r + i]!);
});

test('integer binary ops: C division with /0 → 0, integer pow, wrapping', () => {
  const a = buf(I32, [7, -7, 5, -2147483648, 2, 3]);
  const b = buf(I32, [2, 2, 0, -1, 10, -1]);
  const out = buf(I32, 6);
  addon.binary(B.div, I32, a, [1], b, [1], out, [6]);
  assert.deepEqual(get(I32, out, 6), [3, -3, 0, -2147483648, 0, -3]);
  addon.binary(B.pow, I32, a, [1], b, [1], out, [6]);
  assert.deepEqual(get(I32, out, 6), [49, 49, 1, 0, 1024, 0]);
  addon.binary(B.add, I32, a, [1], a, [1], out, [6]);
  assert.equal(get(I32, out, 6)[3], 0, 'INT_MIN + INT_MIN wraps');
  const t = buf(BOOL, [0, 1, 1]),
    f = buf(BOOL, [0, 0, 1]),
    o = buf(BOOL, 3);
  addon.binary(B.add, BOOL, t, [1], f, [1], o, [3]);
  assert.deepEqual(get(BOOL, o, 3), [0, 1, 1], 'bool add is or');
  addon.binary(B.mul, BOOL, t, [1], f, [1], o, [3]);
  assert.deepEqual(get(BOOL, o, 3), [0, 0, 1], 'bool mul is and');
  throwsCode(() => addon.binary(B.sub, BOOL, t, [1], f, [1], o, [3]), 'E_DTYPE');
});

test('binaryFlat: contiguous operands and a broadcast single element, same results as binary', () => {
  const a = buf(F64, [1, 2, 4, 8]),
    b = buf(F64, [3, 5, 7, 9]),
    one = buf(F64, [2]),
    out = buf(F64, 4);
  addon.binaryFlat(B.sub, F64, a, 1, b, 1, out, 4);
  assert.deepEqual(get(F64, out, 4), [-2, -3, -3, -1]);
  addon.binaryFlat(B.div, F64, a, 1, one, 0, out, 4);
  assert.deepEqual(get(F64, out, 4), [0.5, 1, 2, 4]);
  addon.binaryFlat(B.pow, F64, one, 0, a, 1, out, 4);
  assert.deepEqual(get(F64, out, 4), [2, 4, 16, 256]);
  const cmp = buf(BOOL, 4);
  addon.binaryFlat(B.gt, F64, a, 1, one, 0, cmp, 4);
  assert.deepEqual(get(BOOL, cmp, 4), [0, 0, 1, 1]);
  addon.binaryFlat(B.add, F64, a, 1, b, 1, out, 0); // n = 0: nothing written
  assert.deepEqual(get(F64, out, 4), [2, 4, 16, 256]);
  // Every op and dtype, large (OpenMP) and small, against binary() with the equivalent strides.
  for (const dt of [F32, F64, I32, I64, U8]) {
    for (const n of [7, 70000]) {
      const va = seq(n, 5).map((v) => (dt === F32 || dt === F64 ? v : Math.round(v * 10) + 20));
      const vb = seq(n, 6).map((v) => (dt === F32 || dt === F64 ? v : Math.round(v * 10) + 20));
      const x = buf(dt, va),
        y = buf(dt, vb);
      for (let op = 0; op < 13; op++) {
        const od = op >= B.eq ? BOOL : dt;
        for (const [sx, sy] of [
          [1, 1],
          [1, 0],
          [0, 1],
        ] as const) {
          const o1 = buf(od, n),
            o2 = buf(od, n);
          addon.binaryFlat(op as never, dt, x, sx, y, sy, o1, n);
          addon.binary(op as never, dt, x, [sx], y, [sy], o2, [n]);
          assert.deepEqual(get(od, o1, n), get(od, o2, n), `op ${op} dtype ${dt} n ${n} steps ${sx},${sy}`);
        }
      }
    }
  }
});

test('binaryScalar, both operand orders', () => {
  const x = buf(F64, [1, 2, 4]),
    out = buf(F64, 3);
  addon.binaryScalar(B.div, F64, x, 8, true, out, 3);
  assert.deepEqual(get(F64, out, 3), [8, 4, 2]);
  addon.binaryScalar(B.pow, F64, x, 2, false, out, 3);
  assert.deepEqual(get(F64, out, 3), [1, 4, 16]);
  const cmp = buf(BOOL, 3);
  addon.binaryScalar(B.eq, F64, x, 2, false, cmp, 3);
  assert.deepEqual(get(BOOL, cmp, 3), [0, 1, 0]);
  const xi = buf(I64, [5, -5, 0]),
    oi = buf(I64, 3);
  addon.binaryScalar(B.div, I64, xi, 0, false, oi, 3);
  assert.deepEqual(get(I64, oi, 3), [0, 0, 0]);
  addon.binaryScalar(B.sub, I64, xi, 1, true, oi, 3);
  assert.deepEqual(get(I64, oi, 3), [-4, 6, 1]);
});
