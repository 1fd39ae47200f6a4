// binary(): the shapes that take the addon's binaryFlat (equal shapes; one operand of a single
// element with no more axes than the other) and their neighbours that must still broadcast through
// strides, for every op, against numpy.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DType, NDArray } from '../../../engine/index.ts';
import { installAddon, native } from '../../../engine/backend/backend.ts';
import type { NativeAddon } from '../../../engine/backend/native-addon.ts';
import { compareArrays, runNumpy, toWire, type WireArray } from '../support/numpy-oracle.ts';
import { randomArray } from '../support/random-inputs.ts';

const OPS = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const;
type Op = (typeof OPS)[number];

/** [a shape, b shape, whether binaryFlat serves it]. */
const SHAPES: [number[], number[], boolean][] = [
  [[5], [5], true],
  [[2, 3, 4], [2, 3, 4], true],
  [[], [], true],
  [[0, 3], [0, 3], true],
  [[2, 3], [], true],
  [[], [2, 3], true],
  [[2, 3], [1], true],
  [[1], [4], true],
  [[2, 3], [1, 1], true],
  [[1, 1, 1], [2, 1, 3], true],
  [[0, 2], [1], true],
  // size 1 but more axes than the other operand: the result gains axes, so strides are passed
  [[1, 1], [3], false],
  [[3], [1, 1], false],
  [[1, 1, 1], [2, 3], false],
  // ordinary broadcasting
  [[3, 1], [1, 4], false],
  [[2, 3], [3], false],
  [[4, 1], [4], false],
];

interface Case {
  label: string;
  op: Op;
  a: NDArray;
  b: NDArray;
  out: NDArray;
}
const cases: Case[] = [];
const flatUse: string[] = [];

function countFlat(body: () => NDArray): [NDArray, number] {
  const real = native();
  let n = 0;
  installAddon(
    new Proxy(real, {
      get(target, prop) {
        const v = target[prop as keyof NativeAddon] as unknown;
        if (typeof v !== 'function') return v;
        if (prop === 'binaryFlat')
          return (...args: unknown[]) => {
            n++;
            return (v as (...a: unknown[]) => unknown).apply(target, args);
          };
        return (...args: unknown[]) => (v as (...a: unknown[]) => unknown).apply(target, args);
      },
    }),
  );
  try {
    return [body(), n];
  } finally {
    installAddon(real);
  }
}

for (const [sa, sb, flat] of SHAPES) {
  for (const [da, db] of [
    ['float32', 'float32'],
    ['float64', 'float64'],
    ['int32', 'int32'],
    ['int32', 'float32'],
  ] as [DType, DType][]) {
    const a = randomArray(sa, da, da === 'int32' ? 'int' : 'pos');
    const b = randomArray(sb, db, db === 'int32' ? 'int' : 'pos');
    for (const op of OPS) {
      if (op === 'pow' && da === 'int32' && db === 'int32') continue; // negative integer exponents: C vs numpy
      const [out, n] = countFlat(() => (a as unknown as Record<Op, (b: NDArray) => NDArray>)[op].call(a, b));
      const label = `${op} ${da}${JSON.stringify(sa)} ${db}${JSON.stringify(sb)}`;
      if ((n === 1) !== flat) flatUse.push(`${label}: binaryFlat called ${n} times, expected ${flat ? 1 : 0}`);
      cases.push({ label, op, a, b, out });
    }
  }
}

const ORACLE = String.raw`
B = {'add': np.add, 'sub': np.subtract, 'mul': np.multiply, 'div': np.true_divide, 'pow': np.power,
     'maximum': np.maximum, 'minimum': np.minimum, 'eq': np.equal, 'ne': np.not_equal, 'lt': np.less,
     'le': np.less_equal, 'gt': np.greater, 'ge': np.greater_equal}
def run(c):
    a, b = arr(c['a']), arr(c['b'])
    if a.dtype.kind == 'f' or b.dtype.kind == 'f' or c['op'] == 'div':
        a, b = a.astype(np.float64), b.astype(np.float64)
    return wire(B[c['op']](a, b))
`;

const results = runNumpy<unknown, WireArray | { error: string }>(
  ORACLE,
  cases.map((c) => ({ op: c.op, a: toWire(c.a), b: toWire(c.b) })),
);

test('binaryFlat serves equal shapes and single-element operands, and only those', () => {
  assert.deepEqual(flatUse, []);
});

test(`binary results on the fast path and beside it match numpy (${cases.length} cases)`, () => {
  const failures: string[] = [];
  cases.forEach((c, i) => {
    const r = results[i]!;
    if ('error' in r) {
      failures.push(`${c.label}: numpy raised ${r.error}`);
      return;
    }
    const f64 = c.out.dtype === 'float64';
    const msg = compareArrays(c.out, r, f64 ? 1e-12 : 1e-5, f64 ? 1e-12 : 1e-6);
    if (msg) failures.push(`${c.label}: ${msg}`);
  });
  assert.deepEqual(failures, []);
});
