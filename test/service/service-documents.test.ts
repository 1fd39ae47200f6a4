// The document and parameter methods over the real WebSocket against a real engine process:
// open / validate / inferShapes / forward, the parameter table and values, set / initialize /
// forceReinit, saving and loading parameters in every format with a per-name report, examples.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { connectedHost, errorOf } from './service-helpers.ts';

const MLP = JSON.parse(readFileSync(new URL('./fixtures/mlp.json', import.meta.url), 'utf8')) as Record<string, unknown>;

const connection = connectedHost();
const client = () => connection.client();
const host = () => connection.host();

describe('documents', () => {
  test('openDocument keeps a document; validate and inferShapes work by docId or inline', async () => {
    const opened = await client().call('openDocument', { docId: 'mlp', document: MLP });
    assert.deepEqual(opened, { docId: 'mlp', revision: 1, ok: true, problems: [] });
    // Opening it again under the same docId keeps the next version (a patch's base).
    assert.equal((await client().call('openDocument', { docId: 'mlp', document: MLP })).revision, 2);
    assert.deepEqual(await client().call('validate', { docId: 'mlp' }), { ok: true, problems: [] });
    assert.equal((await client().call('validate', { document: MLP })).ok, true);
    const shapes = await client().call('inferShapes', { docId: 'mlp', inputShape: [2, 20] });
    assert.deepEqual(shapes.edges.e1, { shape: [2, 256], dtype: 'float32' });
    assert.equal(shapes.nodes.h!.paramCount, 256 * 20 + 256);
    const inline = await client().call('inferShapes', { document: MLP, inputShape: [3, 20] });
    assert.deepEqual(inline.edges.e2!.shape, [3, 10]);
  });

  test('a broken document: every problem, each with its place', async () => {
    const broken = structuredClone(MLP) as { nodes: { attrs?: Record<string, unknown> }[]; edges: unknown[] };
    broken.nodes[1]!.attrs = { units: -3 };
    broken.edges.pop();
    const r = await client().call('validate', { document: broken as Record<string, unknown> });
    assert.equal(r.ok, false);
    const codes = r.problems.map((p) => p.code);
    assert.ok(codes.includes('E_ATTR_RANGE'), codes.join());
    assert.ok(
      r.problems.every((p) => p.nodeId || p.path || p.port),
      'each problem names its place',
    );
    const e = await errorOf(client().call('openDocument', { document: { format: 'something-else' } }));
    assert.equal(e.code, 'E_INVALID_DOCUMENT');
    assert.ok(Array.isArray((e.details as { problems: unknown[] }).problems));
  });

  test('unknown docIds and models say what to do', async () => {
    assert.equal((await errorOf(client().call('forward', { docId: 'nope' }))).code, 'E_NO_DOCUMENT');
    await client().call('openDocument', { docId: 'fresh', document: MLP });
    const e = await errorOf(client().call('parameterTable', { docId: 'fresh' }));
    assert.equal(e.code, 'E_NO_MODEL');
    assert.match(e.message, /run forward/);
    assert.deepEqual(await client().call('closeDocument', { docId: 'fresh' }), { closed: true });
    assert.deepEqual(await client().call('closeDocument', { docId: 'fresh' }), { closed: false });
  });
});

describe('forward and parameters', () => {
  test('forward: outputs, per-edge shapes, parameters in collectParams order; the seed decides', async () => {
    await client().call('openDocument', { docId: 'run', document: MLP });
    const a = await client().call('forward', { docId: 'run', inputShape: [2, 20], seed: 7 });
    assert.equal(a.outputs.length, 1);
    assert.deepEqual(a.outputs[0]!.shape, [2, 10]);
    assert.equal(a.outputs[0]!.data.length, 20);
    assert.deepEqual(a.edgeShapes, { e0: [2, 20], e1: [2, 256], e2: [2, 10] });
    assert.deepEqual(
      a.parameters.map((p) => [p.name, p.shape]),
      [
        ['dense0_weight', [256, 20]],
        ['dense0_bias', [256]],
        ['dense1_weight', [10, 256]],
        ['dense1_bias', [10]],
      ],
    );
    const b = await client().call('forward', { docId: 'run', inputShape: [2, 20], seed: 7 });
    assert.deepEqual(b.outputs[0]!.data, a.outputs[0]!.data);
    // The request's seed, not only the document's, decides the parameters and the random input.
    const other = await client().call('forward', { docId: 'run', inputShape: [2, 20], seed: 8 });
    assert.notDeepEqual(other.outputs[0]!.data, a.outputs[0]!.data);
    const input = [{ shape: [1, 20], data: Array.from({ length: 20 }, (_, i) => i / 20) }];
    const c = await client().call('forward', { docId: 'run', input });
    assert.deepEqual(c.outputs[0]!.shape, [1, 10]);
    const e = await errorOf(client().call('forward', { docId: 'run', inputShape: [2, 20], input }));
    assert.equal(e.code, 'E_BAD_REQUEST');
  });

  test('parameterTable: name, shape, dtype, state, initializer, ties and statistics', async () => {
    const { parameters } = await client().call('parameterTable', { docId: 'run' });
    assert.equal(parameters.length, 4);
    const bias = parameters.find((p) => p.name === 'dense0_bias')!;
    assert.equal(bias.state, 'initialized');
    assert.deepEqual(bias.tiedTo, []);
    assert.deepEqual(bias.stats, { count: 256, mean: 0, std: 0, min: 0, max: 0 });
    const weight = parameters.find((p) => p.name === 'dense0_weight')!;
    assert.ok((weight.stats!.max as number) <= 0.07 && (weight.stats!.min as number) >= -0.07, 'Uniform(0.07)');
  });

  test('parameterValues: a slice, the histogram and summary statistics', async () => {
    const r = await client().call('parameterValues', { docId: 'run', name: 'dense1_weight', slice: [{ start: 2, stop: 4 }, { stop: 3 }], bins: 5 });
    assert.deepEqual(r.shape, [10, 256]);
    assert.deepEqual(r.slice, { start: [2, 0], shape: [2, 3] });
    assert.equal(r.values.data.length, 6);
    assert.equal(
      r.histogram.counts.reduce((a, b) => a + b, 0),
      2560,
    );
    assert.equal(r.stats.count, 2560);
    const byPath = await client()
      .call('parameterValues', { docId: 'run', name: '1.bias' })
      .catch(() => null);
    if (byPath) assert.deepEqual(byPath.shape, [10]);
    assert.equal((await errorOf(client().call('parameterValues', { docId: 'run', name: 'dense9_weight' }))).code, 'E_NO_PARAMETER');
  });

  test('setParameter, initialize and forceReinit', async () => {
    const filled = await client().call('setParameter', { docId: 'run', name: 'dense1_bias', value: { fill: 0.5 } });
    assert.deepEqual(filled.stats, { count: 10, mean: 0.5, std: 0, min: 0.5, max: 0.5 });
    const data = await client().call('setParameter', {
      docId: 'run',
      name: 'dense1_bias',
      value: { shape: [10], data: Array.from({ length: 10 }, (_, i) => i) },
    });
    assert.equal(data.stats.max, 9);
    const wrong = await errorOf(client().call('setParameter', { docId: 'run', name: 'dense1_bias', value: { shape: [3], data: [1, 2, 3] } }));
    assert.equal(wrong.code, 'E_BAD_REQUEST');
    assert.match(wrong.message, /params\.value\.shape/);
    const init = await client().call('initialize', { docId: 'run' });
    assert.equal(init.skipped.length, 4);
    const again = await client().call('forceReinit', { docId: 'run', names: ['dense1_bias'], init: 'ones' });
    assert.deepEqual(again.initialized, ['dense1_bias']);
    const v = await client().call('parameterValues', { docId: 'run', name: 'dense1_bias' });
    assert.deepEqual(v.stats, { count: 10, mean: 1, std: 0, min: 1, max: 1 });
  });

  for (const ext of ['.params', '.npz', '.safetensors']) {
    test(`saveParameters / loadParameters through ${ext}, with a per-name report`, async () => {
      const file = path.join(host().work, `mlp${ext}`);
      const saved = await client().call('saveParameters', { docId: 'run', path: file, fullNames: true });
      assert.deepEqual(
        saved.entries.map((e) => [e.name, e.status]),
        [
          ['dense0_weight', 'saved'],
          ['dense0_bias', 'saved'],
          ['dense1_weight', 'saved'],
          ['dense1_bias', 'saved'],
        ],
      );
      await client().call('forceReinit', { docId: 'run', names: ['dense1_bias'], init: 'zeros' });
      const loaded = await client().call('loadParameters', { docId: 'run', path: file });
      assert.ok(loaded.entries.every((e) => e.status === 'loaded'));
      assert.equal((await client().call('parameterValues', { docId: 'run', name: 'dense1_bias' })).stats.mean, 1);
      const listed = await client().call('loadArrays', { path: file, maxValues: 0 });
      assert.deepEqual(listed.entries.map((e) => e.name).sort(), ['dense0_bias', 'dense0_weight', 'dense1_bias', 'dense1_weight']);
    });
  }

  test('loading a file that does not fit names every missing, extra and mismatched key', async () => {
    const file = path.join(host().work, 'misfit.npz');
    await client().call('saveArrays', {
      path: file,
      arrays: {
        dense0_weight: { shape: [256, 20], data: new Array(5120).fill(0) },
        dense1_weight: { shape: [3, 3], data: new Array(9).fill(0) },
        stray: { shape: [1], data: [1] },
      },
    });
    const e = await errorOf(client().call('loadParameters', { docId: 'run', path: file }));
    assert.match(e.code, /^E_LOAD_/);
    const entries = (e.details as { entries: { name: string; status: string }[] }).entries;
    const status = Object.fromEntries(entries.map((x) => [x.name, x.status]));
    assert.deepEqual(status, { dense0_weight: 'loaded', dense1_weight: 'shape-mismatch', stray: 'extra', dense0_bias: 'missing', dense1_bias: 'missing' });
  });
});

describe('examples', () => {
  test('exampleNames and loadExample', async () => {
    const { names } = await client().call('exampleNames', {});
    if (names.length === 0) return; // the examples are being written alongside
    const { document } = await client().call('loadExample', { name: names[0]! });
    assert.equal((document as { format: string }).format, 'blocksmith.graph');
    assert.equal((await errorOf(client().call('loadExample', { name: 'no-such-example' }))).code, 'E_BAD_REQUEST');
  });
});
