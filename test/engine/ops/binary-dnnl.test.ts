// binary() on operands large enough for oneDNN's binary primitive (float32 add / sub / mul with a
// broadcast operand, from 2^16 elements: native/src/ops/binary_cpu.cc): every broadcast pattern it
// takes (a single element, a bias, per-row and per-channel factors, either operand the broadcast
// one) and those it leaves to the loops (equal shapes, both operands broadcast, the first operand
// broadcast under sub, a pattern oneDNN 2.6 has only a reference kernel for, just under the size
// threshold, float64), against numpy.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DType, NDArray } from '../../../engine/index.ts';
import { compareArrays, runNumpy, toWire, type WireArray } from '../support/numpy-oracle.ts';
import { randomArray } from '../support/random-inputs.ts';

const OPS = ['add', 'sub', 'mul'] as const;
type Op = (typeof OPS)[number];

const SHAPES: [number[], number[]][] = [
  [
    [256, 128],
    [256, 128],
  ],
  [[256, 256], []],
  [[], [256, 256]],
  [[600, 120], [120]],
  [[120], [600, 120]],
  [
    [64, 16, 8, 8],
    [1, 16, 1, 1],
  ],
  [
    [16, 1, 1],
    [64, 16, 8, 8],
  ],
  [
    [64, 16, 8, 8],
    [64, 16, 1, 1],
  ],
  [
    [64, 1, 8, 8],
    [64, 16, 8, 8],
  ],
  [
    [256, 1],
    [1, 256],
  ],
  [
    [4, 32, 16, 32],
    [1, 32, 1, 32],
  ],
  [
    [8, 8, 1, 64, 16],
    [8, 1, 1, 64, 1],
  ],
  [[255, 256], [256]],
];

interface Case {
  label: string;
  op: Op;
  a: NDArray;
  b: NDArray;
  out: NDArray;
}
const cases: Case[] = [];
for (const [sa, sb] of SHAPES) {
  for (const dtype of ['float32', 'float64'] as DType[]) {
    const a = randomArray(sa, dtype);
    const b = randomArray(sb, dtype);
    for (const op of OPS) {
      const out = (a as unknown as Record<Op, (b: NDArray) => NDArray>)[op].call(a, b);
      cases.push({ label: `${op} ${dtype}${JSON.stringify(sa)} ${JSON.stringify(sb)}`, op, a, b, out });
    }
  }
}
// float32 operands in float32 arithmetic: one rounding per element, as the kernels do it.
const ORACLE = String.raw`
B = {'add': np.add, 'sub': np.subtract, 'mul': np.multiply}
def run(c):
    a, b = arr(c['a']), arr(c['b'])
    return wire(B[c['op']](a, b))
`;

const results = runNumpy<unknown, WireArray | { error: string }>(
  ORACLE,
  cases.map((c) => ({ op: c.op, a: toWire(c.a), b: toWire(c.b) })),
);

test(`large broadcasting add / sub / mul match numpy (${cases.length} cases)`, () => {
  const failures: string[] = [];
  cases.forEach((c, i) => {
    const r = results[i]!;
    if ('error' in r) {
      failures.push(`${c.label}: numpy raised ${r.error}`);
      return;
    }
    const msg = compareArrays(c.out, r, 1e-6, 1e-7);
    if (msg) failures.push(`${c.label}: ${msg}`);
  });
  assert.deepEqual(failures, []);
});
