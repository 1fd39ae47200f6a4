// Eager containers free each intermediate array after its last reader (engine/nn/intermediates.ts):
// only the output stays live, the results equal a run that frees nothing, inputs and arrays still
// shared (views, a block returning its input) survive, and nothing is freed while autograd records
// or around a block that may keep arrays (a Lambda, a user's subclass, a replaced forward).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autograd, nn, np, type Block, type Dense, type NDArray, type Sequential } from '../../../engine/index.ts';
import { native } from '../../../engine/backend/backend.ts';
import { buildModel, loadExample } from '../../../engine/graph/index.ts';
import { GraphBlock } from '../../../engine/graph/graph-block.ts';

const flat = (a: NDArray): number[] => Array.from(a.toTyped() as Float32Array);
const live = (): number => native().memoryStats().liveBuffers;

/** Live buffers the call leaves behind besides its output (which it disposes), and the output's values. */
function leftBehind(run: () => NDArray): { extra: number; values: number[] } {
  run().dispose(); // deferred initialization happens here, not in the count
  const before = live();
  const y = run();
  const extra = live() - before - 1;
  const values = flat(y);
  y.dispose();
  return { extra, values };
}

/** Makes `block` keep its arrays in the container's eyes (a replaced forward), as a test baseline. */
function keepArrays(block: Block): void {
  block.forward = block.forward.bind(block) as typeof block.forward;
}

function mlp(): Sequential {
  const net = new nn.Sequential();
  net.add(new nn.Dense(16, { activation: 'relu' }), new nn.Dropout(0.5), new nn.Dense(16), new nn.Flatten(), new nn.Dense(4));
  net.initialize();
  return net;
}

test('an eager Sequential leaves only its output live, with the values of a run that frees nothing', () => {
  const x = np.random.uniform(-1, 1, [3, 8], { seed: 1 });
  const net = mlp();
  const freed = leftBehind(() => net.call(x));
  assert.equal(freed.extra, 0, 'intermediates left live');
  keepArrays(net.at(1));
  const kept = leftBehind(() => net.call(x));
  assert.ok(kept.extra >= 2, `a container with a replaced forward frees nothing (${kept.extra} extra)`);
  assert.deepEqual(freed.values, kept.values);
  assert.equal(x.isDisposed, false);
});

test('shared storage survives: the input, a view of it, a block that returns its input', () => {
  const x = np.random.uniform(-1, 1, [2, 3, 4], { seed: 2 });
  const onlyViews = new nn.Sequential();
  onlyViews.add(new nn.Flatten(), new nn.Dropout(0.3)); // a view of x, then x's view itself
  onlyViews.initialize();
  const y = onlyViews.call(x);
  assert.equal(x.isDisposed, false);
  assert.deepEqual(flat(y), flat(x));

  const viewInMiddle = new nn.Sequential();
  viewInMiddle.add(new nn.Dense(12, { flatten: false }), new nn.Flatten(), new nn.Dropout(0.5), new nn.Dense(5));
  viewInMiddle.initialize();
  const expected = viewInMiddle.at<Dense>(3).call(viewInMiddle.at<Dense>(0).call(x).reshape([2, 36]));
  assert.deepEqual(flat(viewInMiddle.call(x)), flat(expected));
  assert.equal(x.isDisposed, false);
});

test('nothing is freed while autograd records, or around a Lambda or a user subclass', () => {
  const x = np.random.uniform(-1, 1, [3, 8], { seed: 3 });
  const net = mlp();
  assert.ok(leftBehind(() => autograd.record(() => net.call(x), { trainMode: false })).extra >= 2, 'recording');

  const withLambda = new nn.Sequential();
  withLambda.add(new nn.Dense(16), new nn.Lambda((a: NDArray) => a), new nn.Dense(4));
  withLambda.initialize();
  assert.ok(leftBehind(() => withLambda.call(x)).extra >= 1, 'Lambda');

  class MyDense extends nn.Dense {}
  const withSubclass = new nn.Sequential();
  withSubclass.add(new nn.Dense(16), new MyDense(4));
  withSubclass.initialize();
  assert.ok(leftBehind(() => withSubclass.call(x)).extra >= 1, 'subclass');
});

test('an eager graph (the ResNet example: branches, a residual read twice) leaves only its output live', () => {
  const model = buildModel(loadExample('resnet'));
  model.net.initialize();
  const x = np.random.uniform(-1, 1, [2, 3, 32, 32], { seed: 4 });
  const freed = leftBehind(() => model.net.call(x));
  assert.equal(freed.extra, 0, 'intermediates left live');
  // The first residual unit keeps its arrays: the graph and the outer Sequential free nothing around it.
  const unit = [...model.net.children.values()].find((b) => b.constructor.name === 'GraphBlock')!;
  keepArrays([...unit.children.values()][0]!);
  const kept = leftBehind(() => model.net.call(x));
  assert.ok(kept.extra >= 10, `${kept.extra} extra`);
  assert.deepEqual(freed.values, kept.values);
});

test('a graph frees a step result nothing reads, and keeps one read by a later step until then', () => {
  const [a, b, c] = [new nn.Dense(6), new nn.Dense(5), new nn.Dense(4)];
  // 0: a(x) read by step 2; 1: b(x) read by nothing (a dangling node); 2: c(a(x)), the output.
  const graph = new GraphBlock(
    [
      { key: 'a', block: a, inputs: [{ input: 0 }], outputCount: 1 },
      { key: 'b', block: b, inputs: [{ input: 0 }], outputCount: 1 },
      { key: 'c', block: c, inputs: [{ step: 0, port: 0 }], outputCount: 1 },
    ],
    1,
    [{ step: 2, port: 0 }],
  );
  graph.initialize();
  const x = np.random.uniform(-1, 1, [3, 8], { seed: 5 });
  const freed = leftBehind(() => graph.call(x));
  assert.equal(freed.extra, 0, 'intermediates left live');
  assert.deepEqual(freed.values, flat(c.call(a.call(x))));
});
