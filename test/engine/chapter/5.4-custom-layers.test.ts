// Chapter 5.4 (Custom Layers): CenteredLayer, ParameterDict.get, MyDense, and exercises 1-2.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np, autograd, type NDArray } from '../../../engine/index.ts';
import { Block, Dense, NamingScope, ParameterDict, Sequential, examples, type Parameter } from '../../../engine/index.ts';
import { flat, inScope, maxAbsDiff } from '../nn/model-test-helpers.ts';

const run = inScope(new NamingScope());

test('5.4.1: CenteredLayer subtracts the mean', () => {
  const layer = run(() => new examples.CenteredLayer());
  assert.equal(layer.call(np.array([1, 2, 3, 4, 5])).toString(), 'array([-2., -1.,  0.,  1.,  2.])');
});

test('5.4.1: CenteredLayer inside a network: the output mean vanishes', () => {
  const net = run(() => new Sequential().add(new Dense(128), new examples.CenteredLayer()));
  net.initialize();
  const y = net.call(np.random.uniform(0, 1, [4, 8]));
  assert.deepEqual(y.shape, [4, 128]);
  assert.ok(Math.abs(Number(y.mean().item())) < 1e-6);
});

test("5.4.2: ParameterDict.get creates a parameter with numpy's default dtype repr", () => {
  const params = new ParameterDict();
  params.get('param2', { shape: [2, 3] });
  assert.equal(params.toString(), "(\n  Parameter param2 (shape=(2, 3), dtype=<class 'numpy.float32'>)\n)");
});

test('5.4.2: MyDense: parameters from params.get, forward with ReLU', () => {
  const dense = run(() => new examples.MyDense(3, 5));
  assert.equal(
    dense.params.toString(),
    [
      'mydense0_ (',
      "  Parameter mydense0_weight (shape=(5, 3), dtype=<class 'numpy.float32'>)",
      "  Parameter mydense0_bias (shape=(3,), dtype=<class 'numpy.float32'>)",
      ')',
    ].join('\n'),
  );
  dense.initialize();
  const x = np.random.uniform(0, 1, [2, 5]);
  const y = dense.call(x);
  assert.deepEqual(y.shape, [2, 3]);
  const w = dense.weight.data();
  const b = dense.bias.data();
  // Host-side check of relu(x·W + b), element by element.
  const [xs, ws, bs] = [flat(x), flat(w), flat(b)];
  const expected: number[] = [];
  for (let i = 0; i < 2; i++) {
    for (let k = 0; k < 3; k++) {
      let s = bs[k]!;
      for (let j = 0; j < 5; j++) s += xs[i * 5 + j]! * ws[j * 3 + k]!;
      expected.push(Math.max(0, s));
    }
  }
  flat(y).forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-6));
});

test('5.4.2: a network of MyDense layers', () => {
  const net = run(() => new Sequential().add(new examples.MyDense(8, 64), new examples.MyDense(1, 8)));
  net.initialize();
  const y = net.call(np.random.uniform(0, 1, [2, 64]));
  assert.deepEqual(y.shape, [2, 1]);
  assert.ok(flat(y).every((v) => v >= 0));
  assert.deepEqual(net.collectParams().keys(), ['mydense1_weight', 'mydense1_bias', 'mydense2_weight', 'mydense2_bias']);
});

test('5.4 exercise 1: an affine layer that removes the mean and learns an additive parameter', () => {
  class Recenter extends Block {
    readonly shift: Parameter;
    constructor(units: number) {
      super();
      this.shift = this.params.get('shift', { shape: [units], init: 'zeros' });
    }
    override forward(x: NDArray): NDArray {
      return x.sub(x.mean(0, true)).add(this.shift.data());
    }
  }
  const layer = run(() => new Recenter(3));
  layer.initialize();
  const x = np.random.uniform(0, 1, [5, 3]);
  const y = autograd.record(() => layer.call(x));
  assert.ok(flat(y.mean(0)).every((v) => Math.abs(v) < 1e-6));
  y.backward();
  // d(sum y)/d shift = number of rows.
  assert.deepEqual(flat(layer.shift.grad()), [5, 5, 5]);
});

test('5.4 exercise 2: a tensor reduction layer y_k = Σ_ij W_ijk x_i x_j', () => {
  class TensorReduction extends Block {
    readonly weight: Parameter;
    constructor(
      readonly d: number,
      readonly k: number,
    ) {
      super();
      this.weight = this.params.get('weight', { shape: [d, d, k] });
    }
    override forward(x: NDArray): NDArray {
      const outer = np.matmul(x.reshape([-1, this.d, 1]), x.reshape([-1, 1, this.d]));
      return np.dot(outer.reshape([-1, this.d * this.d]), this.weight.data().reshape([this.d * this.d, this.k]));
    }
  }
  const layer = run(() => new TensorReduction(4, 3));
  layer.initialize();
  const x = np.random.uniform(-1, 1, [2, 4]);
  const y = layer.call(x);
  const [xs, ws] = [flat(x), flat(layer.weight.data())];
  const expected: number[] = [];
  for (let n = 0; n < 2; n++) {
    for (let k = 0; k < 3; k++) {
      let s = 0;
      for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) s += ws[(i * 4 + j) * 3 + k]! * xs[n * 4 + i]! * xs[n * 4 + j]!;
      expected.push(s);
    }
  }
  assert.ok(maxAbsDiff(y, np.array(expected, { shape: [2, 3] })) < 1e-6);
});
