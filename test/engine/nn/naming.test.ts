// Block naming: per-hint counters in a NamingScope (the default one counts up for the process,
// fresh ones start at 0), explicit prefixes, nameScope() children, and derived names.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Activation, Block, Dense, NamingScope, Sequential, withNamingScope } from '../../../engine/index.ts';

test('a fresh scope starts every hint at 0 and counts hints separately', () => {
  withNamingScope(new NamingScope(), () => {
    assert.equal(new Dense(3).prefix, 'dense0_');
    assert.equal(new Dense(3).prefix, 'dense1_');
    assert.equal(new Sequential().prefix, 'sequential0_');
    assert.equal(new Activation('relu').prefix, 'relu0_');
    const d = new Dense(3);
    assert.equal(d.name, 'dense2');
    assert.equal(d.weight.name, 'dense2_weight');
  });
  // Another document: the numbers start again.
  assert.equal(withNamingScope(new NamingScope(), () => new Dense(1)).name, 'dense0');
});

test("the default scope keeps counting across calls, like MXNet's NameManager", () => {
  const a = new Dense(1);
  const b = new Dense(1);
  const n = (p: string) => Number(/dense(\d+)_/.exec(p)![1]);
  assert.equal(n(b.prefix), n(a.prefix) + 1);
});

test('a scope with a prefix, and explicit prefixes', () => {
  withNamingScope(new NamingScope('p_'), () => {
    assert.equal(new Dense(1).prefix, 'p_dense0_');
    const x = new Dense(1, { prefix: 'x_' });
    assert.equal(x.prefix, 'x_');
    assert.equal(x.weight.name, 'x_weight');
  });
});

test("nameScope(): children are named under the parent, with the parent's own counters", () => {
  class Model extends Block {
    readonly a: Dense;
    readonly b: Dense;
    readonly c: Dense;
    constructor() {
      super();
      [this.a, this.b, this.c] = this.nameScope(() => [
        this.registerChild(new Dense(2), 'a'),
        this.registerChild(new Dense(2), 'b'),
        this.registerChild(new Dense(2, { prefix: 'mydense_' }), 'c'),
      ]);
    }
  }
  withNamingScope(new NamingScope(), () => {
    const m0 = new Model();
    const m1 = new Model();
    assert.deepEqual([m0.a.prefix, m0.b.prefix, m0.c.prefix], ['model0_dense0_', 'model0_dense1_', 'model0_mydense_']);
    assert.equal(m1.a.prefix, 'model1_dense0_');
    assert.equal(m0.a.weight.name, 'model0_dense0_weight');
    assert.deepEqual(m0.collectParams().keys().slice(0, 2), ['model0_dense0_weight', 'model0_dense0_bias']);
    // Dense names its activation inside its own scope.
    const d = new Dense(4, { activation: 'tanh' });
    assert.equal(d.act!.prefix, 'dense0_tanh_');
  });
});

test('children by index, negative index, and a helpful out-of-range error', () => {
  const net = new Sequential().add(new Dense(1), new Dense(2));
  assert.equal(net.at<Dense>(-1).units, 2);
  assert.equal(net.length, 2);
  assert.throws(() => net.at(2), /out of range: it has 2 children/);
});
