// What the editor's Parameters tab asks of the engine, over the real WebSocket against a real
// engine process: table rows with their place in the block tree and a compact histogram, a
// parameter's values with its gradient (zeros before training, non-zero after a step), setting one
// element or one row (`net[0].weight.data()[0, 0] = 42`) with checked indices, and a forward pass
// whose input is read from an array file.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { connectedHost, errorOf, within } from './service-helpers.ts';

const MLP = JSON.parse(readFileSync(new URL('./fixtures/mlp.json', import.meta.url), 'utf8')) as Record<string, unknown>;

/** Input (-1, 2) → Dense(1) → output, with the bias constant (frozen): small enough to train in a moment. */
const LINEAR = {
  format: 'blocksmith.graph',
  version: 2,
  input: { shape: [-1, 2], dtype: 'float32' },
  seed: 3,
  nodes: [
    { id: 'in', kind: 'Input', name: 'data' },
    { id: 'd', kind: 'Dense', name: 'dense0', attrs: { units: 1 }, params: { bias: { constant: true } } },
    { id: 'out', kind: 'Output', name: 'output' },
  ],
  edges: [
    { id: 'e0', source: { node: 'in', port: 'output' }, target: { node: 'd', port: 'data' } },
    { id: 'e1', source: { node: 'd', port: 'output' }, target: { node: 'out', port: 'data' } },
  ],
};

const connection = connectedHost(async (c) => {
  await c.call('openDocument', { docId: 'mlp', document: MLP });
  await c.call('forward', { docId: 'mlp', inputShape: [2, 20], seed: 1 });
});
const client = () => connection.client();
const host = () => connection.host();

const numbers = (data: readonly unknown[]) =>
  data.map((v) => {
    assert.equal(typeof v, 'number', `expected a finite number, got ${String(v)}`);
    return v as number;
  });

describe('parameterTable for the panel', () => {
  test('each row has its structural path, its block chain and a 20-bin histogram of all its values', async () => {
    const { parameters } = await client().call('parameterTable', { docId: 'mlp', statistics: true });
    const w = parameters.find((r) => r.name === 'dense0_weight');
    assert.ok(w);
    assert.equal(w.path, '0.weight');
    assert.equal(w.blocks?.at(-1), 'dense0');
    assert.equal(w.blocks?.length, 2, `the root block, then dense0: ${JSON.stringify(w.blocks)}`);
    assert.ok(w.histogram);
    assert.equal(w.histogram.counts.length, 20);
    assert.equal(w.histogram.edges.length, 21);
    assert.equal(
      w.histogram.counts.reduce((a, b) => a + b, 0),
      256 * 20,
    );
    assert.equal(w.histogram.edges[0], w.stats?.min);
    assert.ok(Math.abs(w.histogram.edges[20]! - (w.stats?.max as number)) < 1e-6);
  });

  test('bins picks the histogram size; 0 or no statistics leave it out', async () => {
    const eight = await client().call('parameterTable', { docId: 'mlp', bins: 8 });
    assert.equal(eight.parameters[0]!.histogram?.counts.length, 8);
    const none = await client().call('parameterTable', { docId: 'mlp', bins: 0 });
    assert.equal(none.parameters[0]!.histogram, null);
    assert.ok(none.parameters[0]!.stats);
    const bare = await client().call('parameterTable', { docId: 'mlp', statistics: false });
    assert.equal(bare.parameters[0]!.histogram, null);
    assert.equal(bare.parameters[0]!.stats, null);
    assert.equal((await errorOf(client().call('parameterTable', { docId: 'mlp', bins: 500 }))).code, 'E_BAD_REQUEST');
  });

  test('a tied parameter is one row, placed where it is first used, with its other use in tiedTo', async () => {
    const { document } = await client().call('loadExample', { name: 'tied' });
    await client().call('openDocument', { docId: 'tied', document });
    await client().call('forward', { docId: 'tied', seed: 0 });
    const { parameters } = await client().call('parameterTable', { docId: 'tied' });
    const shared = parameters.filter((r) => r.name === 'dense0_weight');
    assert.equal(shared.length, 1);
    assert.equal(shared[0]!.path, '1.weight');
    assert.deepEqual(shared[0]!.tiedTo, ['2.weight']);
    // The layer at 2 is the file's dense2 (its own name, though it holds dense0's parameters).
    assert.deepEqual(shared[0]!.tiedToBlocks, ['dense2']);
    assert.equal(shared[0]!.blocks?.at(-1), 'dense0');
  });
});

describe('parameterValues with the gradient', () => {
  test('zeros before any backward pass, non-zero after training; a constant has none', async () => {
    await client().call('openDocument', { docId: 'lin', document: LINEAR });
    await client().call('forward', { docId: 'lin', inputShape: [4, 2] });
    const before = await client().call('parameterValues', { docId: 'lin', name: 'dense0_weight', gradient: true });
    assert.ok(before.gradient);
    assert.deepEqual(before.gradient.values.shape, [1, 2]);
    assert.deepEqual(numbers(before.gradient.values.data), [0, 0]);
    const plain = await client().call('parameterValues', { docId: 'lin', name: 'dense0_weight' });
    assert.equal(plain.gradient, undefined);
    const constant = await client().call('parameterValues', { docId: 'lin', name: 'dense0_bias', gradient: true });
    assert.equal(constant.gradient, null);

    const finished = new Promise<void>((resolve) =>
      client().on('training-finished', (s) => {
        if (s.docId === 'lin') resolve();
      }),
    );
    await client().call('startTraining', {
      docId: 'lin',
      config: { data: { kind: 'linear', samples: 64, weights: [2, -3.4], bias: 4.2 }, epochs: 1, batchSize: 16, validationFraction: 0 },
    });
    await within(30000, finished, 'training the linear model');
    const after = await client().call('parameterValues', { docId: 'lin', name: 'dense0_weight', gradient: true, slice: [{}, { start: 1 }] });
    assert.ok(after.gradient);
    assert.deepEqual(after.gradient.values.shape, [1, 1], 'the gradient is sliced like the values');
    assert.notEqual(numbers(after.gradient.values.data)[0], 0);
    assert.notEqual(after.gradient.stats.max, 0);
  });
});

describe('setParameter at an index', () => {
  test('one element: data()[0, 0] = 42 changes that element only', async () => {
    const beforeRow = await client().call('parameterValues', { docId: 'mlp', name: 'dense0_weight', slice: [{ stop: 1 }, { stop: 3 }] });
    const r = await client().call('setParameter', { docId: 'mlp', name: 'dense0_weight', index: [0, 0], value: { fill: 42 } });
    assert.deepEqual(r.shape, [256, 20]);
    assert.equal(r.stats.max, 42);
    const afterRow = await client().call('parameterValues', { docId: 'mlp', name: 'dense0_weight', slice: [{ stop: 1 }, { stop: 3 }] });
    assert.deepEqual(afterRow.values.data, [42, ...beforeRow.values.data.slice(1)]);
    // Structural paths work as well, and the change shows under the full name.
    await client().call('setParameter', { docId: 'mlp', name: '0.weight', index: [255, 19], value: { fill: -7 } });
    const last = await client().call('parameterValues', { docId: 'mlp', name: 'dense0_weight', slice: [{ start: 255 }, { start: 19 }] });
    assert.deepEqual(last.values.data, [-7]);
  });

  test("a leading index sets a row from data of the row's shape", async () => {
    const row = Array.from({ length: 20 }, (_, i) => i / 4);
    await client().call('setParameter', { docId: 'mlp', name: 'dense0_weight', index: [3], value: { shape: [20], data: row } });
    const got = await client().call('parameterValues', { docId: 'mlp', name: 'dense0_weight', slice: [{ start: 3, stop: 4 }] });
    assert.deepEqual(got.values.data, row);
    const e = await errorOf(client().call('setParameter', { docId: 'mlp', name: 'dense0_weight', index: [3], value: { shape: [2], data: [1, 2] } }));
    assert.equal(e.code, 'E_BAD_REQUEST');
    assert.match(e.message, /dense0_weight'\[3\] has shape \(20\), got \(2\)/);
  });

  test('an index out of range names the parameter, the axis and the index', async () => {
    const e = await errorOf(client().call('setParameter', { docId: 'mlp', name: 'dense0_weight', index: [0, 20], value: { fill: 1 } }));
    assert.equal(e.code, 'E_INDEX');
    assert.match(e.message, /params\.index\.1: index 20 is out of range for axis 1 of 'dense0_weight' with shape \(256, 20\)/);
    assert.deepEqual(e.details, { name: 'dense0_weight', index: [0, 20] });
    const rank = await errorOf(client().call('setParameter', { docId: 'mlp', name: 'dense1_bias', index: [0, 0], value: { fill: 1 } }));
    assert.equal(rank.code, 'E_INDEX');
    assert.match(rank.message, /\[0, 0\] has 2 indices but 'dense1_bias' has rank 1/);
    const negative = await errorOf(client().call('setParameter', { docId: 'mlp', name: 'dense1_bias', index: [-1], value: { fill: 1 } }));
    assert.equal(negative.code, 'E_BAD_REQUEST');
    assert.match(negative.message, /params\.index\.0/);
  });

  test('setting a tied parameter through its other use changes the one shared parameter', async () => {
    await client().call('setParameter', { docId: 'tied', name: '2.weight', index: [1, 2], value: { fill: 5 } });
    const got = await client().call('parameterValues', {
      docId: 'tied',
      name: 'dense0_weight',
      slice: [
        { start: 1, stop: 2 },
        { start: 2, stop: 3 },
      ],
    });
    assert.deepEqual(got.values.data, [5]);
  });
});

describe('forward with input from an array file', () => {
  test("the file's array is the input: same outputs as sending the same data inline", async () => {
    const data = Array.from({ length: 40 }, (_, i) => Math.sin(i));
    const file = path.join(host().work, 'input.npz');
    await client().call('saveArrays', { path: file, arrays: { x: { shape: [2, 20], dtype: 'float64', data }, other: { shape: [1], data: [0] } } });
    const fromFile = await client().call('forward', { docId: 'mlp', inputFile: { path: file, name: 'x' } });
    assert.deepEqual(fromFile.input, { source: 'file', shapes: [[2, 20]], path: file, name: 'x' });
    assert.deepEqual(fromFile.outputs[0]!.shape, [2, 10]);
    assert.equal(fromFile.outputs[0]!.dtype, 'float32', "numpy's float64 is read as the document's float32");
    const inline = await client().call('forward', { docId: 'mlp', input: [{ shape: [2, 20], data }] });
    assert.equal(inline.input?.source, 'given');
    numbers(fromFile.outputs[0]!.data).forEach((v, i) => assert.ok(Math.abs(v - (inline.outputs[0]!.data[i] as number)) < 1e-4, `output ${i}`));
    // Without a name the first array is used.
    const first = await client().call('forward', { docId: 'mlp', inputFile: { path: file } });
    assert.equal(first.input?.name, 'x');
  });

  test('a missing array, a missing file and two inputs at once are clear errors', async () => {
    const file = path.join(host().work, 'input.npz');
    const noName = await errorOf(client().call('forward', { docId: 'mlp', inputFile: { path: file, name: 'y' } }));
    assert.equal(noName.code, 'E_BAD_REQUEST');
    assert.match(noName.message, /params\.inputFile\.name: .*input\.npz has no array 'y'; it has 'x', 'other'/);
    const noFile = await errorOf(client().call('forward', { docId: 'mlp', inputFile: { path: path.join(host().work, 'nope.npy') } }));
    assert.match(noFile.message, /nope\.npy/);
    const both = await errorOf(client().call('forward', { docId: 'mlp', inputShape: [2, 20], inputFile: { path: file } }));
    assert.equal(both.code, 'E_BAD_REQUEST');
    assert.match(both.message, /one of inputShape, input or inputFile/);
    // An array that does not fit the document's input shape (-1, 20) would build another model.
    const wide = path.join(host().work, 'wide.npz');
    await client().call('saveArrays', { path: wide, arrays: { x: { shape: [3, 7], data: Array.from({ length: 21 }, () => 0) } } });
    const misfit = await errorOf(client().call('forward', { docId: 'mlp', inputFile: { path: wide } }));
    assert.equal(misfit.code, 'E_BAD_REQUEST');
    assert.match(misfit.message, /wide\.npz's array 'x' has shape \(3, 7\), which does not fit the document's input shape \(-1, 20\)/);
    const table = await client().call('parameterTable', { docId: 'mlp' });
    assert.deepEqual(table.parameters.find((r) => r.name === 'dense0_weight')?.shape, [256, 20], 'the model is not rebuilt for the refused array');
  });
});
