// Every forward op against numpy on fresh random inputs: several shapes, broadcasting edge
// cases, size-1 and empty dims, float32/float64 and ints. One python3 process for the file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpu, gpu, np, npx, numGpus, withDevice, type Device, type DType, type NDArray } from '../../engine/index.ts';
import { native } from '../../engine/backend/backend.ts';
import { compareArrays, runNumpy, toWire, type WireArray } from './support/numpy-oracle.ts';
import { randomArray, type Domain } from './support/random-inputs.ts';

interface Case {
  label: string;
  op: string;
  inputs: NDArray[];
  attrs?: Record<string, unknown>;
  out: NDArray | NDArray[];
  dtype?: DType;
  rtol: number;
}
const cases: Case[] = [];
const EW = 1e-5;
const RED = 1e-4;

let device: Device = cpu();

function add(
  label: string,
  op: string,
  inputs: NDArray[],
  run: () => NDArray | NDArray[],
  opts: { attrs?: Record<string, unknown>; dtype?: DType; rtol?: number } = {},
): void {
  cases.push({ label: `${label} on ${device}`, op, inputs, attrs: opts.attrs, out: run(), dtype: opts.dtype, rtol: opts.rtol ?? EW });
}

// Style convention 12: one test body for every device; gpu(0) runs when the build and machine have one.
const DEVICES: Device[] = numGpus() > 0 ? [cpu(), gpu(0)] : [cpu()];
if (DEVICES.length === 1) {
  test('ops on gpu(0)', (t) => t.skip(`no GPU: ${native().capabilities().cudaReason || 'numGpus() is 0'}`));
}
for (const d of DEVICES) {
  device = d;
  withDevice(d, generateCases);
}

function generateCases(): void {
  // ---- unary
  const UNARY = ['relu', 'sigmoid', 'tanh', 'gelu', 'exp', 'log', 'abs', 'neg', 'sqrt', 'square', 'softrelu', 'sign'] as const;
  const POSITIVE = new Set(['log', 'sqrt']);
  for (const op of UNARY) {
    for (const dtype of ['float32', 'float64'] as DType[]) {
      for (const shape of [[7], [3, 4], [2, 1, 5], [], [0, 3]]) {
        const x = randomArray(shape, dtype, POSITIVE.has(op) ? 'pos' : 'any');
        add(`${op} ${dtype} ${JSON.stringify(shape)}`, op, [x], () => (x as unknown as Record<string, () => NDArray>)[op]?.call(x) ?? npx[op as 'gelu'](x), {
          dtype,
        });
      }
    }
  }
  for (const op of ['abs', 'neg', 'square', 'sign'] as const) {
    const x = randomArray([4, 3], 'int32', 'int');
    add(`${op} int32`, op, [x], () => x[op](), { dtype: 'int32' });
  }
  {
    const x = randomArray([5], 'int32', 'int');
    add('exp of int32 gives float32', 'exp', [x], () => x.exp(), { dtype: 'float32' });
  }

  // ---- binary with broadcasting
  const NP_NAME: Record<string, string> = {
    add: 'add',
    sub: 'subtract',
    mul: 'multiply',
    div: 'divide',
    pow: 'power',
    maximum: 'maximum',
    minimum: 'minimum',
    eq: 'equal',
    ne: 'notEqual',
    lt: 'less',
    le: 'lessEqual',
    gt: 'greater',
    ge: 'greaterEqual',
  };
  const BINARY = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const;
  const SHAPE_PAIRS: [number[], number[]][] = [
    [
      [3, 4],
      [3, 4],
    ],
    [
      [3, 1],
      [1, 4],
    ],
    [[], [2, 3]],
    [[2, 3], []],
    [
      [2, 1, 3],
      [4, 1],
    ],
    [[5], [2, 5]],
    [[1], [3]],
    [
      [0, 3],
      [1, 3],
    ],
    [
      [2, 0],
      [2, 1],
    ],
  ];
  for (const op of BINARY) {
    const cmp = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'].includes(op);
    for (const dtype of ['float32', 'float64'] as DType[]) {
      for (const [sa, sb] of SHAPE_PAIRS) {
        const domA: Domain = op === 'pow' ? 'pos' : 'any';
        const a = randomArray(sa, dtype, domA);
        const b = op === 'div' ? randomArray(sb, dtype, 'pos') : randomArray(sb, dtype, cmp ? 'int' : 'any').astype(dtype);
        add(`${op} ${dtype} ${JSON.stringify(sa)}·${JSON.stringify(sb)}`, op, [a, b], () => a[op](b), { dtype: cmp ? 'bool' : dtype });
      }
      const x = randomArray([3, 4], dtype, op === 'pow' ? 'pos' : 'any');
      const s = op === 'pow' ? 1.5 : op === 'div' ? 0.7 : 0.25;
      add(`${op} ${dtype} array⊕scalar`, op, [x], () => x[op](s), { attrs: { scalar: s, first: false }, dtype: cmp ? 'bool' : dtype });
      add(`${op} ${dtype} scalar⊕array`, op, [x], () => (np as unknown as Record<string, (a: number, b: NDArray) => NDArray>)[NP_NAME[op]]!(s, x), {
        attrs: { scalar: s, first: true },
        dtype: cmp ? 'bool' : dtype,
      });
    }
  }
  // integer and mixed dtypes (MXNet promotion: int32+float32 → float32, int/int division → float32)
  for (const op of ['add', 'sub', 'mul', 'maximum', 'minimum'] as const) {
    const a = randomArray([3, 4], 'int32', 'int');
    const b = randomArray([4], 'int32', 'int');
    add(`${op} int32`, op, [a, b], () => a[op](b), { dtype: 'int32' });
    const c = randomArray([3, 4], 'int64', 'int');
    add(`${op} int64`, op, [c, b], () => c[op](b), { dtype: 'int64' });
    const f = randomArray([3, 1], 'float32');
    add(`${op} int32+float32`, op, [a, f], () => a[op](f), { dtype: 'float32' });
    const g = randomArray([3, 1], 'float64');
    add(`${op} float32+float64`, op, [f, g], () => f[op](g), { dtype: 'float64' });
    const bo = randomArray([3, 4], 'bool', 'bool');
    add(`${op} bool+int32`, op, [bo, a], () => bo[op](a), { dtype: 'int32' });
    add(`${op} int32 ⊕ 3`, op, [a], () => a[op](3), { attrs: { scalar: 3, first: false }, dtype: 'int32' });
  }
  {
    const a = randomArray([6], 'int32', 'int');
    const b = randomArray([6], 'int32', 'pos').astype('int32');
    add('div int32/int32 → float32', 'div', [a, b], () => a.div(b), { dtype: 'float32' });
    add('add int32 + 0.5 → float32', 'add', [a], () => a.add(0.5), { attrs: { scalar: 0.5, first: false }, dtype: 'float32' });
    add('lt int32 vs int32', 'lt', [a, b], () => a.lt(b), { dtype: 'bool' });
  }

  // ---- reductions
  const REDUCE = ['sum', 'mean', 'max', 'min', 'prod'] as const;
  const AXES: (number | number[] | null)[] = [null, 0, 1, -1, [0, 2], [1, 2]];
  for (const op of REDUCE) {
    for (const dtype of ['float32', 'float64'] as DType[]) {
      for (const axis of AXES) {
        for (const keepdims of [false, true]) {
          const x = randomArray([3, 4, 5], dtype, op === 'prod' ? 'pos' : 'any');
          add(`${op} ${dtype} axis=${JSON.stringify(axis)} keepdims=${keepdims}`, op, [x], () => x[op](axis, keepdims), {
            attrs: { axis, keepdims },
            dtype,
            rtol: RED,
          });
        }
      }
      const v = randomArray([7], dtype);
      add(`${op} ${dtype} 1-D all`, op, [v], () => v[op](), { attrs: { axis: null, keepdims: false }, dtype, rtol: RED });
      const s = randomArray([], dtype);
      add(`${op} ${dtype} 0-d`, op, [s], () => s[op](), { attrs: { axis: null, keepdims: false }, dtype, rtol: RED });
    }
    const i = randomArray([4, 3], 'int32', 'int');
    add(`${op} int32 axis 0`, op, [i], () => i[op](0), { attrs: { axis: 0, keepdims: false }, dtype: op === 'mean' ? 'float32' : 'int32', rtol: RED });
  }
  for (const op of ['sum', 'prod', 'mean'] as const) {
    const e = randomArray([0, 3], 'float32');
    add(`${op} over an empty axis`, op, [e], () => e[op](0), { attrs: { axis: 0, keepdims: false }, dtype: 'float32' });
  }
  for (const op of ['argmax', 'argmin'] as const) {
    for (const axis of [null, 0, 1, -1]) {
      const x = randomArray([4, 6], 'float32');
      add(`${op} axis=${axis}`, op, [x], () => x[op](axis), { attrs: { axis }, dtype: 'int64' });
    }
  }

  // ---- softmax
  for (const log of [false, true]) {
    for (const [shape, axis] of [
      [[4, 5], -1],
      [[4, 5], 0],
      [[2, 3, 4], 1],
      [[6], 0],
    ] as [number[], number][]) {
      for (const dtype of ['float32', 'float64'] as DType[]) {
        const x = randomArray(shape, dtype).mul(3);
        const op = log ? 'logSoftmax' : 'softmax';
        add(`${op} ${dtype} ${JSON.stringify(shape)} axis ${axis}`, op, [x], () => npx[op](x, axis), { attrs: { axis }, dtype, rtol: RED });
      }
    }
  }

  // ---- linear algebra
  const MATMUL_SHAPES: [number[], number[]][] = [
    [
      [3, 4],
      [4, 5],
    ],
    [[4], [4]],
    [[4], [4, 2]],
    [[3, 4], [4]],
    [
      [2, 3, 4],
      [4, 5],
    ],
    [
      [2, 3, 4],
      [2, 4, 5],
    ],
    [
      [1, 3, 4],
      [2, 4, 5],
    ],
    [
      [2, 1, 3, 4],
      [3, 4, 2],
    ],
    [
      [3, 4],
      [2, 4, 5],
    ],
    [
      [0, 4],
      [4, 3],
    ],
    [
      [3, 0],
      [0, 2],
    ],
  ];
  for (const [sa, sb] of MATMUL_SHAPES) {
    for (const dtype of ['float32', 'float64'] as DType[]) {
      const a = randomArray(sa, dtype);
      const b = randomArray(sb, dtype);
      add(`matmul ${dtype} ${JSON.stringify(sa)}@${JSON.stringify(sb)}`, 'matmul', [a, b], () => np.matmul(a, b), { dtype, rtol: RED });
    }
  }
  const DOT_SHAPES: [number[], number[]][] = [
    [
      [3, 4],
      [4, 5],
    ],
    [[4], [4]],
    [[], [3, 2]],
    [[2, 3], []],
    [[2, 3, 4], [4]],
    [[4], [2, 4, 3]],
    [
      [2, 3, 4],
      [5, 4, 2],
    ],
    [
      [3, 4],
      [2, 4, 3],
    ],
  ];
  for (const [sa, sb] of DOT_SHAPES) {
    const a = randomArray(sa, 'float32');
    const b = randomArray(sb, 'float32');
    add(`dot ${JSON.stringify(sa)}·${JSON.stringify(sb)}`, 'dot', [a, b], () => np.dot(a, b), { dtype: 'float32', rtol: RED });
  }
  {
    const a = randomArray([3, 4], 'int32', 'int');
    const b = randomArray([4, 2], 'int32', 'int');
    add('matmul int32', 'matmul', [a, b], () => np.matmul(a, b), { dtype: 'int32' });
  }
  for (const act of [null, 'relu', 'sigmoid', 'tanh'] as const) {
    for (const [xs, units] of [
      [[4, 6], 3],
      [[2, 3, 2], 5],
      [[1, 6], 1],
    ] as [number[], number][]) {
      for (const dtype of ['float32', 'float64'] as DType[]) {
        const x = randomArray(xs, dtype);
        const inUnits = xs.slice(1).reduce((p, q) => p * q, 1);
        const w = randomArray([units, inUnits], dtype);
        const b = randomArray([units], dtype);
        add(`linear ${dtype} ${JSON.stringify(xs)}→${units} act=${act}`, 'linear', [x, w, b], () => npx.linear(x, w, b, { activation: act }), {
          attrs: { act },
          dtype,
          rtol: RED,
        });
        add(`linear no bias ${dtype} ${JSON.stringify(xs)}`, 'linear', [x, w], () => npx.linear(x, w, null, { activation: act }), {
          attrs: { act },
          dtype,
          rtol: RED,
        });
      }
    }
  }
  {
    const x = randomArray([2, 3, 4], 'float32');
    const w = randomArray([5, 4], 'float32');
    add('linear flatten=false', 'linear_nf', [x, w], () => npx.linear(x, w, null, { flatten: false }), { dtype: 'float32', rtol: RED });
  }

  // ---- layout
  for (const [shape, axes] of [
    [[3, 4], null],
    [
      [2, 3, 4],
      [1, 0, 2],
    ],
    [
      [2, 3, 4],
      [2, 0, 1],
    ],
    [[5], null],
    [[0, 2], null],
  ] as [number[], number[] | null][]) {
    const x = randomArray(shape, 'float32');
    add(`transpose ${JSON.stringify(shape)} ${JSON.stringify(axes)}`, 'transpose', [x], () => (axes ? x.transpose(axes) : x.T), { attrs: { axes } });
  }
  for (const [shape, target] of [
    [
      [3, 1],
      [3, 4],
    ],
    [[4], [2, 3, 4]],
    [[], [2, 2]],
    [
      [1, 1],
      [0, 5],
    ],
  ] as [number[], number[]][]) {
    const x = randomArray(shape, 'float64');
    add(`broadcastTo ${JSON.stringify(shape)}→${JSON.stringify(target)}`, 'broadcastTo', [x], () => x.broadcastTo(target), { attrs: { shape: target } });
  }
  for (const [shape, target] of [
    [
      [3, 4],
      [4, 3],
    ],
    [
      [2, 3, 4],
      [-1, 4],
    ],
    [[6], [2, -1, 3]],
    [
      [0, 3],
      [3, -1],
    ],
    [[], [1, 1]],
  ] as [number[], number[]][]) {
    const x = randomArray(shape, 'float32');
    add(`reshape ${JSON.stringify(shape)}→${JSON.stringify(target)}`, 'reshape', [x], () => x.reshape(target), { attrs: { shape: target } });
  }
  for (const axis of [0, 1, -1]) {
    const a = randomArray([2, 3], 'float32');
    const b = randomArray(axis === 0 ? [4, 3] : [2, 5], 'float32');
    add(`concat axis ${axis}`, 'concat', [a, b], () => np.concatenate([a, b], axis), { attrs: { axis } });
    const c = randomArray([2, 3], 'float32');
    add(`stack axis ${axis}`, 'stack', [a, c], () => np.stack([a, c], axis), { attrs: { axis } });
  }
  {
    const a = randomArray([2, 3], 'int32', 'int');
    const b = randomArray([2, 3], 'float32');
    add('concat int32 with float32 → float32', 'concat', [a, b], () => np.concatenate([a, b], 0), { attrs: { axis: 0 }, dtype: 'float32' });
  }
  for (const [shape, spec, axis] of [
    [[6, 2], 3, 0],
    [[2, 7], [2, 5], 1],
    [[5], [1, 1, 4], 0],
    [[4, 3], [-1], 0],
  ] as [number[], number | number[], number][]) {
    const x = randomArray(shape, 'float32');
    add(`split ${JSON.stringify(shape)} ${JSON.stringify(spec)} axis ${axis}`, 'split', [x], () => np.split(x, spec, axis), { attrs: { spec, axis } });
  }
  const INDEXES: [number[], (number | [number | null, number | null, number | null] | null)[]][] = [
    [[4, 5], [0]],
    [
      [4, 5],
      [-1, 2],
    ],
    [
      [4, 5],
      [null, 1],
    ],
    [
      [4, 5],
      [
        [1, 3, null],
        [null, null, 2],
      ],
    ],
    [
      [3, 4, 5],
      [1, [0, 4, 3], -2],
    ],
    [[6], [[-4, null, null]]],
    [[6], [[2, 100, 2]]],
    [[4, 5], [[3, 1, null]]],
  ];
  for (const [shape, index] of INDEXES) {
    const x = randomArray(shape, 'float32');
    add(`get ${JSON.stringify(shape)} ${JSON.stringify(index)}`, 'get', [x], () => x.get(...index), { attrs: { index } });
  }
  {
    const x = randomArray([4, 5], 'float32');
    add('slice [1,3] null', 'get', [x], () => x.slice([1, 3], null), { attrs: { index: [[1, 3, null], null] } });
  }
  // in-place writes: numpy x[idx] = v on a copy
  for (const [shape, index, vshape] of [
    [[4, 5], [0, 0], null],
    [[4, 5], [1], [5]],
    [[4, 5], [null, 2], [4]],
    [
      [4, 5],
      [
        [1, 3, null],
        [0, 4, 2],
      ],
      [2, 1],
    ],
    [[3, 4], null, []],
  ] as [number[], (number | [number | null, number | null, number | null] | null)[] | null, number[] | null][]) {
    const x = randomArray(shape, 'float32');
    const before = x.copy();
    const v = vshape ? randomArray(vshape, 'float64') : null;
    add(
      `set ${JSON.stringify(shape)} ${JSON.stringify(index)} ← ${vshape ? JSON.stringify(vshape) : '42'}`,
      'set',
      v ? [before, v] : [before],
      () => x.set(index, v ?? 42),
      { attrs: { index, scalar: v ? null : 42 }, dtype: 'float32' },
    );
  }
  {
    const x = randomArray([3, 4], 'float32');
    const before = x.copy();
    add('iadd 1 (data()[:] += 1)', 'add', [before], () => x.iadd(1), { attrs: { scalar: 1, first: false }, dtype: 'float32' });
    const y = randomArray([3, 4], 'float32');
    const yb = y.copy();
    const m = y.abs().ge(0.5);
    add('imul by bool mask (data *= abs(data) >= 5)', 'mul', [yb, m], () => y.imul(m), { dtype: 'float32' });
  }

  // ---- creation
  add('arange(4)', 'arange', [], () => np.arange(4), { attrs: { args: [4] }, dtype: 'float32' });
  add('arange(1, 3, 0.5)', 'arange', [], () => np.arange(1, 3, 0.5), { attrs: { args: [1, 3, 0.5] }, dtype: 'float32' });
  add('arange(5, 0, -2)', 'arange', [], () => np.arange(5, 0, -2), { attrs: { args: [5, 0, -2] }, dtype: 'float32' });
  add('eye(3, 4, 1)', 'eye', [], () => np.eye(3, 4, 1), { attrs: { args: [3, 4, 1] }, dtype: 'float32' });
  add('ones int32', 'full', [], () => np.ones([2, 3], { dtype: 'int32' }), { attrs: { shape: [2, 3], value: 1 }, dtype: 'int32' });
  add('full 7.5 float64', 'full', [], () => np.full([4], 7.5, { dtype: 'float64' }), { attrs: { shape: [4], value: 7.5 }, dtype: 'float64' });
  add('zerosLike', 'full', [], () => np.zerosLike(randomArray([2, 2], 'float64')), { attrs: { shape: [2, 2], value: 0 }, dtype: 'float64' });
  add(
    'array nested',
    'full',
    [],
    () =>
      np.array([
        [1, 1],
        [1, 1],
      ]),
    { attrs: { shape: [2, 2], value: 1 }, dtype: 'float32' },
  );
}

const ORACLE = String.raw`
verf = np.vectorize(math.erf, otypes=[float])
def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
U = {
  'relu': lambda x: np.maximum(x, 0), 'sigmoid': lambda x: 1 / (1 + np.exp(-x)), 'tanh': np.tanh,
  'gelu': lambda x: 0.5 * x * (1 + verf(x / math.sqrt(2))), 'exp': np.exp, 'log': np.log, 'abs': np.abs,
  'neg': np.negative, 'sqrt': np.sqrt, 'square': np.square, 'softrelu': lambda x: np.logaddexp(0, x), 'sign': np.sign,
}
B = {'add': np.add, 'sub': np.subtract, 'mul': np.multiply, 'div': np.true_divide, 'pow': np.power,
     'maximum': np.maximum, 'minimum': np.minimum, 'eq': np.equal, 'ne': np.not_equal, 'lt': np.less,
     'le': np.less_equal, 'gt': np.greater, 'ge': np.greater_equal}
def hi(x):
    return x.astype(np.float64) if x.dtype.kind == 'f' else x
def axis_of(a):
    return tuple(a) if isinstance(a, list) else a
def index_of(idx):
    if idx is None:
        return (slice(None),)
    return tuple(i if isinstance(i, int) else slice(None) if i is None else slice(*i) for i in idx)
def run(c):
    op, a = c['op'], c.get('attrs') or {}
    xs = [arr(d) for d in c['inputs']]
    if op in U:
        x = xs[0]
        return wire(U[op](hi(x) if x.dtype.kind == 'f' or op in ('abs', 'neg', 'square', 'sign') else x.astype(np.float64)))
    if op in B:
        if len(xs) == 1:
            x, s = hi(xs[0]), a['scalar']
            return wire(B[op](s, x) if a['first'] else B[op](x, s))
        return wire(B[op](hi(xs[0]), hi(xs[1])))
    if op in ('sum', 'mean', 'max', 'min', 'prod'):
        return wire(getattr(np, op)(hi(xs[0]), axis=axis_of(a['axis']), keepdims=a['keepdims']))
    if op in ('argmax', 'argmin'):
        return wire(getattr(np, op)(xs[0], axis=a['axis']))
    if op == 'softmax':
        return wire(softmax(hi(xs[0]), a['axis']))
    if op == 'logSoftmax':
        x = hi(xs[0]); m = x.max(axis=a['axis'], keepdims=True)
        return wire(x - m - np.log(np.exp(x - m).sum(axis=a['axis'], keepdims=True)))
    if op == 'matmul':
        return wire(np.matmul(hi(xs[0]), hi(xs[1])))
    if op == 'dot':
        return wire(np.dot(hi(xs[0]), hi(xs[1])))
    if op == 'linear':
        x = hi(xs[0]); x = x.reshape(x.shape[0], -1)
        y = x @ hi(xs[1]).T + (hi(xs[2]) if len(xs) > 2 else 0)
        return wire(U[a['act']](y) if a['act'] else y)
    if op == 'linear_nf':
        return wire(hi(xs[0]) @ hi(xs[1]).T)
    if op == 'transpose':
        return wire(np.transpose(xs[0], a['axes']))
    if op == 'broadcastTo':
        return wire(np.broadcast_to(xs[0], a['shape']))
    if op == 'reshape':
        return wire(xs[0].reshape(a['shape']))
    if op == 'concat':
        return wire(np.concatenate([hi(x) for x in xs], axis=a['axis']))
    if op == 'stack':
        return wire(np.stack(xs, axis=a['axis']))
    if op == 'split':
        return [wire(p) for p in np.split(xs[0], a['spec'], axis=a['axis'])]
    if op == 'get':
        return wire(xs[0][index_of(a['index'])])
    if op == 'set':
        x = xs[0].copy()
        x[index_of(a['index'])] = a['scalar'] if a['scalar'] is not None else xs[1]
        return wire(x)
    if op == 'arange':
        return wire(np.arange(*a['args'], dtype=np.float32))
    if op == 'eye':
        n, m, k = a['args']
        return wire(np.eye(n, m, k))
    if op == 'full':
        return wire(np.full(a['shape'], a['value']))
    raise ValueError('unknown op ' + op)
`;

const results = runNumpy<unknown, WireArray | WireArray[] | { error: string }>(
  ORACLE,
  cases.map((c) => ({ op: c.op, inputs: c.inputs.map(toWire), attrs: c.attrs ?? {} })),
);

const groups = new Map<string, number[]>();
cases.forEach((c, i) => {
  const g = `${c.label.split(' ')[0]!} on ${c.label.slice(c.label.lastIndexOf(' on ') + 4)}`;
  groups.set(g, [...(groups.get(g) ?? []), i]);
});

for (const [group, indices] of groups) {
  test(`${group} matches numpy (${indices.length} cases)`, () => {
    const failures: string[] = [];
    for (const i of indices) {
      const c = cases[i]!;
      const r = results[i]!;
      if ('error' in r) {
        failures.push(`${c.label}: numpy raised ${r.error}`);
        continue;
      }
      const outs = Array.isArray(c.out) ? c.out : [c.out];
      const exps = Array.isArray(r) ? r : [r];
      if (outs.length !== exps.length) {
        failures.push(`${c.label}: ${outs.length} outputs, numpy ${exps.length}`);
        continue;
      }
      outs.forEach((o, k) => {
        if (c.dtype && o.dtype !== c.dtype) failures.push(`${c.label}: dtype ${o.dtype}, expected ${c.dtype}`);
        const tol = o.dtype === 'float64' ? Math.min(c.rtol, 1e-9) : c.rtol;
        const msg = compareArrays(o, exps[k]!, tol, o.dtype === 'float64' ? 1e-12 : 1e-6);
        if (msg) failures.push(`${c.label}: ${msg}`);
      });
    }
    assert.deepEqual(failures, []);
  });
}
