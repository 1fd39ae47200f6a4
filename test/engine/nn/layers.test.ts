// Built-in layers: Dense (against np ops, options, dtype), Activation, Dropout, Flatten, Lambda,
// Concurrent, their reprs, and the descriptors the graph builder reads.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np, npx, autograd } from '../../../engine/index.ts';
import { Activation, Concurrent, Dense, Dropout, Flatten, Lambda, ModelError, Sequential, createLayer, layerKinds, layerSpec } from '../../../engine/index.ts';
import { flat, maxAbsDiff } from './model-test-helpers.ts';

test('Dense matches x·Wᵀ + b for each activation, with and without bias', () => {
  const x = np.random.uniform(-1, 1, [3, 5]);
  for (const act of ['relu', 'sigmoid', 'tanh', 'softrelu', 'gelu'] as const) {
    const d = new Dense(4, { activation: act, inUnits: 5, biasInitializer: 'ones' });
    d.initialize();
    const pre = np.dot(x, d.weight.data().T).add(d.bias!.data());
    const expected = { relu: npx.relu, sigmoid: npx.sigmoid, tanh: npx.tanh, softrelu: npx.softrelu, gelu: npx.gelu }[act](pre);
    assert.ok(maxAbsDiff(d.call(x), expected) < 1e-5, act);
  }
  const nb = new Dense(2, { useBias: false, inUnits: 5 });
  nb.initialize();
  assert.equal(nb.bias, null);
  assert.equal(nb.collectParams().size, 1);
  assert.ok(maxAbsDiff(nb.call(x), np.dot(x, nb.weight.data().T)) < 1e-6);
});

test('Dense flatten: true flattens (N, 2, 3) to 6 features; false keeps leading axes', () => {
  const x = np.random.uniform(0, 1, [4, 2, 3]);
  const f = new Dense(5);
  f.initialize();
  assert.deepEqual(f.call(x).shape, [4, 5]);
  assert.deepEqual(f.weight.shape, [5, 6]);
  const k = new Dense(5, { flatten: false });
  k.initialize();
  assert.deepEqual(k.call(x).shape, [4, 2, 5]);
  assert.deepEqual(k.weight.shape, [5, 3]);
});

test('Dense options: weightInitializer, dtype float64, validation', () => {
  const d = new Dense(3, { inUnits: 2, weightInitializer: ['constant', { value: 0.5 }], dtype: 'float64' });
  d.initialize();
  assert.equal(d.weight.data().dtype, 'float64');
  assert.deepEqual(flat(d.weight.data()), [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
  assert.deepEqual(flat(d.call(np.array([[1, 2]], { dtype: 'float64' }))), [1.5, 1.5, 1.5]);
  assert.throws(
    () => new Dense(0),
    (e: ModelError) => /units must be a positive integer/.test(e.message),
  );
  assert.throws(() => new Dense(2, { activation: 'swish' as never }), /unknown activation "swish"/);
});

test('Activation, Flatten, Lambda and their reprs', () => {
  const x = np.array([
    [-1, 2],
    [3, -4],
  ]);
  assert.deepEqual(flat(new Activation('relu').call(x)), [0, 2, 3, 0]);
  assert.equal(new Activation('sigmoid').toString(), 'Activation(sigmoid)');
  assert.deepEqual(new Flatten().call(np.zeros([2, 3, 4])).shape, [2, 12]);
  assert.equal(new Flatten().toString(), 'Flatten');
  const twice = new Lambda(function double(v) {
    return v.mul(2);
  });
  assert.deepEqual(flat(twice.call(x)), [-2, 4, 6, -8]);
  assert.equal(twice.toString(), 'Lambda(double)');
  assert.deepEqual(flat(new Lambda('relu').call(x)), [0, 2, 3, 0]);
  assert.throws(() => new Lambda('nope'), /no npx or np function named "nope"/);
});

test('Dropout: identity outside training; in autograd.record it drops about rate and rescales', () => {
  const d = new Dropout(0.5);
  const x = np.ones([200, 100]);
  assert.equal(d.call(x), x);
  assert.equal(
    autograd.record(() => d.call(x), { trainMode: false }),
    x,
  );
  const y = flat(autograd.record(() => d.call(x)));
  const kept = y.filter((v) => v !== 0);
  assert.ok(kept.every((v) => Math.abs(v - 2) < 1e-6));
  assert.ok(Math.abs(kept.length / y.length - 0.5) < 0.03);
  assert.equal(d.toString(), 'Dropout(p = 0.5, axes=())');
  const shared = flat(autograd.record(() => new Dropout(0.5, { axes: [1] }).call(np.ones([50, 4]))));
  for (let r = 0; r < 50; r++) assert.equal(new Set(shared.slice(r * 4, r * 4 + 4)).size, 1);
  assert.throws(() => new Dropout(1), /rate must be in \[0, 1\)/);
});

test('Concurrent concatenates branch outputs along its axis', () => {
  const c = new Concurrent(1).add(new Dense(2, { inUnits: 3 }), new Flatten());
  c.initialize();
  const x = np.random.uniform(0, 1, [4, 3]);
  const y = c.call(x);
  assert.deepEqual(y.shape, [4, 5]);
  assert.deepEqual(flat(y.slice(null, [2, 5])), flat(x));
});

test('a nested Sequential prints like Gluon', () => {
  const net = new Sequential().add(new Sequential().add(new Dense(32, { activation: 'relu' })), new Dense(10));
  assert.equal(net.toString(), 'Sequential(\n  (0): Sequential(\n    (0): Dense(-1 -> 32, Activation(relu))\n  )\n  (1): Dense(-1 -> 10, linear)\n)');
  assert.equal(new Sequential().toString(), 'Sequential(\n\n)');
});

test('descriptors: every kind is registered once, builds from attrs, and predicts shapes', () => {
  const kinds = layerKinds();
  assert.equal(new Set(kinds).size, kinds.length, 'no kind registered twice');
  for (const k of [
    'Dense',
    'Activation',
    'Dropout',
    'Flatten',
    'Lambda',
    'Sequential',
    'Concurrent',
    'Concat',
    'Conv2D',
    'MaxPool2D',
    'BatchNorm',
    'Add',
    'Code',
  ]) {
    assert.ok(kinds.includes(k), k);
  }
  // Every descriptor is complete enough for the catalog, shape inference and the exporters.
  for (const k of kinds) {
    const s = layerSpec(k);
    assert.equal(s.kind, k);
    assert.equal(typeof s.create, 'function', k);
    assert.ok(s.inputs.length > 0 && s.outputs.length > 0, k);
  }
  const spec = layerSpec('Dense');
  assert.deepEqual(
    spec.attrs.map((a) => a.name),
    ['units', 'activation', 'inUnits', 'useBias', 'flatten', 'weightInitializer', 'biasInitializer'],
  );
  const attrs = { units: 8, activation: 'relu' };
  assert.deepEqual(
    spec.params.map((p) => p.shape({ ...attrs, flatten: true }, [-1, 4, 5])),
    [[8, 20], [8]],
  );
  assert.deepEqual(spec.outputShape({ ...attrs, flatten: true }, [[-1, 4, 5]]), [-1, 8]);
  assert.equal(spec.repr(attrs), 'Dense(-1 -> 8, Activation(relu))');
  const d = createLayer('Dense', attrs) as Dense;
  assert.equal(d.toString(), spec.repr(attrs));
  assert.equal(spec.repr(d.getConfig(), [2, 20]), 'Dense(20 -> 8, Activation(relu))');
  d.initialize();
  assert.deepEqual(d.call(np.zeros([2, 4, 5])).shape, spec.outputShape(d.getConfig(), [[2, 4, 5]]));
  assert.equal(createLayer('Dropout').toString(), 'Dropout(p = 0.5, axes=())');
  assert.throws(() => createLayer('Dense'), /units/);
  assert.throws(() => layerSpec('Conv9d'), /unknown layer kind/);
});

test('getConfig round-trips through createLayer for every kind', () => {
  const blocks = [
    new Dense(4, { activation: 'tanh', inUnits: 3, useBias: false, flatten: false }),
    new Activation('gelu'),
    new Dropout(0.25, { axes: [1] }),
    new Flatten(),
    new Lambda('tanh'),
    new Sequential(),
    new Concurrent(0),
  ];
  for (const b of blocks) {
    const kind = b.constructor.name;
    const rebuilt = createLayer(kind, b.getConfig());
    assert.equal(rebuilt.constructor, b.constructor, kind);
    assert.deepEqual(rebuilt.getConfig(), b.getConfig(), kind);
    assert.equal(rebuilt.toString(), b.toString(), kind);
  }
});

test('the same block added twice shares its parameters, and their gradients sum', () => {
  const d = new Dense(3, { inUnits: 3, useBias: false });
  const net = new Sequential().add(d, d);
  net.initialize();
  assert.equal(net.collectParams().size, 1);
  const x = np.random.uniform(0, 1, [2, 3]);
  autograd.record(() => net.call(x).sum()).backward();
  // y = (x·Wᵀ)·Wᵀ: the outer use gives 1ᵀ·h with h = x·Wᵀ, the inner one (1·W)ᵀ·x; W's grad is their sum.
  const w = d.weight.data();
  const ones = np.ones([2, 3]);
  const h = np.dot(x, w.T);
  const expected = np.dot(ones.T, h).add(np.dot(np.dot(ones, w).T, x));
  assert.ok(maxAbsDiff(d.weight.grad(), expected) < 1e-5);
});
