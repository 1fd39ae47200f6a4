// conv and convTranspose (1-d and 2-d; strides, padding, dilation, groups, depthwise, fused
// activations, with and without bias) against PyTorch: the output and the gradients to x, weight
// and bias under autograd.record(), float32 (oneDNN) and float64 (the plain kernels). Also
// finite differences, the coded errors on bad shapes, and the addon's own re-checks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autograd, np, npx, EngineError, type DType, type NDArray } from '../../../engine/index.ts';
import { native } from '../../../engine/backend/backend.ts';
import { toWire, type WireArray } from '../support/numpy-oracle.ts';
import { compareRelative, runTorch } from '../support/torch-oracle.ts';
import { randomArray } from '../support/random-inputs.ts';
import { finiteDifferenceCheck } from '../support/finite-difference.ts';

type Act = 'relu' | 'sigmoid' | 'tanh' | 'gelu';
interface Spec {
  kind: 'conv' | 'convTranspose';
  x: number[];
  w: number[];
  bias: boolean;
  strides?: number[];
  padding?: number[];
  dilation?: number[];
  outputPadding?: number[];
  groups?: number;
  act?: Act;
}
interface Case {
  label: string;
  spec: Spec;
  dtype: DType;
  x: NDArray;
  w: NDArray;
  b: NDArray | null;
  gy: NDArray;
  y: NDArray;
  yInference: NDArray;
  dx: NDArray;
  dw: NDArray;
  db: NDArray | null;
}

const specs: Spec[] = [
  { kind: 'conv', x: [2, 3, 7, 7], w: [4, 3, 3, 3], bias: true },
  { kind: 'conv', x: [2, 3, 8, 9], w: [5, 3, 3, 3], bias: true, strides: [2, 2], padding: [1, 1] },
  { kind: 'conv', x: [1, 2, 9, 8], w: [3, 2, 3, 3], bias: false, padding: [2, 2], dilation: [2, 2] },
  { kind: 'conv', x: [2, 4, 10, 7], w: [6, 4, 3, 2], bias: true, strides: [2, 1], padding: [1, 0], dilation: [1, 2] },
  { kind: 'conv', x: [2, 4, 6, 6], w: [6, 2, 3, 3], bias: true, groups: 2, padding: [1, 1] },
  { kind: 'conv', x: [2, 6, 7, 7], w: [6, 1, 3, 3], bias: true, groups: 6, padding: [1, 1] }, // depthwise
  { kind: 'conv', x: [1, 3, 5, 5], w: [6, 1, 3, 3], bias: false, groups: 3, strides: [2, 2] }, // depthwise, multiplier 2
  { kind: 'conv', x: [3, 8, 4, 4], w: [5, 8, 1, 1], bias: true }, // 1x1
  { kind: 'conv', x: [4, 1, 28, 28], w: [6, 1, 5, 5], bias: true, padding: [2, 2], act: 'sigmoid' }, // LeNet's first layer
  { kind: 'conv', x: [2, 6, 14, 14], w: [16, 6, 5, 5], bias: true, act: 'relu' },
  { kind: 'conv', x: [2, 3, 5, 5], w: [4, 3, 5, 5], bias: true, act: 'tanh' }, // kernel = input
  { kind: 'conv', x: [2, 2, 9, 9], w: [3, 2, 2, 2], bias: true, strides: [3, 3], act: 'gelu' }, // stride > kernel
  { kind: 'conv', x: [1, 16, 12, 12], w: [32, 16, 3, 3], bias: true, strides: [2, 2], padding: [1, 1], act: 'relu' },
  { kind: 'conv', x: [2, 3, 10], w: [4, 3, 3], bias: true },
  { kind: 'conv', x: [2, 4, 17], w: [6, 2, 3], bias: true, strides: [2], padding: [1], dilation: [2], groups: 2 },
  { kind: 'conv', x: [3, 5, 11], w: [5, 1, 4], bias: false, groups: 5, padding: [2], act: 'relu' }, // depthwise 1-d
  { kind: 'conv', x: [1, 2, 6], w: [3, 2, 6], bias: true, act: 'sigmoid' },
  { kind: 'convTranspose', x: [2, 4, 5, 5], w: [4, 3, 3, 3], bias: true },
  { kind: 'convTranspose', x: [2, 4, 4, 5], w: [4, 2, 3, 3], bias: true, strides: [2, 2], padding: [1, 1], outputPadding: [1, 1] },
  { kind: 'convTranspose', x: [1, 6, 4, 4], w: [6, 2, 4, 4], bias: false, strides: [2, 2], padding: [1, 1], groups: 3 },
  { kind: 'convTranspose', x: [2, 3, 5, 4], w: [3, 2, 3, 2], bias: true, strides: [2, 1], dilation: [2, 1], padding: [0, 1] },
  { kind: 'convTranspose', x: [2, 4, 6, 6], w: [4, 1, 3, 3], bias: true, groups: 4, padding: [1, 1] }, // depthwise
  { kind: 'convTranspose', x: [2, 3, 7], w: [3, 5, 4], bias: true, strides: [3], padding: [1], outputPadding: [2] },
  { kind: 'convTranspose', x: [1, 4, 6], w: [4, 2, 3], bias: false, dilation: [3], groups: 2 },
];

function options(s: Spec): Record<string, unknown> {
  return { strides: s.strides, padding: s.padding, dilation: s.dilation, groups: s.groups, outputPadding: s.outputPadding, activation: s.act };
}

function apply(s: Spec, x: NDArray, w: NDArray, b: NDArray | null): NDArray {
  return s.kind === 'conv' ? npx.conv(x, w, b, options(s)) : npx.convTranspose(x, w, b, options(s));
}

const cases: Case[] = [];
for (const dtype of ['float32', 'float64'] as DType[]) {
  for (const spec of specs) {
    const x = randomArray(spec.x, dtype);
    // Weights scaled by 1/sqrt(fan-in), as an initializer would: with raw [-2, 2] weights a 75-term sum
    // saturates tanh/sigmoid, and float32's 1 - y² then loses every digit PyTorch's 1 - y² keeps or drops
    // differently (a flaky ~1e-2 mismatch that measures rounding, not the kernel).
    const fanIn = spec.w.slice(1).reduce((a, n) => a * n, 1);
    const w = np.multiply(randomArray(spec.w, dtype), 1 / Math.sqrt(fanIn));
    const outChannels = spec.kind === 'conv' ? spec.w[0]! : spec.w[1]! * (spec.groups ?? 1);
    const b = spec.bias ? randomArray([outChannels], dtype) : null;
    const yInference = apply(spec, x, w, b); // not recorded: the activation is always fused
    [x, w, b].forEach((a) => a?.attachGrad());
    const y = autograd.record(() => apply(spec, x, w, b));
    const gy = randomArray(y.shape, dtype);
    y.backward(gy);
    cases.push({
      label: `${spec.kind} ${dtype} x${JSON.stringify(spec.x)} w${JSON.stringify(spec.w)} ${JSON.stringify(options(spec))}`,
      spec,
      dtype,
      x,
      w,
      b,
      gy,
      y,
      yInference,
      dx: x.grad!,
      dw: w.grad!,
      db: b ? b.grad! : null,
    });
  }
}

const ORACLE = String.raw`
def run(c):
    s = c['spec']
    x, w, gy = T(c['x']), T(c['w']), T(c['gy'], False)
    b = T(c['b']) if c['b'] else None
    nd = len(s['x']) - 2
    kw = dict(stride=s.get('strides') or 1, padding=s.get('padding') or 0, dilation=s.get('dilation') or 1, groups=s.get('groups') or 1)
    if s['kind'] == 'conv':
        y = (F.conv1d if nd == 1 else F.conv2d)(x, w, b, **kw)
    else:
        y = (F.conv_transpose1d if nd == 1 else F.conv_transpose2d)(x, w, b, output_padding=s.get('outputPadding') or 0, **kw)
    act = s.get('act')
    if act == 'relu': y = torch.relu(y)
    if act == 'sigmoid': y = torch.sigmoid(y)
    if act == 'tanh': y = torch.tanh(y)
    if act == 'gelu': y = F.gelu(y)
    y.backward(gy)
    return {'y': W(y), 'dx': W(x.grad), 'dw': W(w.grad), 'db': W(b.grad) if b is not None else None}
`;

interface Expected {
  y: WireArray;
  dx: WireArray;
  dw: WireArray;
  db: WireArray | null;
}
const results = runTorch<unknown, Expected>(
  ORACLE,
  cases.map((c) => ({
    spec: c.spec,
    x: toWire(c.x),
    w: toWire(c.w),
    b: c.b ? toWire(c.b) : null,
    gy: toWire(c.gy),
  })),
);

for (const [i, c] of cases.entries()) {
  test(`${c.label} matches PyTorch (output and gradients)`, () => {
    const r = results[i]!;
    if ('error' in r) assert.fail(`torch failed: ${r.error}`);
    // float32 sums run in float32 on oneDNN (~1e-6 relative); float64 sums run in the plain kernels.
    const tol = c.dtype === 'float32' ? 1e-4 : 1e-10;
    const check = (what: string, ours: NDArray | null, want: WireArray | null): void => {
      assert.ok(ours && want, `${what} missing`);
      const msg = compareRelative(ours, want, tol);
      assert.equal(msg, null, `${what}: ${msg}`);
    };
    check('y', c.y, r.y);
    check('y (not recorded)', c.yInference, r.y);
    check('dx', c.dx, r.dx);
    check('dw', c.dw, r.dw);
    if (c.b) check('db', c.db, r.db);
  });
}

test('conv and convTranspose gradients agree with finite differences (float64)', () => {
  const f64 = (shape: number[]): NDArray => randomArray(shape, 'float64');
  const checks: [string, (...xs: NDArray[]) => NDArray, NDArray[]][] = [
    [
      'conv groups/stride/dilation/tanh',
      (x, w, b) => npx.conv(x, w, b, { strides: [2, 1], padding: 1, dilation: [1, 2], groups: 2, activation: 'tanh' }),
      [f64([2, 4, 7, 6]), f64([6, 2, 3, 2]), f64([6])],
    ],
    ['conv 1-d depthwise relu', (x, w) => npx.conv(x, w, null, { groups: 3, padding: 1, activation: 'relu' }), [f64([2, 3, 9]), f64([3, 1, 3])]],
    [
      'convTranspose output padding',
      (x, w, b) => npx.convTranspose(x, w, b, { strides: 2, padding: 1, outputPadding: 1 }),
      [f64([1, 3, 4, 3]), f64([3, 2, 3, 3]), f64([2])],
    ],
  ];
  for (const [label, f, inputs] of checks) assert.equal(finiteDifferenceCheck(f, inputs), null, label);
});

test('npx.convolution / npx.deconvolution are conv / convTranspose, and inputs are checked with coded errors', () => {
  assert.equal(npx.convolution, npx.conv);
  assert.equal(npx.deconvolution, npx.convTranspose);
  const throwsShape = (f: () => unknown, re: RegExp): void => {
    assert.throws(f, (e: unknown) => e instanceof EngineError && e.code === 'E_SHAPE' && re.test(e.message), re.source);
  };
  const z = (...shape: number[]): NDArray => np.zeros(shape);
  throwsShape(() => npx.conv(z(64, 784), z(6, 1, 5, 5)), /^conv: expects \(N, C, H, W\) for a weight of shape \(6, 1, 5, 5\), got \(64, 784\)/);
  throwsShape(() => npx.conv(z(2, 3, 10), z(6, 3, 3, 3)), /expects \(N, C, H, W\)/);
  throwsShape(() => npx.conv(z(1, 1, 4, 4), z(1, 1, 5, 5)), /kernel \(5\) is larger than the padded input \(4 \+ 2·0 = 4\) along axis H/);
  throwsShape(() => npx.conv(z(1, 1, 8, 3), z(1, 1, 2, 2), null, { dilation: 3 }), /kernel \(4 with dilation 3\) is larger .* axis W/);
  throwsShape(() => npx.conv(z(1, 6, 5, 5), z(4, 3, 3, 3), null, { groups: 4 }), /not divisible by groups: 6 input and 4 output channels/);
  throwsShape(() => npx.conv(z(1, 6, 5, 5), z(4, 2, 3, 3), null, { groups: 2 }), /x has 6 channels but the weight \(4, 2, 3, 3\) with groups = 2 takes 4/);
  throwsShape(() => npx.conv(z(1, 2, 5, 5), z(4, 2, 3, 3), z(3)), /bias must have shape \(4,\)/);
  throwsShape(() => npx.conv(z(1, 2, 5, 5), z(4, 2, 3)), /weight must be .* got \(4, 2, 3\)|expects \(N, C, W\)/);
  throwsShape(() => npx.convTranspose(z(1, 3, 5, 5), z(4, 2, 3, 3)), /x has 3 channels but the weight \(4, 2, 3, 3\) takes 4/);
  throwsShape(() => npx.convTranspose(z(1, 2, 1, 1), z(2, 2, 1, 1), null, { padding: 1 }), /removes the whole output/);
  assert.throws(
    () => npx.convTranspose(z(1, 2, 3, 3), z(2, 2, 3, 3), null, { strides: 2, outputPadding: 2 }),
    (e: unknown) => e instanceof EngineError && e.code === 'E_ARGS' && /outputPadding \(2\) must be smaller than the stride \(2\)/.test(e.message),
  );
  assert.throws(
    () => npx.conv(z(1, 2, 5, 5), z(4, 2, 3, 3), null, { strides: 0 }),
    (e: unknown) => e instanceof EngineError && e.code === 'E_ARGS',
  );
  assert.throws(
    () => npx.conv(z(1, 2, 5, 5).astype('int32'), z(4, 2, 3, 3).astype('int32')),
    (e: unknown) => e instanceof EngineError && e.code === 'E_DTYPE',
  );
});

test('the addon re-checks the geometry and buffer sizes of every convolution entry point', () => {
  const a = native();
  const buf = (n: number): ReturnType<typeof a.alloc> => a.alloc(1, 0, n * 4);
  // n c h w  o kh kw oh ow  sh sw ph pw dh dw groups
  const geom = [1, 2, 5, 5, 3, 3, 3, 3, 3, 1, 1, 0, 0, 1, 1, 1];
  const ok = (): void => a.convolution(0, buf(50), buf(54), null, buf(27), geom, -1);
  ok();
  const code = (f: () => void): string => {
    try {
      f();
      return 'none';
    } catch (e) {
      return (e as { code: string }).code;
    }
  };
  assert.equal(
    code(() => a.convolution(0, buf(49), buf(54), null, buf(27), geom, -1)),
    'E_OUT_OF_BOUNDS',
  );
  assert.equal(
    code(() => a.convolution(0, buf(50), buf(53), null, buf(27), geom, -1)),
    'E_OUT_OF_BOUNDS',
  );
  assert.equal(
    code(() => a.convolution(0, buf(50), buf(54), buf(2), buf(27), geom, -1)),
    'E_OUT_OF_BOUNDS',
  );
  assert.equal(
    code(() => a.convolution(0, buf(50), buf(54), null, buf(26), geom, -1)),
    'E_OUT_OF_BOUNDS',
  );
  const bad = (i: number, v: number): number[] => geom.map((g, j) => (j === i ? v : g));
  assert.equal(
    code(() => a.convolution(0, buf(50), buf(54), null, buf(1000), bad(7, 4), -1)),
    'E_NATIVE_ARGS',
  ); // oh
  assert.equal(
    code(() => a.convolution(0, buf(50), buf(54), null, buf(1000), bad(5, 9), -1)),
    'E_NATIVE_ARGS',
  ); // kernel too big
  assert.equal(
    code(() => a.convolution(0, buf(50), buf(54), null, buf(1000), bad(15, 2), -1)),
    'E_NATIVE_ARGS',
  ); // groups ∤ 3
  assert.equal(
    code(() => a.convolution(0, buf(50), buf(54), null, buf(1000), bad(9, 0), -1)),
    'E_NATIVE_ARGS',
  ); // stride 0
  assert.equal(
    code(() => a.convolution(0, buf(50), buf(54), null, buf(1000), geom.slice(1), -1)),
    'E_NATIVE_ARGS',
  );
  assert.equal(
    code(() => a.convolution(2, buf(50), buf(54), null, buf(27), geom, -1)),
    'E_DTYPE',
  );
  assert.equal(
    code(() => a.convolutionBackwardData(0, buf(54), buf(27), buf(49), geom)),
    'E_OUT_OF_BOUNDS',
  );
  assert.equal(
    code(() => a.convolutionBackwardWeights(0, buf(50), buf(27), buf(53), null, geom)),
    'E_OUT_OF_BOUNDS',
  );
  assert.equal(
    code(() => a.convolutionBackwardWeights(0, buf(50), buf(27), null, buf(2), geom)),
    'E_OUT_OF_BOUNDS',
  );
  const x = buf(50);
  assert.equal(
    code(() => a.convolution(0, x, buf(54), null, x, geom, -1)),
    'E_NATIVE_ARGS',
  ); // y may not alias x
});
