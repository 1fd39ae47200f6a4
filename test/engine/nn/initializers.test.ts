// Initializers: Gluon's formulas and defaults, the registry (names, aliases, args, JSON), suffix
// dispatch, Mixed, and custom subclasses. Random ones are checked by bounds and moments.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np, type NDArray } from '../../../engine/index.ts';
import {
  Bilinear,
  ConstantInit,
  Initializer,
  LSTMBias,
  MSRAPrelu,
  Mixed,
  ModelError,
  Normal,
  One,
  Orthogonal,
  Uniform,
  Xavier,
  Zero,
  createInitializer,
  registerInitializer,
  registeredInitializers,
} from '../../../engine/index.ts';
import { flat, mean, std } from './model-test-helpers.ts';

const fill = (i: Initializer, shape: number[], name = 'x_weight'): number[] => {
  const a = np.zeros(shape);
  i.initWeight(name, a);
  return flat(a);
};

test('Uniform(0.07) default: bounds and variance scale²/3', () => {
  const v = fill(new Uniform(), [400, 250]);
  assert.ok(v.every((x) => x >= -0.07 && x <= 0.07));
  assert.ok(Math.abs(mean(v)) < 0.001);
  assert.ok(Math.abs(std(v) - 0.07 / Math.sqrt(3)) < 0.001);
  assert.ok(fill(new Uniform(2), [1000]).some((x) => Math.abs(x) > 1));
});

test('Normal(0.01) default: moments on a large draw', () => {
  const v = fill(new Normal(), [500, 200]);
  assert.ok(Math.abs(mean(v)) < (4 * 0.01) / Math.sqrt(v.length));
  assert.ok(Math.abs(std(v) - 0.01) < 0.0002);
});

test('Constant, Zero, One and LSTMBias', () => {
  assert.deepEqual(fill(new ConstantInit(42), [3]), [42, 42, 42]);
  assert.deepEqual(fill(new ConstantInit(np.array([1, 2])), [2, 2]), [1, 2, 1, 2]);
  assert.deepEqual(fill(new Zero(), [2]), [0, 0]);
  assert.deepEqual(fill(new One(), [2]), [1, 1]);
  assert.deepEqual(fill(new LSTMBias(), [8]), [0, 0, 1, 1, 0, 0, 0, 0]);
});

test('Xavier: Gluon fan rule, factor types, gaussian, and the vector error', () => {
  const x = new Xavier();
  // shape (64, 32, 3, 3): hw 9, fan_in 288, fan_out 576, avg 432.
  assert.ok(Math.abs(x.scaleFor('w', [64, 32, 3, 3]) - Math.sqrt(3 / 432)) < 1e-12);
  assert.ok(Math.abs(new Xavier({ factorType: 'in' }).scaleFor('w', [10, 20]) - Math.sqrt(3 / 20)) < 1e-12);
  assert.ok(Math.abs(new Xavier({ factorType: 'out', magnitude: 6 }).scaleFor('w', [10, 20]) - Math.sqrt(6 / 10)) < 1e-12);
  const bound = Math.sqrt(3 / 138);
  const v = fill(x, [256, 20]);
  assert.ok(v.every((w) => Math.abs(w) <= bound) && Math.max(...v.map(Math.abs)) > 0.95 * bound);
  const g = fill(new Xavier({ rndType: 'gaussian' }), [500, 300]);
  assert.ok(Math.abs(std(g) - Math.sqrt(3 / 400)) < 0.003);
  assert.throws(
    () => fill(x, [10], 'b'),
    (e: ModelError) => e.code === 'E_INIT' && /at least 2/.test(e.message),
  );
  assert.throws(() => new Xavier({ rndType: 'bad' as never }), /Unknown random type/);
  assert.throws(() => new Xavier({ factorType: 'bad' as never }), /Incorrect factor type/);
});

test('MSRAPrelu: Xavier gaussian with magnitude 2/(1+slope²)', () => {
  const m = new MSRAPrelu();
  assert.ok(Math.abs(m.magnitude - 2 / 1.0625) < 1e-12);
  assert.equal(m.rndType, 'gaussian');
  const v = fill(m, [400, 400]);
  assert.ok(Math.abs(std(v) - Math.sqrt(m.magnitude / 400)) < 0.002);
});

test('Orthogonal: rows (or columns) orthonormal times scale', () => {
  const check = (shape: number[], transpose: boolean) => {
    const a = np.zeros(shape);
    new Orthogonal({ scale: 1 }).initWeight('w', a);
    const m = a.reshape([shape[0]!, -1]);
    const gram = transpose ? np.matmul(m.T, m) : np.matmul(m, m.T);
    const n = gram.shape[0]!;
    const g = flat(gram);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) assert.ok(Math.abs(g[i * n + j]! - (i === j ? 1 : 0)) < 1e-4);
  };
  check([6, 10], false);
  check([10, 6], true);
  check([4, 2, 3], false);
  const scaled = np.zeros([5, 5]);
  new Orthogonal().initWeight('w', scaled);
  assert.ok(Math.abs(Number(scaled.square().sum().item()) - 5 * 1.414 ** 2) < 1e-3);
});

test('Bilinear: Gluon upsampling kernel values', () => {
  const v = fill(new Bilinear(), [1, 1, 4, 4]);
  // f = 2, c = 0.75: the 1-D profile is [0.25, 0.75, 0.75, 0.25].
  const p = [0.25, 0.75, 0.75, 0.25];
  v.forEach((w, i) => assert.ok(Math.abs(w - p[i % 4]! * p[Math.floor(i / 4)]!) < 1e-7));
});

test('suffix dispatch (Initializer.apply without a chosen init) and the Gluon path with one', () => {
  const u = new Uniform(0.5);
  const a = np.zeros([3]);
  u.apply('dense0_bias', a.set(null, 9));
  assert.deepEqual(flat(a), [0, 0, 0]);
  u.apply('bn_gamma', a);
  assert.deepEqual(flat(a), [1, 1, 1]);
  u.apply('bn_beta', a);
  assert.deepEqual(flat(a), [0, 0, 0]);
  u.apply('q_max', a);
  assert.deepEqual(flat(a), [1, 1, 1]);
  u.apply('dense0_weight', a);
  assert.ok(flat(a).every((x) => Math.abs(x) <= 0.5) && flat(a).some((x) => x !== 1));
  assert.throws(
    () => u.apply('running_thing', a),
    (e: ModelError) => e.code === 'E_INIT' && /running_thing/.test(e.message),
  );
  u.apply({ name: 'dense0_bias', init: new ConstantInit(4) }, a);
  assert.deepEqual(flat(a), [4, 4, 4]);
});

test('Mixed: first pattern matching at the start wins', () => {
  const m = new Mixed(['.*bias', '.*'], ['zeros', ['constant', { value: 3 }]]);
  assert.deepEqual(fill(m, [2], 'd_bias'), [0, 0]);
  assert.deepEqual(fill(m, [2], 'd_weight'), [3, 3]);
  assert.throws(
    () => fill(new Mixed(['bias'], ['zeros']), [2], 'd_bias'),
    (e: ModelError) => /did not match/.test(e.message),
  );
});

test('registry: names, aliases, arguments, JSON, snake_case, errors', () => {
  for (const n of ['zero', 'zeros', 'one', 'ones', 'constant', 'uniform', 'normal', 'orthogonal', 'xavier', 'msraprelu', 'bilinear', 'lstmbias']) {
    assert.ok(registeredInitializers().includes(n), n);
  }
  assert.ok(createInitializer('Xavier') instanceof Xavier);
  assert.equal((createInitializer(['normal', { sigma: 0.5 }]) as Normal).sigma, 0.5);
  const x = createInitializer('["xavier", {"rnd_type": "gaussian", "factor_type": "in", "magnitude": 2}]') as Xavier;
  assert.deepEqual([x.rndType, x.factorType, x.magnitude], ['gaussian', 'in', 2]);
  assert.deepEqual(createInitializer(x.dumps()).toSpec(), x.toSpec());
  const same = new Uniform();
  assert.equal(createInitializer(same), same);
  assert.throws(
    () => createInitializer('nope'),
    (e: ModelError) => e.code === 'E_INIT' && /nope/.test(e.message) && /xavier/.test(e.message),
  );
  assert.throws(
    () => createInitializer(42 as never),
    (e: ModelError) => e.code === 'E_INIT',
  );
});

test('custom initializers: subclass with initWeight, register by name, use from a spec', () => {
  class Fives extends Initializer {
    override initWeight(_name: string, arr: NDArray): void {
      arr.set(null, 5);
    }
  }
  registerInitializer('fives', Fives);
  assert.deepEqual(fill(createInitializer('fives'), [2]), [5, 5]);
  assert.deepEqual(createInitializer('fives').toSpec(), ['fives', {}]);
  class Lazy extends Initializer {}
  assert.throws(
    () => fill(new Lazy(), [2]),
    (e: ModelError) => /initWeight/.test(e.message),
  );
});
