// inspectDataFile (what the editor offers as label and feature choices): a CSV's header names by
// the import's own header rule, indices without a header, RFC 4180 quotes in the header, only the
// first line read; an .npz's arrays and an .npy's matrix; errors that name the file.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { writeArrayFile } from '../../../engine/io/array-file.ts';
import { inspectDataFile } from '../../../engine/train/data/inspect.ts';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'blocksmith-inspect-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('CSV: header names (quotes included), or indices when the first row is all numbers', async () => {
  const named = join(dir, 'named.csv');
  // The second line is broken on purpose: only the first line is read.
  await writeFile(named, '\nid,"a, b",y\r\n1,"x\n');
  assert.deepEqual(await inspectDataFile(named, 'csv'), { format: 'csv', header: true, columns: ['id', 'a, b', 'y'], arrays: [] });
  const plain = join(dir, 'plain.csv');
  await writeFile(plain, '1;2.5;3\n4;5;6\n');
  assert.deepEqual(await inspectDataFile(plain, 'csv', { delimiter: ';' }), { format: 'csv', header: false, columns: ['0', '1', '2'], arrays: [] });
});

test('.npz arrays and an .npy matrix', async () => {
  const npz = join(dir, 'd.npz');
  await writeArrayFile(
    npz,
    {
      inputs: { dtype: 'float32', shape: [3, 2], data: new Float32Array(6) },
      target: { dtype: 'int32', shape: [3], data: new Int32Array(3) },
    },
    { format: 'npz' },
  );
  const info = await inspectDataFile(npz, 'arrays');
  assert.equal(info.format, 'npz');
  assert.deepEqual(
    info.arrays.sort((a, b) => a.name.localeCompare(b.name)),
    [
      { name: 'inputs', shape: [3, 2], dtype: 'float32' },
      { name: 'target', shape: [3], dtype: 'int32' },
    ],
  );
  const npy = join(dir, 'm.npy');
  await writeArrayFile(npy, { dtype: 'float64', shape: [4, 3], data: new Float64Array(12) }, { format: 'npy' });
  assert.deepEqual(await inspectDataFile(npy, 'arrays'), {
    format: 'npy',
    header: false,
    columns: ['0', '1', '2'],
    arrays: [{ name: '', shape: [4, 3], dtype: 'float64' }],
  });
});

test('errors name the file: missing, empty', async () => {
  await assert.rejects(
    inspectDataFile(join(dir, 'nope.csv'), 'csv'),
    (e: { code?: string; message?: string }) => e.code === 'E_DATA' && /nope\.csv: cannot read the file \(ENOENT\)/.test(e.message ?? ''),
  );
  const empty = join(dir, 'empty.csv');
  await writeFile(empty, '\n\n');
  await assert.rejects(inspectDataFile(empty, 'csv'), /empty\.csv: the file is empty/);
  await assert.rejects(inspectDataFile(join(dir, 'nope.npz'), 'arrays'), (e: { code?: string }) => e.code === 'E_FILE_IO');
});
