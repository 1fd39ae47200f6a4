// Block.hybridize(): a hybridized block gives the same outputs as eager mode (the chapter MLP, the
// MNIST MLP, nested and concurrent blocks with eager parts), rebuilds its plan for a new input
// shape, after a parameter is replaced or written (its weights are packed copies) or a child
// added, works with deferred initialization,
// returns fresh arrays every call, and stays eager (and differentiable) under autograd.record().

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Activation,
  autograd,
  Block,
  captureWarnings,
  Concurrent,
  Dense,
  Dropout,
  Flatten,
  Lambda,
  np,
  Sequential,
  setWarningHandler,
  type NDArray,
} from '../../../engine/index.ts';
import { loadExample } from '../../../engine/graph/index.ts';
import { prepareModel } from '../../../engine/export/prepare-model.ts';
import { L2Loss, SGD, Trainer } from '../../../engine/train/index.ts';

function values(a: NDArray): number[] {
  return Array.from(a.toTyped() as Float32Array);
}

function maxDiff(a: NDArray, b: NDArray): number {
  assert.deepEqual(a.shape, b.shape);
  const x = values(a);
  const y = values(b);
  return x.reduce((d, v, i) => Math.max(d, Math.abs(v - y[i]!)), 0);
}

/** Eager output, then the hybridized one (first call traces, second replays); both must match. */
function checkSame(net: Block, x: NDArray, tol = 0): void {
  net.hybridize(false);
  const eager = net.call(x);
  net.hybridize();
  const traced = net.call(x);
  const replayed = net.call(x);
  assert.ok(maxDiff(traced, eager) <= tol, `traced differs by ${maxDiff(traced, eager)}`);
  assert.ok(maxDiff(replayed, eager) <= tol, `replayed differs by ${maxDiff(replayed, eager)}`);
}

class Custom extends Block {
  readonly inner = this.registerChild(new Dense(6, { activation: 'tanh' }), 'inner');
  override forward(x: NDArray): NDArray {
    return this.inner.call(x).mul(2);
  }
}

describe('hybridize', () => {
  for (const example of ['mlp', 'mnist-mlp']) {
    test(`${example}: hybridized == eager, exactly, at batch 1 and 64`, async () => {
      const model = await prepareModel(loadExample(example));
      const inUnits = loadExample(example).input.shape[1]!;
      for (const batch of [1, 64]) checkSame(model.net, np.random.uniform(-1, 1, [batch, inUnits], { seed: batch }));
      model.net.call(np.zeros([1, inUnits]));
      assert.equal(model.net.hybridCache!.size, 2, 'one plan per input shape');
    });
  }

  test('nested Sequentials, Activation blocks, Flatten, Dropout, a custom block (eager inside the plan) and Concurrent (a compiled graph)', () => {
    const net = new Sequential();
    net.add(
      new Flatten(),
      new Sequential().add(new Dense(16, { inUnits: 12 }), new Activation('relu'), new Dropout(0.5)),
      new Dense(8, { activation: 'sigmoid' }),
      new Custom(),
      new Activation('softrelu'),
      new Concurrent().add(new Dense(3), new Sequential().add(new Dense(4, { activation: 'relu' }), new Dense(2))),
      new Dense(5, { flatten: false }),
      new Lambda((v) => v.relu()),
    );
    net.initialize();
    checkSame(net, np.random.uniform(-1, 1, [7, 3, 4], { seed: 3 }));
    checkSame(net, np.random.uniform(-1, 1, [1, 3, 4], { seed: 4 }));
    // Concurrent compiles as a graph (hybrid-net.ts), so the whole net is traced as one: Flatten,
    // Dense+Activation+Dropout and Dense(sigmoid) form one native plan; Custom and Lambda stay
    // eager; softrelu, Concurrent (its children, then a concat) and Dense(flatten: false) another plan.
    const plan = net.hybridCache!.describe();
    assert.equal(plan.length, 4, plan.join('\n'));
    assert.match(plan[0]!, /^native plan: flatten\d+ → dense\d+\+relu\d+ → dense\d+$/);
    assert.match(plan[1]!, /^eager: custom\d+$/);
    assert.match(plan[2]!, /^native plan: softrelu\d+ → dense\d+ → dense\d+ → dense\d+ → concurrent\d+ → dense\d+$/);
    assert.match(plan[3]!, /^eager: lambda\d+$/);
  });

  test('Dense(flatten: false) on 3-D input, and a Dense on its own', () => {
    const net = new Sequential().add(new Dense(6, { flatten: false, activation: 'relu', inUnits: 4 }), new Dense(3, { flatten: false }), new Dense(2));
    net.initialize();
    checkSame(net, np.random.uniform(-1, 1, [2, 5, 4], { seed: 5 }));
    const d = new Dense(5, { inUnits: 4, activation: 'tanh' });
    d.initialize();
    checkSame(d, np.random.uniform(-1, 1, [3, 4], { seed: 6 }));
  });

  test('float64 parameters and input', () => {
    const net = new Sequential().add(new Dense(9, { activation: 'relu', dtype: 'float64' }), new Dense(2, { dtype: 'float64' }));
    net.initialize();
    checkSame(net, np.random.uniform(-1, 1, [4, 5], { seed: 7, dtype: 'float64' }));
  });

  test('a new input shape traces a new plan; a known one replays', () => {
    const net = new Sequential().add(new Dense(10, { activation: 'relu', inUnits: 5 }), new Dense(3, { inUnits: 10 }));
    net.initialize();
    net.hybridize();
    const cache = net.hybridCache!;
    const xa = np.random.uniform(-1, 1, [2, 5], { seed: 8 });
    const xb = np.random.uniform(-1, 1, [6, 5], { seed: 9 });
    net.call(xa);
    net.call(xa);
    assert.equal(cache.builds, 1);
    const yb = net.call(xb);
    assert.equal(cache.builds, 2);
    assert.deepEqual(yb.shape, [6, 3]);
    net.call(xa);
    assert.equal(cache.builds, 2, 'the first shape is still cached');
    net.hybridize(false);
    assert.ok(maxDiff(yb, net.call(xb)) === 0);
  });

  test('deferred initialization: the first call initializes eagerly, later calls use the plan', () => {
    const net = new Sequential().add(new Dense(12, { activation: 'relu' }), new Dense(4));
    net.initialize();
    net.hybridize();
    const x = np.random.uniform(-1, 1, [3, 7], { seed: 10 });
    const first = net.call(x);
    assert.deepEqual(net.at<Dense>(0).weight.shape, [12, 7]);
    const second = net.call(x);
    const third = net.call(x);
    assert.equal(net.hybridCache!.size, 1);
    net.hybridize(false);
    const eager = net.call(x);
    for (const y of [first, second, third]) assert.equal(maxDiff(y, eager), 0);
  });

  test('outputs are fresh arrays: a later call never overwrites an earlier result', () => {
    const net = new Sequential().add(new Dense(8, { activation: 'relu', inUnits: 4 }), new Dense(2));
    net.initialize();
    net.hybridize();
    const x1 = np.random.uniform(-1, 1, [3, 4], { seed: 11 });
    const x2 = np.random.uniform(-1, 1, [3, 4], { seed: 12 });
    net.call(x1);
    const y1 = net.call(x1);
    const before = values(y1);
    const y2 = net.call(x2);
    assert.notEqual(y1, y2);
    assert.deepEqual(values(y1), before);
  });

  test('parameters changed in place are seen; replaced parameters and new children rebuild the plan', () => {
    const net = new Sequential().add(new Dense(8, { activation: 'relu', inUnits: 4 }), new Dense(2, { inUnits: 8 }));
    net.initialize();
    net.hybridize();
    const x = np.random.uniform(-1, 1, [3, 4], { seed: 13 });
    net.call(x);
    const dense = net.at<Dense>(1);
    dense.weight.setData(np.ones([2, 8]));
    const afterSet = net.call(x);
    assert.equal(net.hybridCache!.builds, 2, 'an in-place write to a weight rebuilds (plans pack copies of the weights)');
    net.call(x);
    assert.equal(net.hybridCache!.builds, 2, 'no write since: replayed');
    net.initialize(undefined, { forceReinit: true });
    const afterReinit = net.call(x);
    assert.equal(net.hybridCache!.builds, 3, 're-initialization replaces the arrays: rebuilt');
    net.add(new Activation('tanh'));
    const afterAdd = net.call(x);
    assert.equal(net.hybridCache!.builds, 4, 'a new child: rebuilt');
    net.hybridize(false);
    assert.equal(maxDiff(afterAdd, net.call(x)), 0);
    assert.notDeepEqual(values(afterSet), values(afterReinit));
  });

  test('packed weights: a chain oneDNN packs equals eager mode, and an optimizer step or setData after hybridize() is seen', () => {
    // 64 rows of 300 → 200 → 120 → 10: every layer is large enough for the plan to pack its weights.
    const net = new Sequential().add(
      new Dense(200, { activation: 'relu', inUnits: 300 }),
      new Dense(120, { activation: 'tanh' }),
      new Dense(10, { activation: 'sigmoid' }),
    );
    net.initialize();
    const x = np.random.uniform(-1, 1, [64, 300], { seed: 21 });
    const eagerOut = (): NDArray => {
      net.hybridize(false);
      const y = net.call(x);
      net.hybridize();
      return y;
    };
    const close = (a: NDArray, b: NDArray, what: string): void => assert.ok(maxDiff(a, b) <= 1e-5, `${what}: differs by ${maxDiff(a, b)}`);
    checkSame(net, x, 1e-5);
    const before = net.call(x);
    const builds = net.hybridCache!.builds;
    const trainer = new Trainer(net.collectParams(), new SGD({ learningRate: 0.5 }));
    autograd.record(() => new L2Loss().call(net.call(x), np.ones([64, 10]))).backward();
    trainer.step(64);
    const afterStep = net.call(x);
    assert.equal(net.hybridCache!.builds, builds + 1, 'the optimizer step wrote the weights: rebuilt');
    assert.ok(maxDiff(afterStep, before) > 1e-3, 'the step changed the output');
    close(afterStep, eagerOut(), 'after the optimizer step');
    net.call(x); // hybridize() above started a fresh cache: trace again
    const traced = net.hybridCache!.builds;
    net.at<Dense>(1).weight.setData(np.random.uniform(-0.1, 0.1, [120, 200], { seed: 22 }));
    const afterSet = net.call(x);
    assert.equal(net.hybridCache!.builds, traced + 1, 'setData: rebuilt');
    close(afterSet, eagerOut(), 'after setData');
  });

  test('a one-row product split over output units (prepared slices in the plan) equals eager mode exactly', () => {
    // 600 × 512 multiply-adds at batch 1: above the column-split threshold wherever two threads may run.
    const net = new Sequential().add(new Dense(512, { activation: 'relu', inUnits: 600 }), new Dense(10));
    net.initialize();
    checkSame(net, np.random.uniform(-1, 1, [1, 600], { seed: 23 }));
  });

  test('under autograd.record() and in train mode the block runs eagerly and differentiates', () => {
    const net = new Sequential().add(new Dense(8, { activation: 'relu', inUnits: 4 }), new Dense(2));
    net.initialize();
    net.hybridize();
    const x = np.random.uniform(-1, 1, [3, 4], { seed: 14 });
    const y = autograd.record(() => net.call(x));
    autograd.record(() => net.call(x).sum()).backward();
    assert.ok(values(net.at<Dense>(0).weight.grad()).some((v) => v !== 0));
    assert.equal(net.hybridCache!.builds, 0, 'no plan traced while recording');
    autograd.trainMode(() => net.call(x));
    assert.equal(net.hybridCache!.builds, 0, 'no plan traced in train mode');
    assert.ok(y._node !== null);
  });

  test('the first trace warns once about blocks that run eagerly, naming each and why', () => {
    const net = new Sequential().add(new Dense(6, { inUnits: 4, activation: 'relu' }), new Custom(), new Lambda((v) => v.relu()), new Dense(2, { inUnits: 6 }));
    net.initialize();
    net.hybridize();
    const x = np.random.uniform(-1, 1, [3, 4], { seed: 15 });
    const [, first] = captureWarnings(() => net.call(x));
    assert.equal(first.length, 1, first.join('\n'));
    assert.match(
      first[0]!,
      /^hybridize: sequential\d+ runs 2 blocks eagerly inside its compiled plan: custom\d+ \(Custom\), lambda\d+ \(Lambda\): a forward\(\) of its own, which the plan cannot trace/,
    );
    assert.match(first[0]!, /hybridCache\.describe\(\) lists the plan\.$/);
    assert.deepEqual(
      net
        .hybridCache!.describe()
        .filter((l) => l.startsWith('eager: '))
        .map((l) => l.replace(/\d+/, '')),
      ['eager: custom', 'eager: lambda'],
    );
    // Replays, a new input shape (a second trace) and the custom block's own cache stay quiet.
    const [, later] = captureWarnings(() => {
      net.call(x);
      net.call(np.random.uniform(-1, 1, [5, 4], { seed: 16 }));
      net.call(x);
    });
    assert.deepEqual(later, []);
    assert.equal(net.hybridCache!.builds, 2);
    // hybridize() again starts over: one warning on its first trace.
    net.hybridize();
    assert.equal(captureWarnings(() => net.call(x))[1].length, 1);
  });

  test('a hybridized block the plan cannot compile at all warns once; describe() lists it', () => {
    const c = new Custom();
    c.initialize();
    c.hybridize();
    const x = np.random.uniform(-1, 1, [2, 3], { seed: 17 });
    const [, warnings] = captureWarnings(() => {
      c.call(x);
      c.call(x);
      c.call(np.ones([4, 3]));
    });
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, /^hybridize: custom\d+ \(Custom\) is not compiled and runs eagerly: a forward\(\) of its own/);
    assert.deepEqual(
      c.hybridCache!.describe().map((l) => l.replace(/\d+/, '')),
      ['eager: custom'],
    );
    // A Concurrent of one child is not compiled (a graph needs the concat of two or more).
    const conc = new Concurrent().add(new Dense(2));
    conc.initialize();
    conc.hybridize();
    const [, w2] = captureWarnings(() => conc.call(x));
    assert.equal(w2.length, 1);
    assert.match(w2[0]!, /^hybridize: concurrent\d+ \(Concurrent\) is not compiled/);
  });

  test('a Dense the native chain cannot take is named with the reason; compiled nets and deferred init stay quiet', () => {
    const net = new Sequential().add(new Dense(5, { inUnits: 4 }), new Dense(3, { inUnits: 5 }));
    net.initialize();
    net.hybridize();
    const [, none] = captureWarnings(() => net.call(np.random.uniform(-1, 1, [2, 4], { seed: 18 })));
    assert.deepEqual(none, []);
    const [, f64] = captureWarnings(() => net.call(np.random.uniform(-1, 1, [2, 4], { seed: 18, dtype: 'float64' })));
    assert.deepEqual(f64, [], 'only the first trace may warn');
    const fresh = new Sequential().add(new Dense(5, { inUnits: 4 }), new Dense(3, { inUnits: 5 }));
    fresh.initialize();
    fresh.hybridize();
    const [, w] = captureWarnings(() => fresh.call(np.random.uniform(-1, 1, [2, 4], { seed: 19, dtype: 'float64' })));
    assert.equal(w.length, 1, w.join('\n'));
    assert.match(w[0]!, /runs 2 blocks eagerly inside its compiled plan: dense\d+ \(Dense\), dense\d+ \(Dense\): input dtype float64 but parameters float32\./);
    const deferred = new Sequential().add(new Dense(4, { activation: 'relu' }), new Dense(2));
    deferred.initialize();
    deferred.hybridize();
    const seen: string[] = [];
    const prev = setWarningHandler((m) => seen.push(m));
    try {
      deferred.call(np.ones([2, 3]));
      deferred.call(np.ones([2, 3]));
    } finally {
      setWarningHandler(prev);
    }
    assert.deepEqual(seen, [], 'deferred initialization is not a reason to warn');
  });
});
