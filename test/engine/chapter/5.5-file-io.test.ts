// Chapter 5.5 (File I/O): npx.save / npx.load of arrays, lists and dicts; saveParameters /
// loadParameters with a clone reproducing the outputs exactly; key styles, formats and errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { np, type NDArray } from '../../../engine/index.ts';
import { readArrayFile, writeArrayFile } from '../../../engine/io/array-file.ts';
import { Dense, ModelError, NamingScope, Sequential, examples, loadArrays, saveArrays } from '../../../engine/index.ts';
import { flat, inScope } from '../nn/model-test-helpers.ts';

const run = inScope(new NamingScope());
const dir = mkdtempSync(join(tmpdir(), 'blocksmith-5.5-'));
const file = (name: string): string => join(dir, name);
const x = np.arange(4);
const y = np.zeros(4);

test('5.5.1: one array saved without an extension loads back as a list of one (MXNet format)', async () => {
  await saveArrays(file('x-file'), x);
  const x2 = (await loadArrays(file('x-file'))) as NDArray[];
  assert.equal(x2.length, 1);
  assert.equal(x2[0]!.toString(), 'array([0., 1., 2., 3.])');
});

test('5.5.1: a list of arrays', async () => {
  await saveArrays(file('x-files'), [x, y]);
  const [x2, y2] = (await loadArrays(file('x-files'))) as NDArray[];
  assert.equal(x2!.toString(), 'array([0., 1., 2., 3.])');
  assert.equal(y2!.toString(), 'array([0., 0., 0., 0.])');
});

test('5.5.1: a dict of arrays', async () => {
  await saveArrays(file('mydict'), { x, y });
  const mydict2 = (await loadArrays(file('mydict'))) as Record<string, NDArray>;
  assert.deepEqual(Object.keys(mydict2), ['x', 'y']);
  assert.equal(mydict2.x!.toString(), 'array([0., 1., 2., 3.])');
  assert.equal(mydict2.y!.toString(), 'array([0., 0., 0., 0.])');
});

test('5.5.1: .npy keeps a single array as itself; .npz and .safetensors keep names', async () => {
  await saveArrays(file('x.npy'), x);
  assert.equal(((await loadArrays(file('x.npy'))) as NDArray).toString(), 'array([0., 1., 2., 3.])');
  for (const name of ['d.npz', 'd.safetensors']) {
    await saveArrays(file(name), { x, y });
    const d = (await loadArrays(file(name))) as Record<string, NDArray>;
    assert.deepEqual(flat(d.x!), [0, 1, 2, 3], name);
    assert.deepEqual(flat(d.y!), [0, 0, 0, 0], name);
  }
});

const x20 = np.random.uniform(0, 1, [2, 20]);
const net = run(() => new examples.MLP());
net.initialize();
const out = net.call(x20);

test('5.5.2: saveParameters writes structural keys; a clone loads them and reproduces y exactly', async () => {
  await net.saveParameters(file('mlp.params'));
  const saved = (await readArrayFile(file('mlp.params'))) as Record<string, unknown>;
  assert.deepEqual(Object.keys(saved), ['hidden.weight', 'hidden.bias', 'output.weight', 'output.bias']);
  const clone = run(() => new examples.MLP());
  await clone.loadParameters(file('mlp.params'));
  const yclone = clone.call(x20);
  assert.deepEqual(yclone.eq(out).toArray(), [new Array(10).fill(true), new Array(10).fill(true)]);
});

test('5.5.2: full names, other formats, and either key style on load', async () => {
  await net.saveParameters(file('mlp-names.params'), { fullNames: true });
  const keys = Object.keys((await readArrayFile(file('mlp-names.params'))) as object);
  assert.deepEqual(keys, [net.hidden.weight.name, net.hidden.bias!.name, net.output.weight.name, net.output.bias!.name]);
  // A clone has other full names (dense2_ vs dense0_), so full names load into the same network.
  const same = net;
  await same.loadParameters(file('mlp-names.params'));
  for (const name of ['mlp.npz', 'mlp.safetensors']) {
    await net.saveParameters(file(name));
    const clone = run(() => new examples.MLP());
    await clone.loadParameters(file(name));
    assert.deepEqual(flat(clone.call(x20)), flat(out), name);
  }
});

test('5.5.2: shared parameters are saved once and load back tied', async () => {
  const { net: tied } = run(() => examples.tiedNet());
  tied.initialize();
  const xs = np.random.uniform(0, 1, [2, 20]);
  const ys = tied.call(xs);
  await tied.saveParameters(file('tied.params'));
  const keys = Object.keys((await readArrayFile(file('tied.params'))) as object);
  assert.deepEqual(keys, ['0.weight', '0.bias', '1.weight', '1.bias', '3.weight', '3.bias']);
  const { net: clone } = run(() => examples.tiedNet());
  await clone.loadParameters(file('tied.params'));
  assert.deepEqual(flat(clone.call(xs)), flat(ys));
});

test('5.5.2: missing and extra keys name the parameters; allowMissing / ignoreExtra relax it', async () => {
  const small = run(() => new Sequential().add(new Dense(10, { inUnits: 20 })));
  small.initialize();
  await small.saveParameters(file('small.params'));
  const bigger = run(() => new Sequential().add(new Dense(10, { inUnits: 20 }), new Dense(3, { inUnits: 10 })));
  await assert.rejects(
    bigger.loadParameters(file('small.params')),
    (e: ModelError) => e.code === 'E_LOAD_MISSING' && e.message.includes("'1.weight'") && e.message.includes("'0.weight'") && /allowMissing/.test(e.message),
  );
  await bigger.loadParameters(file('small.params'), { allowMissing: true });
  assert.deepEqual(flat(bigger.at<Dense>(0).weight.data()), flat(small.at<Dense>(0).weight.data()));
  assert.equal(bigger.at<Dense>(1).weight.state, 'uninitialized');

  bigger.initialize();
  await bigger.saveParameters(file('bigger.params'));
  const fresh = run(() => new Sequential().add(new Dense(10, { inUnits: 20 })));
  await assert.rejects(
    fresh.loadParameters(file('bigger.params')),
    (e: ModelError) => e.code === 'E_LOAD_EXTRA' && e.names.includes('1.weight') && /ignoreExtra/.test(e.message),
  );
  await fresh.loadParameters(file('bigger.params'), { ignoreExtra: true });
  assert.equal(fresh.at<Dense>(0).weight.state, 'initialized');
});

test('5.5.2: shape and dtype mismatches are errors naming the key; castDtype converts', async () => {
  const a = run(() => new Sequential().add(new Dense(10, { inUnits: 20 })));
  a.initialize();
  await a.saveParameters(file('a.params'));
  const wrongShape = run(() => new Sequential().add(new Dense(10, { inUnits: 30 })));
  await assert.rejects(
    wrongShape.loadParameters(file('a.params')),
    (e: ModelError) => e.code === 'E_LOAD_SHAPE' && e.message.includes("'0.weight'") && e.message.includes('(10, 30)') && e.message.includes('(10, 20)'),
  );
  const f64 = run(() => new Sequential().add(new Dense(10, { inUnits: 20, dtype: 'float64' })));
  await assert.rejects(f64.loadParameters(file('a.params')), (e: ModelError) => e.code === 'E_LOAD_DTYPE' && /castDtype/.test(e.message));
  await f64.loadParameters(file('a.params'), { castDtype: true });
  assert.equal(f64.at<Dense>(0).weight.data().dtype, 'float64');
  assert.ok(flat(f64.at<Dense>(0).weight.data()).every((v, i) => v === flat(a.at<Dense>(0).weight.data())[i]));
  // Unknown dims are filled from the file: a deferred Dense loads without a batch.
  const deferred = run(() => new Sequential().add(new Dense(10)));
  await deferred.loadParameters(file('a.params'));
  assert.deepEqual(deferred.at<Dense>(0).weight.shape, [10, 20]);
});

test('5.5 exercise 2: reuse the first two layers of a trained network in a different one', async () => {
  const trained = run(() => new Sequential().add(new Dense(8, { activation: 'relu' }), new Dense(8, { activation: 'relu' }), new Dense(10)));
  trained.initialize();
  trained.call(x20);
  await trained.saveParameters(file('trained.params'));
  const other = run(() => new Sequential().add(new Dense(8, { activation: 'relu' }), new Dense(8, { activation: 'relu' }), new Dense(3)));
  // The head differs in shape: drop it from the file, and let the new head initialize as usual.
  const saved = (await readArrayFile(file('trained.params'))) as Record<string, never>;
  await writeArrayFile(file('first-two.params'), Object.fromEntries(Object.entries(saved).filter(([k]) => !k.startsWith('2.'))));
  await other.loadParameters(file('first-two.params'), { allowMissing: true });
  other.initialize();
  assert.deepEqual(other.call(x20).shape, [2, 3]);
  for (const i of [0, 1]) assert.deepEqual(flat(other.at<Dense>(i).weight.data()), flat(trained.at<Dense>(i).weight.data()));
});

test('5.5: a file holding an unnamed list is not a parameter file', async () => {
  await assert.rejects(net.loadParameters(file('x-files')), (e: ModelError) => e.code === 'E_LOAD_FORMAT');
});
