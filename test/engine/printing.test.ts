// Array printing against numpy's repr (computed by python3 numpy in one call), with MXNet numpy
// mode's post-processing applied on the python side exactly as MXNet's ndarray.__repr__ does.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NDArray, gpu, np, type DType } from '../../engine/index.ts';
import { runNumpy, toWire } from './support/numpy-oracle.ts';
import { randomArray } from './support/random-inputs.ts';

const arrays: [string, NDArray][] = [
  ['uniform 1-D', np.random.uniform(0, 1, [2], { seed: Math.floor(Math.random() * 1e6) })],
  ['integer-valued floats', np.array([1, 2, 3])],
  ['0.25 and 1', np.array([1, 0.25])],
  ['float32 2x20 (line wrapping)', randomArray([2, 20], 'float32').mul(0.07)],
  ['float32 3x7 negatives', randomArray([3, 7], 'float32')],
  ['exp notation small', np.array([1e-5, 1, 1000])],
  ['exp notation tiny', randomArray([2, 5], 'float32').mul(1e-8)],
  ['exp notation big', np.array([1e9, 2.5, -3])],
  ['ratio > 1000', np.array([0.001, 5])],
  ['42 with others', np.array([42, -6.0209026, 6.1446533, -8.844563])],
  ['negative zero', np.array([-0, 1.5])],
  ['nan and inf', np.array([NaN, Infinity, -Infinity, 1.5])],
  ['only nan', np.array([NaN, NaN])],
  ['float64 third', np.array([1 / 3, 2 / 3], { dtype: 'float64' })],
  ['float64 random', randomArray([3, 3], 'float64')],
  ['float32 0.1', np.array([0.1, 0.2, 0.3])],
  ['0-d float32', np.array(5.2637568)],
  ['0-d tiny float32', np.array(3.783498e-10)],
  ['0-d int64', np.array(7, { dtype: 'int64' })],
  ['0-d bool', np.array(true)],
  ['int32', randomArray([3, 4], 'int32', 'int')],
  ['int64', np.array([1, -20, 300], { dtype: 'int64' })],
  ['uint8', np.array([0, 7, 255], { dtype: 'uint8' })],
  ['bool', np.array([true, false, true])],
  [
    'bool all true 2-D',
    np.array([
      [true, true],
      [true, true],
    ]),
  ],
  ['empty (0,)', np.zeros([0])],
  ['empty (0, 3)', np.zeros([0, 3])],
  ['empty int32 (2, 0)', np.zeros([2, 0], { dtype: 'int32' })],
  ['empty float64 (0,)', np.zeros([0], { dtype: 'float64' })],
  ['3-D', randomArray([2, 3, 4], 'float32')],
  ['summarized 1-D 2000', np.arange(2000)],
  ['summarized 2-D 100x100 zeros', np.zeros([100, 100])],
  ['summarized 3-D', randomArray([10, 11, 12], 'float32')],
  ['summarized int64', np.arange(0, 3000, 1, { dtype: 'int64' })],
  ['summarized float64', randomArray([1001], 'float64')],
  ['wide ints wrap', np.arange(0, 40, 1, { dtype: 'int32' }).mul(123457)],
  ['one row of 16 ones', np.ones([16])],
  ['column', randomArray([4, 1], 'float32')],
  ['fixed mode, many digits f32', randomArray([3, 4], 'float32', 'unit').mul(0.09).add(0.0001)],
  ['fixed mode, many digits f64', randomArray([3, 4], 'float64', 'unit').mul(0.09).add(0.0001)],
  ['exp mode from 1e6, f32', randomArray([6], 'float32').mul(3e6)],
  ['fixed mode below 1e6, f32', np.array([999999, 1.5, 2048])],
  ['fixed mode large f64', np.array([99999999, 1.5], { dtype: 'float64' })],
  ['float64 exp notation', randomArray([2, 3], 'float64').mul(1e-7)],
  ['float64 big ratio', np.array([123456.789, 0.001234], { dtype: 'float64' })],
  ['float32 long 1-D', randomArray([30], 'float32').mul(100)],
];

// Fuzz: magnitudes from 1e-12 to 1e12, mixed scales, both float dtypes, integers and specials.
const fuzz: NDArray[] = [];
for (let i = 0; i < 300; i++) {
  const dtype: DType = (['float32', 'float64', 'int32', 'int64'] as DType[])[i % 4]!;
  const shape = [1 + Math.floor(Math.random() * 4), 1 + Math.floor(Math.random() * 9)].slice(i % 3 === 0 ? 1 : 0);
  let x = randomArray(shape, 'float64').mul(10 ** Math.floor(Math.random() * 25 - 12));
  if (i % 5 === 0) x = x.mul(randomArray(shape, 'float64').mul(3).exp());
  if (i % 7 === 0) x = x.mul(1000).astype('int64').astype('float64').div(8); // exact binary fractions: ties
  fuzz.push(dtype.startsWith('int') ? x.mul(1e3 / Math.max(1e-30, x.abs().max().item() as number)).astype(dtype) : x.astype(dtype));
}

const gpuView = np.array([
  [1, 1, 1],
  [1, 1, 1],
]);
const onGpu = new NDArray(gpuView.buffer, gpuView.shape, gpuView.dtype, gpu(0));

const ORACLE = String.raw`
# The chapter's MXNet 1.x ran with numpy < 2.2, which did not print shape= on summarized arrays.
np.set_printoptions(legacy='2.1')
def mx_repr(a, ctx):
    s = repr(a)
    if 'dtype=' in s:
        if a.dtype == np.float32:
            s = s[:s.rindex(',')] + ')'
    elif a.dtype not in (np.float32, np.bool_):
        s = s[:-1] + ', dtype={})'.format(a.dtype)
    if ctx:
        s = s[:-1] + ', ctx={})'.format(ctx)
    return s
def run(c):
    return mx_repr(arr(c['a']), c['ctx'])
`;

const expected = runNumpy<{ a: unknown; ctx: string | null }, string>(ORACLE, [
  ...arrays.map(([, a]) => ({ a: toWire(a), ctx: null })),
  { a: toWire(gpuView), ctx: 'gpu(0)' },
  ...fuzz.map((a) => ({ a: toWire(a), ctx: null })),
]);

for (const [i, [label, a]] of arrays.entries()) {
  test(`repr matches numpy/MXNet: ${label}`, () => {
    assert.equal(a.toString(), expected[i]);
  });
}

test(`repr matches numpy/MXNet on ${fuzz.length} random arrays (magnitudes 1e-12..1e12, ties, ints)`, () => {
  const base = arrays.length + 1;
  const mismatches = fuzz.map((a, i) => [a.toString(), expected[base + i]]).filter(([ours, np]) => ours !== np);
  assert.deepEqual(mismatches.slice(0, 3), []);
});

test('repr appends ctx for non-cpu arrays (MXNet: ctx=gpu(0))', () => {
  assert.equal(onGpu.toString(), expected[arrays.length]);
  assert.equal(onGpu.toString(), 'array([[1., 1., 1.],\n       [1., 1., 1.]], ctx=gpu(0))');
});

test('chapter-style outputs', () => {
  assert.equal(np.array([1, 2, 3]).toString(), 'array([1., 2., 3.])');
  assert.equal(np.zeros([10]).toString(), 'array([0., 0., 0., 0., 0., 0., 0., 0., 0., 0.])');
  assert.equal(np.array([-2, -1, 0, 1, 2]).toString(), 'array([-2., -1.,  0.,  1.,  2.])');
  assert.equal(np.array([true, false]).toString(), 'array([ True, False])');
  assert.equal(String(np.arange(4, undefined, 1, { dtype: 'int64' as DType })), 'array([0, 1, 2, 3], dtype=int64)');
});
