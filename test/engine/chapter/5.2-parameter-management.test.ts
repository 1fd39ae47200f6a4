// Chapter 5.2 (Parameter Management): access, initialization (built-in and custom) and tied
// parameters, with what the chapter prints. One naming scope, in the chapter's order.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np, autograd, type NDArray } from '../../../engine/index.ts';
import { Dense, DeferredInitError, Initializer, NamingScope, Sequential, examples, init } from '../../../engine/index.ts';
import { flat, inScope, mean, std } from '../nn/model-test-helpers.ts';

const run = inScope(new NamingScope());
const x = np.random.uniform(0, 1, [2, 20]);
const net = run(() => new Sequential().add(new Dense(256, { activation: 'relu' }), new Dense(10)));
net.initialize();
net.call(x);
const layer = (i: number): Dense => net.at<Dense>(i);

test('5.2.1: each layer prints its own ParameterDict', () => {
  assert.equal(
    layer(0).params.toString(),
    'dense0_ (\n  Parameter dense0_weight (shape=(256, 20), dtype=float32)\n  Parameter dense0_bias (shape=(256,), dtype=float32)\n)',
  );
  assert.equal(
    layer(1).params.toString(),
    'dense1_ (\n  Parameter dense1_weight (shape=(10, 256), dtype=float32)\n  Parameter dense1_bias (shape=(10,), dtype=float32)\n)',
  );
});

test('5.2.1: targeted parameters: by attribute, by name, data and grad', () => {
  assert.equal(layer(1).bias!.toString(), 'Parameter dense1_bias (shape=(10,), dtype=float32)');
  assert.equal(layer(1).bias!.data().toString(), 'array([0., 0., 0., 0., 0., 0., 0., 0., 0., 0.])');
  const w = layer(0).params.at('dense0_weight');
  assert.equal(w, layer(0).weight);
  assert.equal(w.toString(), 'Parameter dense0_weight (shape=(256, 20), dtype=float32)');
  assert.ok(flat(w.data()).some((v) => v !== 0));
  const g = layer(0).weight.grad();
  assert.deepEqual(g.shape, [256, 20]);
  assert.ok(flat(g).every((v) => v === 0));
});

test('5.2.1: all parameters at once with collectParams, and selection by regex', () => {
  assert.equal(
    layer(0).collectParams().toString(),
    'dense0_ (\n  Parameter dense0_weight (shape=(256, 20), dtype=float32)\n  Parameter dense0_bias (shape=(256,), dtype=float32)\n)',
  );
  assert.equal(
    net.collectParams().toString(),
    [
      'sequential0_ (',
      '  Parameter dense0_weight (shape=(256, 20), dtype=float32)',
      '  Parameter dense0_bias (shape=(256,), dtype=float32)',
      '  Parameter dense1_weight (shape=(10, 256), dtype=float32)',
      '  Parameter dense1_bias (shape=(10,), dtype=float32)',
      ')',
    ].join('\n'),
  );
  assert.equal(net.collectParams().at('dense1_bias').data().toString(), 'array([0., 0., 0., 0., 0., 0., 0., 0., 0., 0.])');
  assert.equal(
    net.collectParams('.*weight').toString(),
    'sequential0_ (\n  Parameter dense0_weight (shape=(256, 20), dtype=float32)\n  Parameter dense1_weight (shape=(10, 256), dtype=float32)\n)',
  );
  assert.equal(
    net.collectParams('dense0.*').toString(),
    'sequential0_ (\n  Parameter dense0_weight (shape=(256, 20), dtype=float32)\n  Parameter dense0_bias (shape=(256,), dtype=float32)\n)',
  );
  // re.match semantics: anchored at the start only.
  assert.equal(net.collectParams('weight').size, 0);
  assert.equal(net.collectParams('.*weight|.*bias').size, 4);
});

test('5.2.1: Rube Goldberg: nested block factories, names and structure', () => {
  const rgnet = run(() => examples.rgnet());
  rgnet.initialize();
  const y = rgnet.call(x);
  assert.deepEqual(y.shape, [2, 10]);
  // Nine layers of Uniform(0.07) shrink the signal to ~1e-9, as in the chapter.
  assert.ok(flat(y).every((v) => Math.abs(v) < 1e-5));
  const block = ['    (0): Dense(16 -> 32, Activation(relu))', '    (1): Dense(32 -> 16, Activation(relu))'];
  assert.equal(
    rgnet.toString(),
    [
      'Sequential(',
      '  (0): Sequential(',
      '    (0): Sequential(',
      '      (0): Dense(20 -> 32, Activation(relu))',
      '      (1): Dense(32 -> 16, Activation(relu))',
      '    )',
      ...[1, 2, 3].flatMap((i) => [`    (${i}): Sequential(`, ...block.map((l) => `  ${l}`), '    )']),
      '  )',
      '  (1): Dense(16 -> 10, linear)',
      ')',
    ].join('\n'),
  );
  const lines = ['sequential1_ ('];
  for (let i = 2; i <= 9; i++) {
    const [out, inp] = i % 2 === 0 ? [32, i === 2 ? 20 : 16] : [16, 32];
    lines.push(`  Parameter dense${i}_weight (shape=(${out}, ${inp}), dtype=float32)`, `  Parameter dense${i}_bias (shape=(${out},), dtype=float32)`);
  }
  lines.push('  Parameter dense10_weight (shape=(10, 16), dtype=float32)', '  Parameter dense10_bias (shape=(10,), dtype=float32)', ')');
  assert.equal(rgnet.collectParams().toString(), lines.join('\n'));
  const bias = rgnet.at(0).at(1).at<Dense>(0).bias!;
  assert.equal(bias.name, 'dense4_bias');
  assert.deepEqual(flat(bias.data()), new Array(32).fill(0));
});

test('5.2.2: built-in Normal(0.01) re-initialization; the bias keeps its own zeros init', () => {
  net.initialize(new init.Normal(0.01), { forceReinit: true });
  const w = flat(layer(0).weight.data());
  assert.ok(Math.abs(mean(w)) < (4 * 0.01) / Math.sqrt(w.length));
  assert.ok(Math.abs(std(w) - 0.01) < 0.0006);
  assert.deepEqual(flat(layer(0).bias!.data()), new Array(256).fill(0));
  assert.deepEqual(layer(0).weight.data().get(0).shape, [20]);
});

test('5.2.2: Constant(1) for all, then Constant(42) for one layer and Xavier for one weight', () => {
  net.initialize(new init.Constant(1), { forceReinit: true });
  assert.equal(layer(0).weight.data().get(0).toString(), 'array([1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 1.,\n       1., 1., 1.])');
  layer(1).initialize(new init.Constant(42), { forceReinit: true });
  layer(0).weight.initialize(new init.Xavier(), { forceReinit: true });
  assert.equal(layer(1).weight.data().get(0, 0).item(), 42);
  const bound = Math.sqrt(3 / ((20 + 256) / 2));
  const w = flat(layer(0).weight.data());
  assert.ok(w.every((v) => Math.abs(v) <= bound));
  assert.ok(Math.max(...w.map(Math.abs)) > 0.95 * bound);
  // Uniform on [-b, b] has variance b²/3.
  assert.ok(Math.abs(std(w) - bound / Math.sqrt(3)) < 0.05 * bound);
});

class MyInit extends Initializer {
  readonly log: string[] = [];
  override initWeight(name: string, data: NDArray): void {
    this.log.push(`Init ${name} (${data.shape.join(', ')})`);
    data.set(null, np.random.uniform(-10, 10, data.shape));
    data.imul(data.abs().ge(5));
  }
}

test('5.2.2: custom initialization (MyInit) and direct writes to data()', () => {
  const my = new MyInit();
  net.initialize(my, { forceReinit: true });
  assert.deepEqual(my.log, ['Init dense0_weight (256, 20)', 'Init dense1_weight (10, 256)']);
  const w = flat(layer(0).weight.data());
  assert.ok(w.every((v) => v === 0 || (Math.abs(v) >= 5 && Math.abs(v) <= 10)));
  const zeros = w.filter((v) => v === 0).length / w.length;
  assert.ok(zeros > 0.45 && zeros < 0.55, `fraction of zeros ${zeros}`);
  assert.ok(w.some((v) => v > 5) && w.some((v) => v < -5));

  const before = flat(layer(0).weight.data().get(0));
  layer(0).weight.data().iadd(1);
  layer(0).weight.data().set([0, 0], 42);
  const after = flat(layer(0).weight.data().get(0));
  assert.equal(after[0], 42);
  for (let i = 1; i < 20; i++) assert.equal(after[i], Math.fround(before[i]! + 1));
});

test('5.2.3: tied parameters are the same objects, so a write shows through both layers', () => {
  const { net: tied, shared } = run(() => examples.tiedNet());
  tied.initialize();
  const xs = np.random.uniform(0, 1, [2, 20]);
  tied.call(xs);
  const w1 = tied.at<Dense>(1).weight;
  const w2 = tied.at<Dense>(2).weight;
  assert.equal(w1, w2);
  assert.equal(w1, shared.weight);
  assert.equal(tied.at<Dense>(2).bias, shared.bias);
  assert.deepEqual(w1.data().get(0).eq(w2.data().get(0)).toArray(), new Array(8).fill(true));
  w1.data().set([0, 0], 100);
  assert.deepEqual(w1.data().get(0).eq(w2.data().get(0)).toArray(), new Array(8).fill(true));
  assert.equal(w2.data().get(0, 0).item(), 100);
  // Shared parameters appear once when collected.
  assert.equal(tied.collectParams().size, 6);
  assert.equal(tied.toString().split('\n')[3], '  (2): Dense(8 -> 8, Activation(relu))');
});

test('5.2 exercise 3: before the first batch the shapes have -1 and data() says why', () => {
  const fresh = run(() => new Sequential().add(new Dense(256, { activation: 'relu' }), new Dense(10)));
  fresh.initialize();
  assert.deepEqual(fresh.at<Dense>(0).weight.shape, [256, -1]);
  assert.throws(
    () => fresh.at<Dense>(0).weight.data(),
    (e: Error) => e instanceof DeferredInitError && /one batch/.test(e.message) && /inUnits/.test(e.message),
  );
  fresh.call(x);
  assert.deepEqual(fresh.at<Dense>(0).weight.shape, [256, 20]);
  assert.deepEqual(fresh.at<Dense>(1).weight.shape, [10, 256]);
});

test('5.2 exercise 4: an MLP with a shared layer, trained a few steps, watching gradients', () => {
  const { net: tied, shared } = run(() => examples.tiedNet());
  tied.initialize(new init.Xavier());
  const xs = np.random.uniform(-1, 1, [16, 20]);
  const target = np.random.uniform(-1, 1, [16, 10]);
  const params = tied.collectParams().values();
  const losses: number[] = [];
  for (let step = 0; step < 20; step++) {
    const loss = autograd.record(() => tied.call(xs).sub(target).square().mean());
    loss.backward();
    losses.push(Number(loss.item()));
    const g = flat(shared.weight.grad());
    assert.ok(
      g.some((v) => v !== 0),
      'the shared weight receives a gradient',
    );
    for (const p of params) p.data().isub(p.grad().mul(0.1));
  }
  assert.ok(losses[losses.length - 1]! < losses[0]!, `loss ${losses[0]} → ${losses[losses.length - 1]}`);
  assert.equal(tied.at<Dense>(1).weight, tied.at<Dense>(2).weight);
});
