// Every method of the service API over the real WebSocket against a real engine process, and the
// engine's door: a request whose params do not match the schema gets E_BAD_REQUEST naming the field.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { METHOD_NAMES } from '../../engine/protocol/service-api.ts';
import { connectedHost, errorOf } from './service-helpers.ts';

const connection = connectedHost();
const client = () => connection.client();
const host = () => connection.host();

describe('engine and devices', () => {
  test('ping names the engine process', async () => {
    const r = await client().call('ping', {});
    assert.ok(r.pid > 0 && r.pid !== process.pid);
    assert.match(r.node, /^v\d+/);
  });

  test('listDevices lists cpu:0, and says why there is no GPU when there is none', async () => {
    const r = await client().call('listDevices', {});
    assert.deepEqual(r.devices[0], { name: 'cpu:0', type: 'cpu', index: 0, available: true });
    assert.equal(r.devices.length, 1 + r.gpuCount);
    if (r.gpuCount === 0) assert.match(r.gpuReason ?? '', /\w{10,}/);
    else assert.equal(r.gpuReason, null);
  });

  test('matmulBenchmark runs and asking for a missing GPU is a coded error', async () => {
    const r = await client().call('matmulBenchmark', { size: 16, repeats: 3 });
    assert.equal(r.repeats, 3);
    assert.ok(Number.isFinite(r.checksum));
    const devices = await client().call('listDevices', {});
    const missing = `gpu:${devices.gpuCount}`;
    const e = await errorOf(client().call('matmulBenchmark', { size: 4, repeats: 1, device: missing }));
    assert.equal(e.code, 'E_NO_CUDA');
    assert.match(e.message, new RegExp(`${missing} is not available`));
  });
});

describe('array files: every format, with a per-name report', () => {
  const arrays = {
    weight: { shape: [2, 3], data: [1, 2, 3, 4, 5, 6] },
    bias: { shape: [3], dtype: 'float64' as const, data: [0.5, 'NaN' as const, '-Infinity' as const] },
    steps: { shape: [2], dtype: 'int64' as const, data: [7, -9] },
  };
  for (const ext of ['.params', '.npz', '.safetensors']) {
    test(`named arrays round-trip through ${ext}`, async () => {
      const file = path.join(host().work, `named${ext}`);
      const saved = await client().call('saveArrays', { path: file, arrays });
      assert.deepEqual(
        saved.entries.map((e) => [e.name, e.status, e.shape, e.dtype]),
        [
          ['weight', 'saved', [2, 3], 'float32'],
          ['bias', 'saved', [3], 'float64'],
          ['steps', 'saved', [2], 'int64'],
        ],
      );
      const loaded = await client().call('loadArrays', { path: file });
      assert.equal(loaded.kind, 'named');
      assert.equal(loaded.format, { '.params': 'mxnet', '.npz': 'npz', '.safetensors': 'safetensors' }[ext]);
      const byName = Object.fromEntries(loaded.entries.map((e) => [e.name, e]));
      assert.deepEqual(byName.weight!.values!.data, [1, 2, 3, 4, 5, 6]);
      assert.deepEqual(byName.bias!.values!.data, [0.5, 'NaN', '-Infinity']);
      assert.deepEqual(byName.steps!.values!.data, [7, -9]);
    });
  }

  test('one array to .npy, a list to .params; maxValues 0 lists names, shapes and dtypes only', async () => {
    const npy = path.join(host().work, 'one.npy');
    await client().call('saveArrays', { path: npy, arrays: { shape: [2, 2], data: [1, 2, 3, 4] } });
    const one = await client().call('loadArrays', { path: npy, maxValues: 2 });
    assert.equal(one.kind, 'single');
    assert.deepEqual(one.entries[0]!.values, { shape: [2, 2], dtype: 'float32', data: [1, 2], truncated: true });
    const list = path.join(host().work, 'list.params');
    await client().call('saveArrays', {
      path: list,
      arrays: [
        { shape: [1], data: [1] },
        { shape: [0], data: [] },
      ],
    });
    const listed = await client().call('loadArrays', { path: list, maxValues: 0 });
    assert.equal(listed.kind, 'list');
    assert.deepEqual(listed.entries, [
      { name: '0', shape: [1], dtype: 'float32' },
      { name: '1', shape: [0], dtype: 'float32' },
    ]);
  });

  test('file errors keep their codes and places', async () => {
    const e = await errorOf(client().call('loadArrays', { path: path.join(host().work, 'missing.npz') }));
    assert.equal(e.code, 'E_FILE_IO');
    const bad = await errorOf(client().call('saveArrays', { path: path.join(host().work, 'x.unknown'), arrays: [] }));
    assert.equal(bad.code, 'E_BAD_REQUEST');
    assert.match(bad.message, /format/);
  });
});

describe("the engine's door", () => {
  test('bad params name the field', async () => {
    const cases: [string, Promise<unknown>, RegExp][] = [
      ['wrong type', client().call('matmulBenchmark', { size: 'big', repeats: 1 } as never), /params\.size/],
      ['out of range', client().call('matmulBenchmark', { size: 4, repeats: 0 }), /params\.repeats/],
      ['unknown field', client().call('ping', { extra: 1 } as never), /extra/],
      ['bad device', client().call('matmulBenchmark', { size: 4, repeats: 1, device: 'tpu' }), /params\.device/],
      ['data/shape mismatch', client().call('saveArrays', { path: '/tmp/never.npy', arrays: { shape: [3], data: [1] } }), /params\.arrays/],
      ['missing field', client().call('loadArrays', {} as never), /params\.path/],
      ['negative input dim', client().call('forward', { docId: 'd', inputShape: [-2, 20] }), /params\.inputShape\.0/],
    ];
    for (const [what, call, field] of cases) {
      const e = await errorOf(call);
      assert.equal(e.code, 'E_BAD_REQUEST', what);
      assert.match(e.message, field, what);
      assert.ok(Array.isArray((e.details as { issues: unknown[] }).issues), what);
    }
  });

  test('an unknown method is refused with its name', async () => {
    const e = await errorOf(client().call('dropDatabase' as never, {} as never));
    assert.equal(e.code, 'E_UNKNOWN_METHOD');
    assert.match(e.message, /dropDatabase/);
  });

  test('the API lists every method once', () => {
    assert.equal(new Set(METHOD_NAMES).size, METHOD_NAMES.length);
    assert.ok(METHOD_NAMES.length >= 19);
  });
});
