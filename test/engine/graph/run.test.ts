// runModel: the document's model computes exactly what the hand-built chapter model computes
// from the same seed, parameters initialized on the first batch (deferred) on the document's device.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np, numGpus } from '../../../engine/index.ts';
import { buildModel, exampleNames, loadExample, runModel } from '../../../engine/graph/index.ts';
import { handBuilt, NOT_HAND_BUILT } from './chapter-models.ts';

for (const name of exampleNames().filter((n) => !NOT_HAND_BUILT.includes(n))) {
  test(`example ${name}: same output as the hand-built model from the same seed`, () => {
    const doc = loadExample(name);
    const x = np.random.uniform(
      0,
      1,
      doc.input.shape.map((d) => (d < 0 ? 2 : d)),
      { seed: 5 },
    );
    const model = buildModel(doc); // seeds the global stream with doc.seed, then constructs
    const { outputs } = runModel(model, [x]);
    np.random.seed(doc.seed);
    const hand = handBuilt(name);
    hand.initialize();
    const y = hand.call(x);
    assert.equal(outputs.length, 1);
    assert.deepEqual(outputs[0]!.shape, y.shape);
    assert.deepEqual(outputs[0]!.toArray(), y.toArray());
  });
}

test('without inputs: a random batch of the input shape (-1 as 1), reproducible from the document seed', () => {
  const doc = loadExample('rgnet');
  const a = runModel(buildModel(doc), []);
  const b = runModel(buildModel(doc), []);
  assert.deepEqual(a.outputs[0]!.shape, [1, 10]);
  assert.deepEqual(a.outputs[0]!.toArray(), b.outputs[0]!.toArray());
  assert.deepEqual(a.edgeShapes.e1, [1, 20]);
  doc.seed = 1;
  const c = runModel(buildModel(doc), []).outputs[0]!.toArray();
  assert.notDeepEqual(c, a.outputs[0]!.toArray());
  // A seed given to buildModel wins over the document's; null leaves the stream alone.
  assert.deepEqual(runModel(buildModel(doc, { seed: 0 }), []).outputs[0]!.toArray(), a.outputs[0]!.toArray());
  np.random.seed(1);
  assert.deepEqual(runModel(buildModel(doc, { seed: null }), []).outputs[0]!.toArray(), c);
});

test('a second run reuses the initialized parameters', () => {
  const model = buildModel(loadExample('mlp'));
  const x = np.ones([2, 20]);
  const first = runModel(model, [x]).outputs[0]!.toArray();
  assert.deepEqual(runModel(model, [x]).outputs[0]!.toArray(), first);
});

test('device gpu:0: the same output as on the CPU, or a clear error where there is no GPU', () => {
  const doc = loadExample('mlp');
  const x = np.random.uniform(0, 1, [2, 20], { seed: 3 });
  const onCpu = runModel(buildModel(doc), [x]).outputs[0]!;
  doc.device = 'gpu:0';
  if (numGpus() === 0) {
    assert.throws(() => runModel(buildModel(doc), [x]), /GPU|CUDA/);
    return;
  }
  const onGpu = runModel(buildModel(doc), [x]).outputs[0]!;
  assert.equal(onGpu.device.type, 'gpu');
  const a = onCpu.toArray() as number[][];
  const b = onGpu.asInContext(onCpu.device).toArray() as number[][];
  assert.ok(a.flat().every((v, i) => Math.abs(v - b.flat()[i]!) < 1e-5));
});
