// Chapter 5.3 (Deferred Initialization): shapes with -1 until the first batch, initialization in
// forward-execution order, forced initialization, and the exercises (partial and mismatching dims).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np } from '../../../engine/index.ts';
import { Block, DeferredInitError, Dense, ModelError, NamingScope, Sequential } from '../../../engine/index.ts';
import { LoggingInit, inScope } from '../nn/model-test-helpers.ts';

const run = inScope(new NamingScope());
const getnet = (): Sequential => run(() => new Sequential().add(new Dense(256, { activation: 'relu' }), new Dense(10)));
const x = np.random.uniform(0, 1, [2, 20]);
const DEFERRED_PARAMS = [
  'sequential0_ (',
  '  Parameter dense0_weight (shape=(256, -1), dtype=float32)',
  '  Parameter dense0_bias (shape=(256,), dtype=float32)',
  '  Parameter dense1_weight (shape=(10, -1), dtype=float32)',
  '  Parameter dense1_bias (shape=(10,), dtype=float32)',
  ')',
].join('\n');

const net = getnet();

test('5.3.1: before initialization the network prints unknown input sizes as -1', () => {
  assert.equal(net.toString(), 'Sequential(\n  (0): Dense(-1 -> 256, Activation(relu))\n  (1): Dense(-1 -> 10, linear)\n)');
  assert.equal(net.collectParams().toString(), DEFERRED_PARAMS);
  assert.equal(net.at<Dense>(0).weight.state, 'uninitialized');
  assert.throws(
    () => net.at<Dense>(0).weight.data(),
    (e: ModelError) => e.code === 'E_PARAM_UNINITIALIZED',
  );
});

test('5.3.1: initialize() changes nothing visible; reading data now is the deferred error', () => {
  net.initialize();
  assert.equal(net.collectParams().toString(), DEFERRED_PARAMS);
  assert.equal(net.at<Dense>(0).weight.state, 'deferred');
  assert.throws(
    () => net.at<Dense>(0).weight.data(),
    (e: ModelError) => e instanceof DeferredInitError && e.code === 'E_PARAM_DEFERRED' && e.message.includes("'dense0_weight'"),
  );
});

test('5.3.1: the first batch binds every shape', () => {
  net.call(x);
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
  assert.equal(net.at<Dense>(1).weight.state, 'initialized');
});

test('5.3.2: initialization happens at the first forward, in execution order, once', () => {
  const n = getnet();
  const my = new LoggingInit();
  n.initialize(my);
  assert.deepEqual(my.log, []);
  n.call(x);
  assert.deepEqual(my.log, ['Init dense2_weight (256, 20)', 'Init dense3_weight (10, 256)']);
  n.call(x);
  assert.equal(my.log.length, 2);

  // 5.3.3 first case: shapes are known now, so forceReinit initializes at once.
  const again = new LoggingInit();
  n.initialize(again, { forceReinit: true });
  assert.deepEqual(again.log, ['Init dense2_weight (256, 20)', 'Init dense3_weight (10, 256)']);
});

test('5.3.3: with inUnits given, initialize() initializes immediately', () => {
  const n = run(() => new Sequential().add(new Dense(256, { inUnits: 20, activation: 'relu' }), new Dense(10, { inUnits: 256 })));
  const my = new LoggingInit();
  n.initialize(my);
  assert.deepEqual(my.log, ['Init dense4_weight (256, 20)', 'Init dense5_weight (10, 256)']);
  assert.equal(n.toString(), 'Sequential(\n  (0): Dense(20 -> 256, Activation(relu))\n  (1): Dense(256 -> 10, linear)\n)');
});

test('5.3 order follows execution, not registration', () => {
  // Children registered b-then-a but run a-then-b: a's weights are initialized first.
  class Swapped extends Block {
    readonly b = this.registerChild(new Dense(3), 'b');
    readonly a = this.registerChild(new Dense(5), 'a');
    override forward(v: typeof x) {
      return this.b.call(this.a.call(v));
    }
  }
  const n = run(() => new Swapped());
  const my = new LoggingInit();
  n.initialize(my);
  n.call(x);
  assert.deepEqual(my.log, [`Init ${n.a.weight.name} (5, 20)`, `Init ${n.b.weight.name} (3, 5)`]);
});

test('5.3 exercise 1: partly known dims still defer initialization', () => {
  class Partial extends Block {
    readonly w = this.params.get('weight', { shape: [4, 0], allowDeferredInit: true });
    override inferShape(v: typeof x): void {
      this.w.shape = [4, v.shape[1]!];
    }
    override forward(v: typeof x) {
      return np.dot(v, this.w.data().T);
    }
  }
  const p = run(() => new Partial());
  p.initialize();
  assert.equal(p.w.state, 'deferred');
  assert.deepEqual(p.w.shape, [4, -1]);
  assert.deepEqual(p.call(x).shape, [2, 4]);
  assert.deepEqual(p.w.shape, [4, 20]);
  // Without allowDeferredInit an unknown dim is an error at initialize().
  const strict = run(() => new Block());
  strict.params.get('w', { shape: [4, -1] });
  assert.throws(
    () => strict.initialize(),
    (e: ModelError) => e.code === 'E_PARAM_SHAPE' && e.message.includes('(4, -1)'),
  );
});

test('5.3 exercise 2: mismatching dims name the layer, the parameter and both shapes', () => {
  const d = run(() => new Dense(10, { inUnits: 20 }));
  d.initialize();
  const x30 = np.random.uniform(0, 1, [2, 30]);
  assert.throws(
    () => d.call(x30),
    (e: ModelError) =>
      e.code === 'E_PARAM_SHAPE' &&
      e.message.includes(d.name) &&
      e.message.includes(d.weight.name) &&
      e.message.includes('(10, 20)') &&
      e.message.includes('(10, 30)'),
  );
  // The same after deferred init bound the shape to the first batch.
  const n = getnet();
  n.initialize();
  n.call(x);
  assert.throws(
    () => n.call(x30),
    (e: ModelError) => e.code === 'E_PARAM_SHAPE' && /\(256, 20\).*\(256, 30\)/.test(e.message),
  );
});
