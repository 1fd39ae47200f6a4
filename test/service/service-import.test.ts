// importModel against a real engine process, as the editor calls it: an ONNX file by path and the
// same bytes as a dropped file (no path), each answering the document and a .safetensors the
// model then loads; the document's forward equals onnxruntime on the same model. A broken file is
// refused with its code.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { encodeModel } from '../../engine/export/onnx/onnx-proto.ts';
import { startLocalEngine, type LocalEngine } from '../../engine/service/client.ts';
import { errorOf, within } from './service-helpers.ts';

let engine: LocalEngine;
let dir: string;
before(async () => {
  engine = await startLocalEngine({ echoStderr: false });
  dir = await mkdtemp(path.join(tmpdir(), 'blocksmith-import-service-'));
  await within(20000, engine.client.call('ping', {}), 'first ping');
});
after(async () => {
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

const weights = Float32Array.from({ length: 12 }, (_, i) => Math.sin(i + 1));
const bias = Float32Array.from([0.5, -0.25, 1]);
const bytes = encodeModel({
  graph: {
    name: 'g',
    nodes: [
      { opType: 'Gemm', name: '/fc/Gemm', inputs: ['x', 'fc.weight', 'fc.bias'], outputs: ['h'], attributes: { transB: 1 } },
      { opType: 'Sigmoid', name: '/act/Sigmoid', inputs: ['h'], outputs: ['y'], attributes: {} },
    ],
    initializers: [
      { name: 'fc.weight', dtype: 'float32', shape: [3, 4], raw: new Uint8Array(weights.buffer) },
      { name: 'fc.bias', dtype: 'float32', shape: [3], raw: new Uint8Array(bias.buffer) },
    ],
    inputs: [{ name: 'x', dtype: 'float32', dims: ['N', 4] }],
    outputs: [{ name: 'y', dtype: 'float32', dims: ['N', 3] }],
  },
  producerName: 'test',
  producerVersion: '0',
  metadata: {},
});

async function forwardEqualsOrt(document: unknown, parametersFile: string): Promise<void> {
  const { docId } = await engine.client.call('openDocument', { docId: 'imported', document });
  await engine.client.call('forward', { docId, maxValues: 0 });
  const loaded = await engine.client.call('loadParameters', { docId, path: parametersFile });
  assert.deepEqual(
    loaded.entries.map((e) => e.status),
    ['loaded', 'loaded'],
  );
  const x = [0.1, -0.2, 0.3, 0.4, 1, 2, -1, 0];
  const out = await engine.client.call('forward', { docId, input: [{ shape: [2, 4], dtype: 'float32', data: x }] });
  const session = await ort.InferenceSession.create(bytes);
  const expected = (await session.run({ x: new ort.Tensor('float32', Float32Array.from(x), [2, 4]) })).y!.data as Float32Array;
  const got = out.outputs[0]!.data as number[];
  got.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-6, `${v} vs ${expected[i]}`));
}

test('an ONNX file by path, and the same bytes dropped: a document whose values load and whose forward equals onnxruntime', async () => {
  const file = path.join(dir, 'tiny.onnx');
  await writeFile(file, bytes);
  const byPath = await engine.client.call('importModel', { path: file });
  assert.equal(byPath.parametersFile, path.join(dir, 'tiny.safetensors'));
  assert.equal(byPath.report.parameterCount, 15);
  assert.deepEqual(
    (byPath.document as { nodes: { kind: string; attrs?: { activation?: string } }[] }).nodes.map((n) => [n.kind, n.attrs?.activation ?? null]),
    [
      ['Input', null],
      ['Dense', 'sigmoid'],
      ['Output', null],
    ],
  );
  await forwardEqualsOrt(byPath.document, byPath.parametersFile!);

  const dropped = await engine.client.call('importModel', { path: 'tiny.onnx', data: Buffer.from(bytes).toString('base64') });
  assert.notEqual(dropped.parametersFile, byPath.parametersFile);
  await forwardEqualsOrt(dropped.document, dropped.parametersFile!);
});

test('a truncated file is refused with E_IMPORT_FORMAT', async () => {
  const e = await errorOf(engine.client.call('importModel', { path: 'cut.onnx', data: Buffer.from(bytes.subarray(0, 40)).toString('base64') }));
  assert.equal(e.code, 'E_IMPORT_FORMAT');
});
