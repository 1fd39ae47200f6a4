// npx.save / npx.load over NDArrays, cross-checked with numpy (python3) in both directions for
// .npy and .npz, plus MXNet's oldest list layout and parameter-file details (arg: prefixes,
// legacy prefix-stripped names, dtypeSource, devices, saving before the first batch).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gpu, np, type NDArray } from '../../../engine/index.ts';
import { writeArrayFile } from '../../../engine/io/array-file.ts';
import { DeferredInitError, Dense, ModelError, NamingScope, Sequential, loadArrays, saveArrays, toHostTensor, withNamingScope } from '../../../engine/index.ts';
import { quoteList } from '../../../engine/nn/model-errors.ts';
import { flat } from './model-test-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'blocksmith-nd-files-'));
const file = (n: string): string => join(dir, n);
const python = (code: string): string => execFileSync('python3', ['-c', code], { encoding: 'utf8' }).trim();

test('numpy reads what npx.save writes (.npy, .npz)', async () => {
  const a = np.array([
    [1.5, -2],
    [3, 4.25],
  ]);
  const b = np.arange(5, undefined, 1, { dtype: 'int64' });
  await saveArrays(file('a.npy'), a);
  await saveArrays(file('ab.npz'), { a, b });
  const out = python(`import numpy as np, json
a = np.load(${JSON.stringify(file('a.npy'))})
z = np.load(${JSON.stringify(file('ab.npz'))})
print(json.dumps([str(a.dtype), a.tolist(), str(z['a'].dtype), z['a'].tolist(), str(z['b'].dtype), z['b'].tolist()]))`);
  assert.deepEqual(JSON.parse(out), [
    'float32',
    [
      [1.5, -2],
      [3, 4.25],
    ],
    'float32',
    [
      [1.5, -2],
      [3, 4.25],
    ],
    'int64',
    [0, 1, 2, 3, 4],
  ]);
});

test('npx.load reads what numpy writes (.npy, .npz with positional and named arrays)', async () => {
  python(`import numpy as np
np.save(${JSON.stringify(file('np.npy'))}, np.arange(6, dtype=np.float64).reshape(2, 3))
np.savez(${JSON.stringify(file('np.npz'))}, np.array([True, False]), w=np.full((2,), 7, dtype=np.int32))`);
  const m = (await loadArrays(file('np.npy'))) as NDArray;
  assert.equal(m.dtype, 'float64');
  assert.deepEqual(m.toArray(), [
    [0, 1, 2],
    [3, 4, 5],
  ]);
  const z = (await loadArrays(file('np.npz'))) as Record<string, NDArray>;
  assert.deepEqual(Object.keys(z).sort(), ['arr_0', 'w']);
  assert.deepEqual(z.arr_0!.toArray(), [true, false]);
  assert.equal(z.w!.dtype, 'int32');
  assert.deepEqual(flat(z.w!), [7, 7]);
});

test("MXNet's oldest list layout (legacy_ndarray.v0) loads as 6 arrays of arange(128)", async () => {
  const arrays = (await loadArrays('/work/shared/fixtures/mxnet/legacy_ndarray.v0', { format: 'mxnet' })) as NDArray[];
  assert.equal(arrays.length, 6);
  const expected = Array.from({ length: 128 }, (_, i) => i);
  for (const a of arrays) assert.deepEqual(flat(a), expected);
});

const net = (): Sequential => withNamingScope(new NamingScope(), () => new Sequential().add(new Dense(3, { inUnits: 2 })));

test('loadParameters: arg:/aux: prefixes and prefix-stripped legacy names resolve too', async () => {
  const src = net();
  src.initialize();
  const w = toHostTensor(src.at<Dense>(0).weight.data());
  const b = toHostTensor(src.at<Dense>(0).bias!.data());
  await writeArrayFile(file('export.params'), { 'arg:0.weight': w, 'arg:0.bias': b });
  const a = net();
  await a.loadParameters(file('export.params'));
  assert.deepEqual(flat(a.at<Dense>(0).weight.data()), flat(src.at<Dense>(0).weight.data()));
  // Full names, and names with the block's prefix stripped (1.x save_params), both resolve.
  await writeArrayFile(file('names.params'), { dense0_weight: w, dense0_bias: b });
  await net().loadParameters(file('names.params'));
  const lone = withNamingScope(new NamingScope(), () => new Dense(3, { inUnits: 2 }));
  await writeArrayFile(file('lone.params'), { weight: w, bias: b });
  await lone.loadParameters(file('lone.params'));
  assert.deepEqual(flat(lone.bias!.data()), flat(src.at<Dense>(0).bias!.data()));
});

test('loadParameters: castDtype with dtypeSource saved re-dtypes the parameter', async () => {
  const src = withNamingScope(new NamingScope(), () => new Sequential().add(new Dense(3, { inUnits: 2, dtype: 'float64' })));
  src.initialize();
  await src.saveParameters(file('f64.params'));
  const dst = net();
  dst.initialize();
  await dst.loadParameters(file('f64.params'), { castDtype: true, dtypeSource: 'saved' });
  assert.deepEqual(flat(dst.at<Dense>(0).weight.data()), flat(src.at<Dense>(0).weight.data()));
  assert.equal(dst.at<Dense>(0).weight.dtype, 'float64');
  assert.equal(dst.at<Dense>(0).weight.data().dtype, 'float64');
});

test('loadParameters refuses another device for initialized parameters; nothing is half-loaded', async () => {
  const a = net();
  a.initialize();
  await a.saveParameters(file('dev.params'));
  const before = flat(a.at<Dense>(0).weight.data());
  await assert.rejects(
    a.loadParameters(file('dev.params'), { device: gpu(1) }),
    (e: ModelError) => e.code === 'E_LOAD_DEVICE' && e.message.includes('gpu(1)') && e.message.includes('cpu(0)'),
  );
  assert.deepEqual(flat(a.at<Dense>(0).weight.data()), before);
});

test('saving before the first batch raises the deferred-init error', async () => {
  const n = withNamingScope(new NamingScope(), () => new Sequential().add(new Dense(3)));
  n.initialize();
  await assert.rejects(n.saveParameters(file('early.params')), (e: Error) => e instanceof DeferredInitError);
});

test('long name lists are abbreviated like Gluon (first 3, ..., last 4)', () => {
  const names = Array.from({ length: 9 }, (_, i) => `p${i}`);
  assert.equal(quoteList(names), "'p0', 'p1', 'p2', ..., 'p5', 'p6', 'p7', 'p8'");
  assert.equal(quoteList(names.slice(0, 2)), "'p0', 'p1'");
});
