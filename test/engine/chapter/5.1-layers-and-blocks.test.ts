// Chapter 5.1 (Layers and Blocks): every listing in TypeScript, asserting what the chapter prints.
// The file runs in one naming scope, in the chapter's order, so names match the chapter's.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np, npx, type NDArray } from '../../../engine/index.ts';
import { Block, Dense, ModelError, NamingScope, Sequential, examples } from '../../../engine/index.ts';
import { flat, inScope, maxAbsDiff } from '../nn/model-test-helpers.ts';

const run = inScope(new NamingScope());
const x = np.random.uniform(0, 1, [2, 20]);

/** relu(x·W0ᵀ + b0)·W1ᵀ + b1 through np.dot, a different path from Dense's fused linear op. */
function mlpByHand(h: Dense, o: Dense, input: NDArray): NDArray {
  const hidden = npx.relu(np.dot(input, h.weight.data().T).add(h.bias!.data()));
  return np.dot(hidden, o.weight.data().T).add(o.bias!.data());
}

test('5.1: nn.Sequential of Dense(256, relu) and Dense(10)', () => {
  const net = run(() => new Sequential());
  run(() => net.add(new Dense(256, { activation: 'relu' })));
  run(() => net.add(new Dense(10)));
  net.initialize();
  const y = net.call(x);
  assert.deepEqual(y.shape, [2, 10]);
  assert.ok(maxAbsDiff(y, mlpByHand(net.at<Dense>(0), net.at<Dense>(1), x)) < 1e-6);
  // net.call(x) is net.forward(x) plus deferred-init bookkeeping: the same values now.
  assert.deepEqual(flat(net.forward(x)), flat(y));
  // Outputs of the default Uniform(0.07) init are small, as in the chapter's printout.
  assert.ok(flat(y).every((v) => Math.abs(v) < 0.5));
  assert.equal(net.prefix, 'sequential0_');
  assert.equal(net.at(0).name, 'dense0');
});

test('5.1.1: a custom MLP block', () => {
  const net = run(() => new examples.MLP());
  net.initialize();
  const y = net.call(x);
  assert.deepEqual(y.shape, [2, 10]);
  assert.equal(net.prefix, 'mlp0_');
  assert.equal(net.hidden.weight.name, 'dense2_weight');
  assert.equal(net.output.bias!.name, 'dense3_bias');
  assert.ok(maxAbsDiff(y, mlpByHand(net.hidden, net.output, x)) < 1e-6);
  assert.equal(net.toString(), 'MLP(\n  (hidden): Dense(20 -> 256, Activation(relu))\n  (output): Dense(256 -> 10, linear)\n)');
});

test('5.1.2: MySequential keys children by block name and runs them in order', () => {
  const net = run(() => new examples.MySequential());
  run(() => net.add(new Dense(256, { activation: 'relu' })));
  run(() => net.add(new Dense(10)));
  net.initialize();
  const y = net.call(x);
  assert.deepEqual([...net.children.keys()], ['dense4', 'dense5']);
  assert.ok(maxAbsDiff(y, mlpByHand(net.at<Dense>(0), net.at<Dense>(1), x)) < 1e-6);
  assert.equal(net.toString(), 'MySequential(\n  (dense4): Dense(20 -> 256, Activation(relu))\n  (dense5): Dense(256 -> 10, linear)\n)');
});

test('5.1.3: FancyMLP: constant parameter, reused layer, data-dependent control flow', () => {
  const net = run(() => new examples.FancyMLP());
  net.initialize();
  const y = net.call(x);
  assert.deepEqual(y.shape, []);
  // The same computation written out with np ops.
  const d = net.dense;
  const layer = (v: NDArray): NDArray => npx.relu(np.dot(v, d.weight.data().T).add(d.bias!.data()));
  let h = layer(npx.relu(np.dot(layer(x), net.randWeight.data()).add(1)));
  while (Number(h.abs().sum().item()) > 1) h = h.div(2);
  if (Number(h.abs().sum().item()) < 0.8) h = h.mul(10);
  assert.ok(Math.abs(Number(y.item()) - Number(h.sum().item())) < 1e-6);
  // Exercise 1: the FancyMLP's parameters, the constant among them.
  assert.equal(
    net.collectParams().toString(),
    [
      'fancymlp0_ (',
      "  Constant fancymlp0_rand_weight (shape=(20, 20), dtype=<class 'numpy.float32'>)",
      '  Parameter dense6_weight (shape=(20, 20), dtype=float32)',
      '  Parameter dense6_bias (shape=(20,), dtype=float32)',
      ')',
    ].join('\n'),
  );
  assert.equal(net.randWeight.gradReq, 'null');
  assert.throws(
    () => net.randWeight.grad(),
    (e: ModelError) => e.code === 'E_PARAM_GRAD_REQ',
  );
});

test('5.1.3: NestMLP inside the chimera', () => {
  const chimera = run(() => examples.chimera());
  chimera.initialize();
  const y = chimera.call(x);
  assert.deepEqual(y.shape, []);
  assert.ok(Number.isFinite(Number(y.item())));
  assert.equal(
    chimera.toString(),
    [
      'Sequential(',
      '  (0): NestMLP(',
      '    (net): Sequential(',
      '      (0): Dense(20 -> 64, Activation(relu))',
      '      (1): Dense(64 -> 32, Activation(relu))',
      '    )',
      '    (dense): Dense(32 -> 16, Activation(relu))',
      '  )',
      '  (1): Dense(16 -> 20, linear)',
      '  (2): FancyMLP(',
      '    (dense): Dense(20 -> 20, Activation(relu))',
      '  )',
      ')',
    ].join('\n'),
  );
});

test('5.1 exercise 3: layers kept in a plain list are not registered, so never initialized', () => {
  class ListMLP extends Block {
    readonly layers = [new Dense(64, { activation: 'relu' }), new Dense(32)];
    override forward(v: NDArray): NDArray {
      return this.layers[1]!.call(this.layers[0]!.call(v));
    }
  }
  const net = run(() => new ListMLP());
  net.initialize();
  assert.equal(net.collectParams().size, 0);
  assert.throws(
    () => net.call(x),
    (e: ModelError) => e.code === 'E_PARAM_UNINITIALIZED' && /collectParams|nested child/.test(e.message),
  );
});

test('5.1 exercise 4: a parallel block concatenates the outputs of two networks', () => {
  const net1 = run(() => new Dense(3));
  const net2 = run(() => new Dense(4, { activation: 'relu' }));
  const par = run(() => examples.parallel(net1, net2));
  par.initialize();
  const y = par.call(x);
  assert.deepEqual(y.shape, [2, 7]);
  const expected = np.concat([net1.call(x), net2.call(x)], 1);
  assert.deepEqual(flat(y), flat(expected));
  assert.equal(par.toString(), 'Concurrent(\n  (0): Dense(20 -> 3, linear)\n  (1): Dense(20 -> 4, Activation(relu))\n)');
});

test('5.1 exercise 5: a factory builds several instances of the same block', () => {
  const net = run(() => examples.replicate(() => examples.block1(), 3));
  net.initialize();
  const y = net.call(x);
  assert.deepEqual(y.shape, [2, 16]);
  const names = net.collectParams().keys();
  assert.equal(names.length, 12);
  assert.equal(new Set(names).size, 12);
  // Instances are independent: different parameter objects and values.
  const w0 = net.at(0).at<Dense>(0).weight;
  const w1 = net.at(1).at<Dense>(0).weight;
  assert.notEqual(w0, w1);
  assert.deepEqual(w0.shape, [32, 20]);
  assert.deepEqual(w1.shape, [32, 16]);
});
