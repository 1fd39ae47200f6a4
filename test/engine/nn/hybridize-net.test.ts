// Block.hybridize() on convolutional and residual networks (engine/nn/hybrid-net.ts, the native
// net plan): LeNet, the ResNet and VGG examples compile to one native plan whose outputs match
// the eager forward (batch norm with non-trivial statistics, folded into the convolutions); a
// model mixing every covered layer kind with blocks the plan does not cover runs as native and
// eager segments and still matches; parameter writes rebuild the plan; a cached plan is reused.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Activation,
  Add,
  AvgPool2D,
  BatchNorm,
  Block,
  Conv2D,
  Dense,
  Flatten,
  GlobalAvgPool2D,
  GlobalMaxPool2D,
  Lambda,
  MaxPool2D,
  np,
  Sequential,
  captureWarnings,
  type NDArray,
} from '../../../engine/index.ts';
import { loadExample, runModel } from '../../../engine/graph/index.ts';
import { GraphBlock } from '../../../engine/graph/graph-block.ts';
import { prepareModel } from '../../../engine/export/prepare-model.ts';

function values(a: NDArray): Float32Array | Float64Array {
  return a.toTyped() as Float32Array | Float64Array;
}

/** max|a − b| / max|b|: the compiled plan runs other kernels (blocked layouts, folded batch norm). */
function relDiff(a: NDArray, b: NDArray): number {
  assert.deepEqual(a.shape, b.shape);
  const x = values(a);
  const y = values(b);
  let d = 0;
  let m = 1e-30;
  for (let i = 0; i < x.length; i++) {
    d = Math.max(d, Math.abs(x[i]! - y[i]!));
    m = Math.max(m, Math.abs(y[i]!));
  }
  return d / m;
}

/** Eager output, then the hybridized one (traced, then replayed); both within tol of eager. */
function checkClose(net: Block, x: NDArray, tol = 2e-5): void {
  net.hybridize(false);
  const eager = net.call(x);
  net.hybridize();
  const traced = net.call(x);
  const replayed = net.call(x);
  assert.ok(relDiff(traced, eager) <= tol, `traced differs by ${relDiff(traced, eager)}`);
  assert.ok(relDiff(replayed, eager) <= tol, `replayed differs by ${relDiff(replayed, eager)}`);
}

/** Running statistics, scale and shift away from their defaults, so that folding them is tested. */
function randomizeBatchNorms(net: Block, seed: number): void {
  let s = seed;
  for (const p of net.collectParams().values()) {
    const name = p.name;
    if (!/(running_mean|running_var|gamma|beta)$/.test(name)) continue;
    const n = p.shape![0]!;
    const lo = name.endsWith('running_var') || name.endsWith('gamma') ? 0.5 : -0.5;
    p.setData(np.random.uniform(lo, lo + 1, [n], { seed: s++ }));
  }
}

class Doubler extends Block {
  override forward(x: NDArray): NDArray {
    return x.mul(2);
  }
}

const nativeSegments = (net: Block): string[] => net.hybridCache!.describe().filter((l) => l.startsWith('native plan: '));
const eagerSegments = (net: Block): string[] => net.hybridCache!.describe().filter((l) => l.startsWith('eager: '));

describe('hybridize: convolutional networks as one native plan', () => {
  for (const example of ['lenet', 'resnet', 'vgg']) {
    test(`${example}: hybridized ≈ eager at batch 1 and 8, one native plan, no eager segment`, async () => {
      const doc = loadExample(example);
      const model = await prepareModel(doc);
      randomizeBatchNorms(model.net, 100);
      const shape = doc.input.shape.slice(1);
      for (const batch of [1, 8]) checkClose(model.net, np.random.uniform(-1, 1, [batch, ...shape], { seed: batch }));
      assert.equal(nativeSegments(model.net).length, 1, model.net.hybridCache!.describe().join('\n'));
      assert.deepEqual(eagerSegments(model.net), []);
      if (example === 'resnet') {
        // Every batch norm folded into its convolution, every residual add a sum post-op.
        const plan = nativeSegments(model.net)[0]!;
        assert.doesNotMatch(plan, /→ batchnorm|→ add|→ relu/, plan);
        assert.match(plan, /conv2d\d+\+batchnorm\d+\+add\d+\+relu\d+/);
      }
    });
  }

  test('activations share buffers once their last reader has run: the plan holds less than every value at once', async () => {
    const model = await prepareModel(loadExample('resnet'));
    const x = np.random.uniform(-1, 1, [32, 3, 32, 32], { seed: 2 });
    // Every edge's output (the values a plan without reuse would keep) and the packed weights.
    const { edgeShapes } = runModel(model, [x]);
    const everyValue = Object.values(edgeShapes).reduce((n, s) => n + 4 * s.reduce((a, b) => a * b, 1), 0);
    const weights = model.net
      .collectParams()
      .values()
      .reduce((n, p) => n + 4 * p.shape!.reduce((a, b) => a * b, 1), 0);
    model.net.hybridize();
    model.net.call(x);
    const held = model.net.hybridCache!.nativeBytes();
    assert.ok(held > weights, `${held} bytes`);
    assert.ok(held < 0.5 * (everyValue + weights), `the plan holds ${held} bytes; every value and weight: ${everyValue + weights}`);
  });

  test('the plan is reused across calls: replays and native runs count up, no new trace', async () => {
    const model = await prepareModel(loadExample('lenet'));
    model.net.hybridize();
    const x = np.random.uniform(-1, 1, [2, 1, 28, 28], { seed: 1 });
    model.net.call(x);
    const cache = model.net.hybridCache!;
    for (let i = 0; i < 3; i++) model.net.call(x);
    assert.equal(cache.builds, 1);
    assert.equal(cache.replays, 3);
    assert.equal(cache.nativeRuns(), 4);
  });

  test('every covered kind beside blocks the plan does not cover: native and eager segments, same result', () => {
    const residual = (channels: number): GraphBlock => {
      const conv = new Conv2D(channels, 3, { padding: 1, useBias: false });
      const bn = new BatchNorm();
      const add = new Add();
      const act = new Activation('relu');
      return new GraphBlock(
        [
          { key: 'conv', block: conv, inputs: [{ input: 0 }], outputCount: 1 },
          { key: 'bn', block: bn, inputs: [{ step: 0, port: 0 }], outputCount: 1 },
          { key: 'add', block: add, inputs: [{ step: 1, port: 0 }, { input: 0 }], outputCount: 1 },
          { key: 'act', block: act, inputs: [{ step: 2, port: 0 }], outputCount: 1 },
        ],
        1,
        [{ step: 3, port: 0 }],
      );
    };
    const net = new Sequential().add(
      new Conv2D(8, 3, { padding: 1, activation: 'tanh' }),
      new BatchNorm(), // not after a convolution in this segment's sense: it follows the conv's own activation
      new Activation('softrelu'), // taken by the batch norm step (on the plain layout: softrelu(0) ≠ 0)
      new MaxPool2D(2, { ceilMode: true }),
      residual(8),
      new Doubler(), // a custom forward: eager, splitting the plan
      new AvgPool2D(3, { strides: 2, padding: 1, countIncludePad: false }),
      new Activation('sigmoid'), // after a pooling step: on the plain layout (sigmoid(0) ≠ 0 in the blocked padding)
      new Conv2D(6, 1, { activation: 'sigmoid' }),
      new AvgPool2D(2, { ceilMode: true }), // average in ceil mode: eager
      new GlobalMaxPool2D(),
      new Lambda((v) => v.sub(0.25)), // eager
      new Flatten(),
      new Dense(5, { activation: 'relu' }),
      new Dense(3),
    );
    net.initialize();
    net.call(np.zeros([1, 3, 13, 11])); // deferred initialization
    randomizeBatchNorms(net, 7);
    const [, warnings] = captureWarnings(() => checkClose(net, np.random.uniform(-1, 1, [3, 3, 13, 11], { seed: 9 })));
    checkClose(net, np.random.uniform(-1, 1, [1, 3, 13, 11], { seed: 10 }));
    const segments = net.hybridCache!.describe();
    assert.deepEqual(
      segments.map((s) => s.split(':')[0]),
      ['native plan', 'eager', 'native plan', 'eager', 'native plan', 'eager', 'native plan'],
      segments.join('\n'),
    );
    assert.match(segments[0]!, /^native plan: conv2d\d+ → batchnorm\d+\+softrelu\d+ → maxpool2d\d+ → conv2d\d+\+batchnorm\d+\+add\d+\+relu\d+$/);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /doubler\d+ \(Doubler\)/);
    assert.match(warnings[0]!, /average pooling in ceil mode/);
  });

  test('a deferred initialization runs eagerly once, then the plan covers the whole net', () => {
    const net = new Sequential().add(new Conv2D(4, 3, { activation: 'relu' }), new GlobalAvgPool2D(), new Flatten(), new Dense(2));
    net.initialize();
    net.hybridize();
    const x = np.random.uniform(-1, 1, [2, 3, 8, 8], { seed: 3 });
    net.call(x);
    assert.equal(net.hybridCache!.size, 0, 'not cached while parameters were deferred');
    checkClose(net, x);
    assert.deepEqual(eagerSegments(net), []);
  });

  test('writes to a parameter rebuild the packed plan; replaced arrays too', () => {
    const net = new Sequential().add(
      new Conv2D(4, 3, { inChannels: 2 }),
      new BatchNorm({ inChannels: 4 }),
      new Activation('relu'),
      new Flatten(),
      new Dense(3),
    );
    net.initialize();
    net.hybridize();
    const x = np.random.uniform(-1, 1, [2, 2, 6, 6], { seed: 4 });
    net.call(x);
    const conv = net.at<Conv2D>(0);
    conv.weight.setData(np.random.uniform(-1, 1, conv.weight.shape!, { seed: 5 }));
    const bn = net.at<BatchNorm>(1);
    bn.runningVar.setData(np.random.uniform(0.5, 2, [4], { seed: 6 }));
    const after = net.call(x);
    assert.equal(net.hybridCache!.builds, 2, 'the packed weights were rebuilt');
    net.hybridize(false);
    assert.ok(relDiff(after, net.call(x)) <= 2e-5);
    net.hybridize();
    net.call(x);
    net.initialize(undefined, { forceReinit: true });
    const reinit = net.call(x);
    net.hybridize(false);
    assert.ok(relDiff(reinit, net.call(x)) <= 2e-5);
  });

  test('blocks the plan does not compile (a Lambda) run eagerly between native segments', () => {
    const net = new Sequential().add(
      new Conv2D(3, 3, { inChannels: 2, activation: 'relu' }),
      new Lambda((v: NDArray) => v.mul(2)),
      new MaxPool2D(2),
      new Flatten(),
      new Dense(2),
    );
    net.initialize();
    checkClose(net, np.random.uniform(-1, 1, [2, 2, 6, 6], { seed: 8 }));
    assert.deepEqual(
      net.hybridCache!.describe().map((s) => s.split(':')[0]),
      ['native plan', 'eager', 'native plan'],
    );
  });
});
