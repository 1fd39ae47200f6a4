// Padding of the last 1–3 axes (constant, reflect, replicate) against real PyTorch 1.13's F.pad:
// outputs and the gradient of sum(pad(x) · w), every mode and rank, asymmetric pads; then finite
// differences and the coded errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autograd, np, npx, EngineError, type DType, type NDArray } from '../../../engine/index.ts';
import type { PadMode } from '../../../engine/ops/pad.ts';
import { toWire, type WireArray } from '../support/numpy-oracle.ts';
import { runTorch } from '../support/torch-oracle.ts';
import { assertClose, checkFiniteDiff, randomData } from '../support/op-checks.ts';
import { randomArray } from '../support/random-inputs.ts';

type Pads = [number, number][];
interface Case {
  label: string;
  dtype: DType;
  x: WireArray;
  w: WireArray;
  pads: Pads;
  mode: PadMode;
  value: number;
}
type Ref = { y?: WireArray; gx?: WireArray; error?: string };

const cases: Case[] = [];
const ours: { y: NDArray; gx: NDArray | null }[] = [];

function add(dtype: DType, shape: number[], pads: Pads, mode: PadMode, value = 0): void {
  const x = randomArray(shape, dtype);
  const outShape = shape.map((d, i) => {
    const j = i - (shape.length - pads.length);
    return j < 0 ? d : d + pads[j]![0] + pads[j]![1];
  });
  const w = randomArray(outShape, dtype);
  x.attachGrad();
  const y = autograd.record(() => npx.pad(x, { pads, mode, value }));
  y.backward(w);
  cases.push({ label: `pad ${mode} ${JSON.stringify(pads)} ${dtype} ${JSON.stringify(shape)}`, dtype, x: toWire(x), w: toWire(w), pads, mode, value });
  ours.push({ y, gx: x.grad });
}

for (const dtype of ['float32', 'float64'] as DType[]) {
  for (const mode of ['constant', 'reflect', 'replicate'] as PadMode[]) {
    add(dtype, [2, 3, 6], [[2, 1]], mode, 0);
    add(
      dtype,
      [2, 3, 5, 4],
      [
        [1, 2],
        [3, 0],
      ],
      mode,
    );
    add(
      dtype,
      [1, 2, 4, 3, 5],
      [
        [1, 1],
        [2, 1],
        [0, 3],
      ],
      mode,
    );
    add(
      dtype,
      [2, 2, 3, 3],
      [
        [2, 2],
        [2, 2],
      ],
      mode,
    );
    add(
      dtype,
      [1, 1, 1, 2],
      [
        [0, 0],
        [1, 1],
      ],
      mode,
    );
  }
  add(dtype, [3, 5], [[1, 2]], 'constant', 1.5);
  add(
    dtype,
    [2, 3, 4],
    [
      [1, 0],
      [0, 2],
    ],
    'constant',
    -2,
  );
  add(dtype, [2, 3, 1], [[2, 3]], 'replicate');
  add(
    dtype,
    [4, 8, 30, 30],
    [
      [2, 2],
      [2, 2],
    ],
    'reflect',
  );
}

const results = runTorch<Case, Ref>(
  String.raw`
import torch.nn.functional as F
def run(c):
    x = tensor(c['x'], True); w = tensor(c['w'])
    flat = []
    for before, after in reversed(c['pads']):
        flat += [before, after]
    y = F.pad(x, flat, mode=c['mode'], value=c['value']) if c['mode'] == 'constant' else F.pad(x, flat, mode=c['mode'])
    (y * w).sum().backward()
    return {'y': wire(y), 'gx': wire(x.grad)}
`,
  cases,
);

cases.forEach((c, i) => {
  test(`${c.label} matches torch`, () => {
    const r = results[i]!;
    assert.equal(r.error, undefined, `torch failed: ${r.error}`);
    const tol = c.dtype === 'float32' ? 1e-4 : 1e-12;
    assertClose('y', ours[i]!.y, r.y, tol);
    assertClose('dx', ours[i]!.gx, r.gx, tol);
  });
});

test('pad keeps integer dtypes forward', () => {
  const x = np.array([[1, 2, 3]], { dtype: 'int32' });
  assert.deepEqual(npx.pad(x, { pads: [[1, 1]], value: 7 }).toArray(), [[7, 1, 2, 3, 7]]);
  assert.deepEqual(npx.pad(x, { pads: [[2, 2]], mode: 'reflect' }).toArray(), [[3, 2, 1, 2, 3, 2, 1]]);
  assert.deepEqual(npx.pad(x, { pads: [[2, 1]], mode: 'replicate' }).toArray(), [[1, 1, 1, 2, 3, 3]]);
});

test('pad gradients match finite differences (float64)', () => {
  for (const mode of ['constant', 'reflect', 'replicate'] as PadMode[]) {
    checkFiniteDiff(
      `pad ${mode}`,
      (x) =>
        npx.pad(x!, {
          pads: [
            [2, 1],
            [1, 2],
          ],
          mode,
        }),
      [randomData([2, 3, 4])],
    );
  }
});

function throwsCode(fn: () => unknown, code: string, message: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof EngineError && e.code === code && message.test(e.message), `expected ${code} matching ${message}`);
}

test('bad pads give coded errors', () => {
  const x = np.ones([2, 3, 4]);
  throwsCode(() => npx.pad(x, { pads: [[4, 0]], mode: 'reflect' }), 'E_SHAPE', /reflect padding of axis 2 \(size 4\)/);
  throwsCode(() => npx.pad(x, { pads: [] }), 'E_ARGS', /1 to 3 \[before, after\] pairs/);
  throwsCode(
    () =>
      npx.pad(x, {
        pads: [
          [1, 1],
          [1, 1],
          [1, 1],
          [1, 1],
        ],
      }),
    'E_ARGS',
    /1 to 3/,
  );
  throwsCode(() => npx.pad(x, { pads: [[-1, 0]] }), 'E_ARGS', /pads\[0\] must be a \[before, after\] pair of non-negative integers/);
  throwsCode(
    () =>
      npx.pad(np.ones([4]), {
        pads: [
          [1, 1],
          [1, 1],
        ],
      }),
    'E_SHAPE',
    /cannot pad 2 trailing axes/,
  );
  throwsCode(() => npx.pad(x, { pads: [[1, 1]], mode: 'circular' as PadMode }), 'E_ARGS', /mode must be/);
  throwsCode(() => npx.pad(np.ones([2, 0]), { pads: [[1, 0]], mode: 'replicate' }), 'E_SHAPE', /non-empty axis/);
});
