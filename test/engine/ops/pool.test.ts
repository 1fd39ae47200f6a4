// pool (max and average, 1-d and 2-d; strides, padding, ceil mode, count_include_pad, global)
// against PyTorch: the output and the gradient to x under autograd.record(), float32 (oneDNN,
// and the plain kernel where oneDNN's divisor differs) and float64 (the plain kernels). Also
// finite differences, the coded errors, the addon's re-checks, and the global reductions' backward.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autograd, np, npx, EngineError, type DType, type NDArray } from '../../../engine/index.ts';
import { native } from '../../../engine/backend/backend.ts';
import type { PoolModeCode } from '../../../engine/backend/native-addon.ts';
import type { PoolOptions } from '../../../engine/ops/pool.ts';
import { toWire, type WireArray } from '../support/numpy-oracle.ts';
import { compareRelative, runTorch } from '../support/torch-oracle.ts';
import { randomArray } from '../support/random-inputs.ts';
import { finiteDifferenceCheck } from '../support/finite-difference.ts';

interface Spec {
  x: number[];
  o: PoolOptions;
}
interface Case {
  label: string;
  spec: Spec;
  dtype: DType;
  x: NDArray;
  gy: NDArray;
  y: NDArray;
  yInference: NDArray;
  dx: NDArray;
}

const specs: Spec[] = [];
for (const mode of ['max', 'avg'] as const) {
  specs.push(
    { x: [2, 3, 8, 8], o: { mode, kernel: 2 } },
    { x: [2, 3, 7, 9], o: { mode, kernel: 3, strides: 2, padding: 1 } },
    { x: [1, 4, 7, 7], o: { mode, kernel: 3, strides: 2, ceilMode: true } },
    { x: [2, 2, 6, 5], o: { mode, kernel: [3, 2], strides: [2, 1], padding: [1, 1], ceilMode: true } },
    { x: [2, 2, 5, 5], o: { mode, kernel: 2, strides: 2, padding: 1, ceilMode: true } }, // a window past the right padding
    { x: [1, 3, 9, 9], o: { mode, kernel: 3, strides: 1, padding: 1 } }, // overlapping windows
    // Average pooling with windows inside the input runs plane by plane (pool_cpu.cc
    // averageInside; 2×2 / stride 2 four outputs at a time, then a scalar tail), max pooling on
    // oneDNN (channels-last copies from 16384 outputs): LeNet's first pooling at batch 4 and 16,
    { x: [4, 6, 28, 28], o: { mode, kernel: 2, strides: 2 } },
    { x: [16, 6, 28, 28], o: { mode, kernel: 2, strides: 2 } },
    { x: [2, 3, 9, 11], o: { mode, kernel: 2, strides: 2 } }, // odd sizes: one group of four and a tail of one
    { x: [2, 2, 9, 10], o: { mode, kernel: [3, 2], strides: [2, 3] } }, // unequal, with gaps
    { x: [8, 16, 16, 16], o: { mode, kernel: 3, strides: 1, padding: 1 } }, // overlapping, padded
    { x: [16, 32, 64], o: { mode, kernel: 2 } }, // 1-d
    { x: [2, 3, 10], o: { mode, kernel: 3 } },
    { x: [2, 3, 11], o: { mode, kernel: 4, strides: 2, padding: 2, ceilMode: true } },
    { x: [3, 2, 9], o: { mode, kernel: 2, strides: 3 } }, // gaps between windows
    { x: [2, 3, 5, 6], o: { mode, global: true } },
    { x: [2, 3, 7], o: { mode, global: true } },
  );
  if (mode === 'avg') {
    specs.push(
      { x: [2, 3, 7, 9], o: { mode, kernel: 3, strides: 2, padding: 1, countIncludePad: false } },
      { x: [8, 16, 16, 16], o: { mode, kernel: 3, strides: 1, padding: 1, countIncludePad: false } },
      { x: [2, 2, 5, 5], o: { mode, kernel: 2, strides: 2, padding: 1, ceilMode: true, countIncludePad: false } },
      { x: [2, 2, 6, 5], o: { mode, kernel: [3, 2], strides: [2, 1], padding: [1, 1], ceilMode: true, countIncludePad: false } },
      { x: [2, 3, 11], o: { mode, kernel: 4, strides: 2, padding: 2, ceilMode: true, countIncludePad: false } },
    );
  }
}

const cases: Case[] = [];
for (const dtype of ['float32', 'float64'] as DType[]) {
  for (const spec of specs) {
    const x = randomArray(spec.x, dtype);
    const yInference = npx.pool(x, spec.o);
    x.attachGrad();
    const y = autograd.record(() => npx.pool(x, spec.o));
    const gy = randomArray(y.shape, dtype);
    y.backward(gy);
    cases.push({ label: `pool ${dtype} x${JSON.stringify(spec.x)} ${JSON.stringify(spec.o)}`, spec, dtype, x, gy, y, yInference, dx: x.grad! });
  }
}

const ORACLE = String.raw`
def run(c):
    s, o = c['spec'], c['spec']['o']
    x, gy = T(c['x']), T(c['gy'], False)
    nd = len(s['x']) - 2
    k = list(x.shape[2:]) if o.get('global') else o['kernel']
    st = o.get('strides') or k
    p = 0 if o.get('global') else (o.get('padding') or 0)
    ceil = bool(o.get('ceilMode'))
    if o.get('mode', 'max') == 'max':
        y = (F.max_pool1d if nd == 1 else F.max_pool2d)(x, k, st, p, ceil_mode=ceil)
    else:
        y = (F.avg_pool1d if nd == 1 else F.avg_pool2d)(x, k, st, p, ceil_mode=ceil, count_include_pad=o.get('countIncludePad', True))
    y.backward(gy)
    return {'y': W(y), 'dx': W(x.grad)}
`;

interface Expected {
  y: WireArray;
  dx: WireArray;
}
const results = runTorch<unknown, Expected>(
  ORACLE,
  cases.map((c) => ({ spec: c.spec, x: toWire(c.x), gy: toWire(c.gy) })),
);

for (const [i, c] of cases.entries()) {
  test(`${c.label} matches PyTorch (output and gradient)`, () => {
    const r = results[i]!;
    if ('error' in r) assert.fail(`torch failed: ${r.error}`);
    const tol = c.dtype === 'float32' ? 1e-5 : 1e-12;
    for (const [what, ours, want] of [
      ['y', c.y, r.y],
      ['y (not recorded)', c.yInference, r.y],
      ['dx', c.dx, r.dx],
    ] as const) {
      const msg = compareRelative(ours, want, tol);
      assert.equal(msg, null, `${what}: ${msg}`);
    }
  });
}

test("max pooling's gradient goes to each window's first maximum, a NaN winning (as PyTorch), in both dtypes", () => {
  for (const dtype of ['float32', 'float64'] as DType[]) {
    // Windows (2×2, stride 2): [1, NaN; 3, 2] → the NaN; [5, 5; 1, 5] → the first 5; [-inf ×4] → the first.
    const x = np.array(
      [
        [
          [
            [1, NaN, 5, 5, -Infinity, -Infinity],
            [3, 2, 1, 5, -Infinity, -Infinity],
          ],
        ],
      ],
      { dtype },
    );
    x.attachGrad();
    const y = autograd.record(() => npx.pool(x, { mode: 'max', kernel: 2 }));
    y.backward(np.array([[[[10, 20, 30]]]], { dtype }));
    assert.deepEqual(Array.from(x.grad!.toTyped() as ArrayLike<number>), [0, 10, 20, 0, 30, 0, 0, 0, 0, 0, 0, 0], dtype);
  }
});

test('pool gradients agree with finite differences (float64)', () => {
  const x = (...shape: number[]): NDArray => randomArray(shape, 'float64');
  const checks: [string, PoolOptions, NDArray][] = [
    ['max ceil padded', { mode: 'max', kernel: 3, strides: 2, padding: 1, ceilMode: true }, x(1, 2, 6, 7)],
    ['avg ceil include pad', { mode: 'avg', kernel: 2, strides: 2, padding: 1, ceilMode: true }, x(1, 2, 5, 5)],
    ['avg 1-d exclude pad', { mode: 'avg', kernel: 3, strides: 2, padding: 1, countIncludePad: false }, x(2, 2, 8)],
  ];
  for (const [label, o, input] of checks)
    assert.equal(
      finiteDifferenceCheck((v) => npx.pool(v, o), [input]),
      null,
      label,
    );
});

test('global pooling as reductions (mean / max over the spatial axes) has a backward, and equals global pool', () => {
  const x = randomArray([2, 3, 4, 5], 'float64');
  const pairs: [(v: NDArray) => NDArray, 'avg' | 'max'][] = [
    [(v) => v.mean([2, 3], true), 'avg'],
    [(v) => v.max([2, 3], true), 'max'],
  ];
  for (const [reduce, mode] of pairs) {
    assert.equal(finiteDifferenceCheck(reduce, [x]), null, mode);
    const want = reduce(x).toTyped();
    const pooled = npx.pool(x, { mode, global: true });
    assert.deepEqual(pooled.shape, [2, 3, 1, 1]);
    const got = pooled.toTyped();
    for (let i = 0; i < want.length; i++) assert.ok(Math.abs(Number(want[i]) - Number(got[i])) < 1e-12, `${mode} element ${i}`);
  }
});

test('npx.pooling is pool, and bad arguments give coded errors naming the rule', () => {
  assert.equal(npx.pooling, npx.pool);
  const z = (...shape: number[]): NDArray => npx.relu(randomArray(shape));
  const fails = (f: () => unknown, code: string, re: RegExp): void => {
    assert.throws(f, (e: unknown) => e instanceof EngineError && e.code === code && re.test(e.message), re.source);
  };
  fails(() => npx.pool(z(64, 784), { kernel: 2 }), 'E_SHAPE', /^pool: expects \(N, C, W\) or \(N, C, H, W\), got \(64, 784\)/);
  fails(() => npx.pool(z(1, 1, 3, 3), { kernel: 4 }), 'E_SHAPE', /window \(4\) is larger than the padded input \(3 \+ 2·0 = 3\) along axis H/);
  fails(() => npx.pool(z(1, 1, 6, 6), { kernel: 2, padding: 2 }), 'E_ARGS', /padding \(2\) must be at most half the window \(2\)/);
  fails(() => npx.pool(z(1, 1, 6, 6), { kernel: [2, 2, 2] }), 'E_ARGS', /kernel must be an integer >= 1 or 2 of them/);
  fails(() => npx.pool(z(1, 1, 6, 6), {}), 'E_ARGS', /kernel is required/);
  fails(() => npx.pool(z(1, 1, 6, 6), { kernel: 2, mode: 'sum' as 'max' }), 'E_ARGS', /mode must be 'max' or 'avg'/);
  fails(() => npx.pool(z(1, 1, 6, 6).astype('int32'), { kernel: 2 }), 'E_DTYPE', /needs a float array/);
});

test('the addon re-checks pooling geometry and buffer sizes', () => {
  const a = native();
  const buf = (n: number): ReturnType<typeof a.alloc> => a.alloc(1, 0, n * 4);
  // n c h w oh ow kh kw sh sw ph pw: 5x5 → 2x2 (floor) or 3x3 (ceil) with a 2x2 window, stride 2
  const geom = [1, 2, 5, 5, 2, 2, 2, 2, 2, 2, 0, 0];
  const code = (f: () => void): string => {
    try {
      f();
      return 'none';
    } catch (e) {
      return (e as { code: string }).code;
    }
  };
  assert.equal(
    code(() => a.pooling(0, 0, buf(50), buf(8), geom)),
    'none',
  );
  assert.equal(
    code(() => a.pooling(1, 0, buf(50), buf(18), [1, 2, 5, 5, 3, 3, 2, 2, 2, 2, 0, 0])),
    'none',
  ); // ceil mode
  assert.equal(
    code(() => a.pooling(0, 0, buf(49), buf(8), geom)),
    'E_OUT_OF_BOUNDS',
  );
  assert.equal(
    code(() => a.pooling(0, 0, buf(50), buf(7), geom)),
    'E_OUT_OF_BOUNDS',
  );
  assert.equal(
    code(() => a.pooling(0, 0, buf(50), buf(100), [1, 2, 5, 5, 4, 4, 2, 2, 2, 2, 0, 0])),
    'E_NATIVE_ARGS',
  );
  assert.equal(
    code(() => a.pooling(0, 0, buf(50), buf(100), [1, 2, 5, 5, 2, 2, 2, 2, 2, 2, 2, 0])),
    'E_NATIVE_ARGS',
  ); // pad > k/2
  assert.equal(
    code(() => a.pooling(0, 0, buf(50), buf(100), [1, 2, 5, 5, 1, 1, 9, 2, 2, 2, 0, 0])),
    'E_NATIVE_ARGS',
  ); // window > input
  assert.equal(
    code(() => a.pooling(3 as PoolModeCode, 0, buf(50), buf(8), geom)),
    'E_NATIVE_ARGS',
  );
  assert.equal(
    code(() => a.poolingBackward(0, 0, buf(50), buf(8), buf(49), geom)),
    'E_OUT_OF_BOUNDS',
  );
  assert.equal(
    code(() => a.poolingBackward(0, 0, buf(50), buf(7), buf(50), geom)),
    'E_OUT_OF_BOUNDS',
  );
});
