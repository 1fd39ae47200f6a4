// Every backward against central finite differences in float64 (eps 1e-6, rtol 1e-5),
// including broadcasting, reused inputs and composite ops.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autograd, np, npx, type NDArray } from '../../engine/index.ts';
import { typedGet } from '../../engine/ndarray/dtype.ts';

type Domain = 'any' | 'pos';
interface Spec {
  shape: number[];
  domain?: Domain;
}

function randomData(spec: Spec): Float64Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = Math.random();
    d[i] = spec.domain === 'pos' ? 0.5 + 2 * r : (r < 0.5 ? -1 : 1) * (0.1 + 1.9 * Math.random());
  }
  return d;
}

const toArr = (d: Float64Array, shape: number[]): NDArray => np.array(d, { shape });
const asList = (o: NDArray | NDArray[]): NDArray[] => (Array.isArray(o) ? o : [o]);

/** Checks d(sum(f(x)·R))/dx from backward against central differences, for every input. */
function checkGrad(f: (...xs: NDArray[]) => NDArray | NDArray[], specs: Spec[], eps = 1e-6, rtol = 1e-5): void {
  const data = specs.map(randomData);
  const probe = asList(f(...data.map((d, i) => toArr(d, specs[i]!.shape))));
  const weights = probe.map((o) => toArr(randomData({ shape: o.shape.slice() }), o.shape.slice()));
  const loss = (outs: NDArray[]): NDArray => outs.map((o, k) => o.mul(weights[k]!).sum()).reduce((a, b) => a.add(b));
  const xs = data.map((d, i) => toArr(d, specs[i]!.shape));
  xs.forEach((x) => x.attachGrad());
  const L = autograd.record(() => loss(asList(f(...xs))));
  L.backward();
  const value = (ds: Float64Array[]): number => loss(asList(f(...ds.map((d, i) => toArr(d, specs[i]!.shape))))).item() as number;
  xs.forEach((x, i) => {
    const g = x.grad!.toTyped();
    for (let j = 0; j < data[i]!.length; j++) {
      const plus = data.map((d) => d.slice());
      const minus = data.map((d) => d.slice());
      plus[i]![j]! += eps;
      minus[i]![j]! -= eps;
      const num = (value(plus) - value(minus)) / (2 * eps);
      const ana = typedGet(g, j);
      assert.ok(
        Math.abs(num - ana) <= rtol * Math.max(Math.abs(num), Math.abs(ana)) + 1e-7,
        `input ${i} element ${j}: backward ${ana}, finite difference ${num}`,
      );
    }
  });
}

const S = (shape: number[], domain: Domain = 'any'): Spec => ({ shape, domain });

const BINARY = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'] as const;
const PAIRS: [number[], number[]][] = [
  [
    [3, 4],
    [3, 4],
  ],
  [
    [3, 1],
    [1, 4],
  ],
  [[], [2, 3]],
  [
    [2, 1, 3],
    [4, 1],
  ],
  [[2, 3], [3]],
];
for (const op of BINARY) {
  test(`${op} backward (broadcasting and scalars)`, () => {
    const dom: Domain = op === 'pow' || op === 'div' ? 'pos' : 'any';
    for (const [a, b] of PAIRS) checkGrad((x, y) => x![op](y!), [S(a, dom), S(b, dom)]);
    checkGrad((x) => x![op](1.7), [S([2, 3], dom)]);
    const npName = { add: 'add', sub: 'subtract', mul: 'multiply', div: 'divide', pow: 'power', maximum: 'maximum', minimum: 'minimum' }[op];
    checkGrad((x) => (np as unknown as Record<string, (a: number, b: NDArray) => NDArray>)[npName]!(1.7, x!), [S([2, 3], dom)]);
  });
}

const UNARY = ['relu', 'sigmoid', 'tanh', 'gelu', 'exp', 'log', 'abs', 'neg', 'sqrt', 'square', 'softrelu', 'sign'] as const;
for (const op of UNARY) {
  test(`${op} backward`, () => {
    const dom: Domain = op === 'log' || op === 'sqrt' ? 'pos' : 'any';
    const f = (x: NDArray): NDArray => (op === 'gelu' || op === 'softrelu' ? npx[op](x) : x[op]());
    checkGrad((x) => f(x!), [S([3, 4], dom)]);
    checkGrad((x) => f(x!), [S([], dom)]);
  });
}

for (const op of ['sum', 'mean', 'max', 'min', 'prod'] as const) {
  test(`${op} backward over axes`, () => {
    const dom: Domain = op === 'prod' ? 'pos' : 'any';
    for (const axis of [null, 0, 1, -1, [0, 2]]) {
      for (const keepdims of [false, true]) checkGrad((x) => x![op](axis, keepdims), [S([2, 3, 4], dom)]);
    }
  });
}

test('softmax and logSoftmax backward', () => {
  for (const axis of [-1, 0, 1]) {
    checkGrad((x) => npx.softmax(x!, axis), [S([3, 4])]);
    checkGrad((x) => npx.logSoftmax(x!, axis), [S([3, 4])]);
  }
  checkGrad((x) => npx.softmax(x!, 1), [S([2, 3, 4])]);
});

test('matmul backward (1-D, 2-D, batched, broadcast batches)', () => {
  const shapes: [number[], number[]][] = [
    [
      [3, 4],
      [4, 2],
    ],
    [[4], [4]],
    [[4], [4, 3]],
    [[3, 4], [4]],
    [
      [2, 3, 4],
      [4, 2],
    ],
    [
      [2, 3, 4],
      [2, 4, 5],
    ],
    [
      [1, 3, 4],
      [2, 4, 2],
    ],
    [
      [2, 1, 2, 3],
      [3, 3, 2],
    ],
  ];
  for (const [a, b] of shapes) checkGrad((x, y) => np.matmul(x!, y!), [S(a), S(b)]);
});

test('dot backward (numpy dot incl. N-D · M-D and scalars)', () => {
  const shapes: [number[], number[]][] = [
    [
      [3, 4],
      [4, 2],
    ],
    [
      [2, 3, 4],
      [5, 4, 2],
    ],
    [[], [2, 3]],
    [[3], [2, 3, 2]],
  ];
  for (const [a, b] of shapes) checkGrad((x, y) => np.dot(x!, y!), [S(a), S(b)]);
});

test('linear backward (bias, no bias, fused activation, flatten)', () => {
  for (const act of [null, 'relu', 'sigmoid', 'tanh', 'gelu'] as const) {
    checkGrad((x, w, b) => npx.linear(x!, w!, b!, { activation: act }), [S([4, 3]), S([2, 3]), S([2])]);
  }
  checkGrad((x, w) => npx.linear(x!, w!), [S([4, 3]), S([5, 3])]);
  checkGrad((x, w, b) => npx.linear(x!, w!, b!), [S([2, 2, 3]), S([3, 6]), S([3])]);
  checkGrad((x, w) => npx.linear(x!, w!, null, { flatten: false }), [S([2, 2, 3]), S([4, 3])]);
});

test('layout ops backward: reshape, expandDims, squeeze, flatten, transpose, broadcastTo', () => {
  checkGrad((x) => x!.reshape([4, 3]).mul(x!.reshape(4, 3)), [S([3, 4])]);
  checkGrad((x) => x!.expandDims(1).mul(2), [S([3, 4])]);
  checkGrad((x) => x!.squeeze().exp(), [S([3, 1, 4])]);
  checkGrad((x) => x!.flatten().tanh(), [S([2, 3, 2])]);
  checkGrad((x) => x!.T.exp(), [S([3, 4])]);
  checkGrad((x) => x!.transpose([2, 0, 1]).sigmoid(), [S([2, 3, 4])]);
  checkGrad((x) => x!.broadcastTo([2, 3, 4]).square(), [S([3, 1])]);
});

test('indexing and joining backward: get, slice, concat, stack, split', () => {
  checkGrad((x) => x!.get(1).square(), [S([3, 4])]);
  checkGrad((x) => x!.get(-1, 2).exp(), [S([3, 4])]);
  checkGrad((x) => x!.get(null, [1, 4, 2]).tanh(), [S([3, 5])]);
  checkGrad((x) => x!.slice([0, 2], [1, null]).square(), [S([3, 4])]);
  checkGrad((x, y) => np.concatenate([x!, y!, x!], 1).square(), [S([2, 3]), S([2, 2])]);
  checkGrad((x, y) => np.stack([x!, y!], 1).exp(), [S([2, 3]), S([2, 3])]);
  checkGrad((x) => np.split(x!, [1, 3], 1).map((p, i) => p.mul(i + 1)), [S([2, 4])]);
});

test('reused inputs: gradients sum within one backward', () => {
  checkGrad((x) => x!.mul(x!).add(x!), [S([3, 3])]);
  checkGrad(
    (x, y) =>
      x!
        .mul(y!)
        .add(x!.div(y!.add(3)))
        .sub(x!.exp().mul(y!)),
    [S([2, 3]), S([3])],
  );
  checkGrad((x) => np.dot(x!, x!.T).relu().sum(1).mul(x!.get(null, 0)), [S([3, 3])]);
});

test('copy, astype(float64) and copyto(cpu) pass gradients through', () => {
  checkGrad((x) => x!.copy().square(), [S([2, 2])]);
  checkGrad((x) => x!.astype('float64').exp(), [S([2, 2])]);
  checkGrad((x) => x!.asInContext(x!.device).exp().add(x!.copyto(x!.device)), [S([2, 2])]);
});
