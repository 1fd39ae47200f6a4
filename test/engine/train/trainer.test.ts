// Trainer semantics: tied parameters (one Parameter object under several names and paths) are
// updated once from their summed gradient; constants and gradReq 'null' parameters never change;
// gradients are clipped by their global norm.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autograd, Block, Dense, NamingScope, np, Sequential, withNamingScope, type NDArray } from '../../../engine/index.ts';
import { L2Loss, SGD, Trainer, clipGlobalNorm, globalNorm } from '../../../engine/train/index.ts';

function tiedNet(): { net: Sequential; shared: Dense } {
  return withNamingScope(new NamingScope(), () => {
    np.random.seed(3);
    const shared = new Dense(4, { inUnits: 4, activation: 'tanh' });
    const net = new Sequential().add(shared, new Dense(4, { inUnits: 4, activation: 'tanh', params: shared.params }), new Dense(1, { inUnits: 4 }));
    net.initialize();
    return { net, shared };
  });
}

test('a tied parameter listed under two paths is updated once, from the gradient summed over both uses', () => {
  const { net, shared } = tiedNet();
  const x = np.random.uniform(-1, 1, [6, 4], { seed: 4 });
  const y = np.random.uniform(-1, 1, [6, 1], { seed: 5 });
  // structuralParams lists the shared weight as 0.weight AND 1.weight.
  const paths = [...net.structuralParams()];
  assert.equal(paths.filter(([, p]) => p === shared.weight).length, 2);
  const trainer = new Trainer(paths, new SGD({ learningRate: 0.5 }));
  assert.equal(trainer.params.length, 4, 'shared weight and bias once, plus the last layer');

  // The summed gradient, computed independently: each use's contribution through a detached copy.
  const w = shared.weight.data();
  const before = w.copy();
  autograd.record(() => new L2Loss().call(net.call(x), y)).backward();
  const summed = shared.weight.grad().copy();
  const uses = gradientPerUse(net, x, y);
  assert.ok(maxAbs(summed.sub(uses[0]!.add(uses[1]!))) < 1e-6, 'autograd sums the two uses');

  trainer.step(6);
  const expected = before.sub(summed.mul(0.5 / 6));
  assert.equal(maxAbs(shared.weight.data().sub(expected)), 0, 'exactly one SGD update with the summed gradient');
});

/** d loss / d W for each use of the shared weight separately (the other use sees a constant copy). */
function gradientPerUse(net: Sequential, x: NDArray, y: NDArray): NDArray[] {
  const [first, second, last] = [net.at<Dense>(0), net.at<Dense>(1), net.at<Dense>(2)];
  const w = first.weight.data();
  const b = first.bias!.data();
  return [0, 1].map((use) => {
    const wv = w.copy();
    wv.attachGrad();
    const wc = w.copy();
    autograd
      .record(() => {
        const h1 = np
          .dot(x, (use === 0 ? wv : wc).T)
          .add(b)
          .tanh();
        const h2 = np
          .dot(h1, (use === 1 ? wv : wc).T)
          .add(second.bias!.data())
          .tanh();
        return new L2Loss().call(np.dot(h2, last.weight.data().T).add(last.bias!.data()), y);
      })
      .backward();
    return wv.grad!;
  });
}

const maxAbs = (a: NDArray): number => Number(a.abs().max().item());

class WithConstant extends Block {
  readonly dense: Dense;
  readonly scale;
  constructor() {
    super();
    this.dense = this.registerChild(new Dense(3, { inUnits: 2 }), 'dense');
    this.scale = this.params.getConstant('scale', np.array([2, 3, 4]));
  }
  override forward(x: NDArray): NDArray {
    return this.dense.call(x).mul(this.scale.data());
  }
}

test('constants and gradReq null parameters are never updated; the others are', () => {
  const net = withNamingScope(new NamingScope(), () => new WithConstant());
  net.initialize();
  net.dense.bias!.gradReq = 'null'; // frozen
  const trainer = new Trainer(net.collectParams(), new SGD({ learningRate: 0.1, momentum: 0.9, wd: 0.1 }));
  assert.deepEqual(
    trainer.trainable.map((p) => p.name),
    ['dense0_weight'],
  );
  const w0 = net.dense.weight.data().copy();
  const bias0 = net.dense.bias!.data().copy();
  const x = np.random.uniform(-1, 1, [4, 2], { seed: 8 });
  for (let i = 0; i < 5; i++) {
    autograd.record(() => new L2Loss().call(net.call(x), np.zeros([4, 3]))).backward();
    trainer.step(4);
  }
  assert.deepEqual(net.scale.data().toArray(), [2, 3, 4]);
  assert.deepEqual(net.dense.bias!.data().toArray(), bias0.toArray());
  assert.ok(maxAbs(net.dense.weight.data().sub(w0)) > 0);
});

test('clipGlobalNorm scales every gradient by maxNorm / (global norm) when it is exceeded', () => {
  const a = np.array([3, 0], { dtype: 'float64' });
  const b = np.array([[0, 4]], { dtype: 'float64' });
  assert.equal(globalNorm([a, b]), 5);
  assert.equal(clipGlobalNorm([a, b], 1), 5);
  assert.ok(Math.abs(globalNorm([a, b]) - 1) < 1e-8);
  assert.equal(clipGlobalNorm([a, b], 10), globalNorm([a, b]), 'below the limit nothing changes');
});

test('Trainer clipGlobalNorm clips the batch-averaged gradients together and reports the norm', () => {
  const net = withNamingScope(new NamingScope(), () => new Sequential().add(new Dense(2, { inUnits: 2, useBias: false })));
  net.initialize('zeros');
  const [p] = net.collectParams().values();
  const trainer = new Trainer(net.collectParams(), new SGD({ learningRate: 1 }), { clipGlobalNorm: 1 });
  p!.grad().set(
    null,
    np.array([
      [6, 0],
      [0, 8],
    ]),
  );
  trainer.step(2); // averaged gradient [[3, 0], [0, 4]], norm 5 → scaled to norm 1
  assert.equal(trainer.lastGradNorm, 5);
  const w = p!.data().toArray() as number[][];
  assert.ok(Math.abs(w[0]![0]! + 0.6) < 1e-6 && Math.abs(w[1]![1]! + 0.8) < 1e-6, JSON.stringify(w));
});
