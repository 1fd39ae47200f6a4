// The ONNX reader on small hand-built models and on broken bytes: coded errors for truncated and
// garbage files, opsets outside 7..21, models over 2 GB, tensors whose data does not match their
// shape and external data outside the model's folder; MatMul + Add → Dense, Gemm with transB = 0,
// Conv with asymmetric pads through a Pad layer, BatchNormalization in inference mode.
// The imported values are checked against onnxruntime running the same bytes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { np } from '../../../engine/index.ts';
import { runModel } from '../../../engine/graph/index.ts';
import { buildModel } from '../../../engine/graph/build.ts';
import { ProtoWriter } from '../../../engine/export/onnx/protobuf.ts';
import { encodeModel, type OnnxNode, type OnnxTensor } from '../../../engine/export/onnx/onnx-proto.ts';
import { ImportError } from '../../../engine/import/import-error.ts';
import { importOnnx } from '../../../engine/import/onnx/onnx-import.ts';
import { readOnnx } from '../../../engine/import/onnx/onnx-reader.ts';

const f32 = (name: string, shape: number[], seed: number): OnnxTensor => {
  const v = np.random.uniform(-1, 1, shape, { seed }).toTyped() as Float32Array;
  return { name, dtype: 'float32', shape, raw: new Uint8Array(v.slice().buffer) };
};

function model(nodes: OnnxNode[], initializers: OnnxTensor[], inputDims: number[], outputDims: number[]): Uint8Array {
  return encodeModel({
    graph: {
      name: 'g',
      nodes,
      initializers,
      inputs: [{ name: 'x', dtype: 'float32', dims: inputDims }],
      outputs: [{ name: 'y', dtype: 'float32', dims: outputDims }],
    },
    producerName: 'test',
    producerVersion: '0',
    metadata: {},
  });
}

/** Imports, runs the engine on the imported values, and compares with onnxruntime on the same bytes. */
async function agreesWithOrt(bytes: Uint8Array, shape: number[]): Promise<ReturnType<typeof importOnnx>> {
  const imported = importOnnx(bytes);
  const built = buildModel(imported.document);
  const x = np.random.uniform(-1, 1, shape, { seed: 3 });
  runModel(built, [x]); // initializes deferred shapes
  const values = new Map(imported.parameters);
  for (const p of built.net.collectParams().values()) p.setData(np.array(Array.from(values.get(p.name)!.data as Float32Array)).reshape(p.shape!));
  const ours = runModel(built, [x]).outputs[0]!;
  const session = await ort.InferenceSession.create(bytes);
  const theirs = (await session.run({ x: new ort.Tensor('float32', x.toTyped() as Float32Array, shape) })).y!;
  assert.deepEqual(ours.shape, [...theirs.dims]);
  const a = ours.toTyped() as Float32Array;
  const b = theirs.data as Float32Array;
  const err = Math.max(...a.map((v, i) => Math.abs(v - b[i]!))) / Math.max(...b.map(Math.abs));
  assert.ok(err <= 1e-5, `relative error ${err}`);
  return imported;
}

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ImportError, String(e));
    return `${e.code}: ${e.message}`;
  }
  return 'no error';
};

test('MatMul + Add becomes one Dense with a bias; Gemm with transB = 0 and alpha / beta; Relu fused', async () => {
  const bytes = model(
    [
      { opType: 'MatMul', name: 'mm', inputs: ['x', 'B'], outputs: ['h'], attributes: {} },
      { opType: 'Add', name: 'add', inputs: ['h', 'b'], outputs: ['h2'], attributes: {} },
      { opType: 'Relu', name: 'relu', inputs: ['h2'], outputs: ['h3'], attributes: {} },
      { opType: 'Gemm', name: 'gemm', inputs: ['h3', 'C', 'c'], outputs: ['y'], attributes: { alpha: { float: 0.5 }, beta: { float: 2 } } },
    ],
    [f32('B', [6, 4], 1), f32('b', [4], 2), f32('C', [4, 3], 3), f32('c', [3], 4)],
    [2, 6],
    [2, 3],
  );
  const { document } = await agreesWithOrt(bytes, [2, 6]);
  assert.deepEqual(
    document.nodes.filter((n) => n.kind !== 'Input' && n.kind !== 'Output').map((n) => [n.kind, n.attrs?.activation ?? null, n.attrs?.useBias]),
    [
      ['Dense', 'relu', true],
      ['Dense', null, true],
    ],
  );
});

test('Conv, BatchNormalization (inference), MaxPool, GlobalAveragePool, Flatten', async () => {
  const ones = (name: string, n: number, v: number): OnnxTensor => ({
    name,
    dtype: 'float32',
    shape: [n],
    raw: new Uint8Array(new Float32Array(n).fill(v).buffer),
  });
  const bytes = model(
    [
      { opType: 'Conv', name: 'conv', inputs: ['x', 'W'], outputs: ['c'], attributes: { pads: [1, 1, 1, 1], strides: [2, 2] } },
      { opType: 'BatchNormalization', name: 'bn', inputs: ['c', 'g', 'b', 'm', 'v'], outputs: ['n'], attributes: { epsilon: { float: 1e-3 } } },
      { opType: 'MaxPool', name: 'pool', inputs: ['n'], outputs: ['p'], attributes: { kernel_shape: [2, 2], strides: [2, 2] } },
      { opType: 'GlobalAveragePool', name: 'gap', inputs: ['p'], outputs: ['q'], attributes: {} },
      { opType: 'Flatten', name: 'flat', inputs: ['q'], outputs: ['y'], attributes: { axis: 1 } },
    ],
    [f32('W', [4, 3, 3, 3], 5), f32('g', [4], 6), f32('b', [4], 7), f32('m', [4], 8), ones('v', 4, 0.7)],
    [1, 3, 9, 9],
    [1, 4],
  );
  const { document } = await agreesWithOrt(bytes, [1, 3, 9, 9]);
  assert.deepEqual(
    document.nodes.map((n) => n.kind),
    ['Input', 'Conv2D', 'BatchNorm', 'MaxPool2D', 'GlobalAvgPool2D', 'Flatten', 'Output'],
  );
});

test('a Conv with asymmetric pads becomes a Pad layer before a Conv2D with the common padding', async () => {
  const bytes = model(
    [{ opType: 'Conv', name: 'odd', inputs: ['x', 'W'], outputs: ['y'], attributes: { pads: [0, 1, 2, 1] } }],
    [f32('W', [2, 1, 3, 3], 9)],
    [1, 1, 6, 6],
    [1, 2, 6, 6],
  );
  const { document } = await agreesWithOrt(bytes, [1, 1, 6, 6]);
  assert.deepEqual(
    document.nodes.map((n) => [n.kind, n.attrs?.padding ?? null]),
    [
      ['Input', null],
      ['Pad', [0, 2, 0, 0]],
      ['Conv2D', [0, 1]],
      ['Output', null],
    ],
  );
});

test('truncated and garbage files, wrong opsets and impossible tensors get coded errors', () => {
  const good = model([{ opType: 'Relu', name: 'r', inputs: ['x'], outputs: ['y'], attributes: {} }], [f32('unused', [2], 1)], [1, 2], [1, 2]);
  assert.doesNotThrow(() => readOnnx(good));
  for (const cut of [1, 7, good.length >> 1, good.length - 3])
    assert.match(
      codeOf(() => readOnnx(good.subarray(0, cut))),
      /^E_IMPORT_FORMAT/,
    );
  assert.match(
    codeOf(() => readOnnx(new Uint8Array(0))),
    /^E_IMPORT_FORMAT: .*empty/,
  );
  assert.match(
    codeOf(() => readOnnx(new TextEncoder().encode('{"not": "onnx"}'))),
    /^E_IMPORT_FORMAT/,
  );
  const random = np.random.uniform(0, 255, [4096], { seed: 5 }).toTyped() as Float32Array;
  assert.match(
    codeOf(() => readOnnx(Uint8Array.from(random, Math.floor))),
    /^E_IMPORT_(FORMAT|OPSET)/,
  );
  assert.match(
    codeOf(() => readOnnx({ length: 2 ** 31 + 10 } as Uint8Array)),
    /^E_IMPORT_TOO_LARGE: .*2 GB/,
  );

  const withOpset = (version: number): Uint8Array => {
    const graph = new ProtoWriter().string(2, 'g');
    return new ProtoWriter().int(1, 8).message(7, graph).message(8, new ProtoWriter().string(1, '').int(2, version)).finish();
  };
  assert.match(
    codeOf(() => readOnnx(withOpset(6))),
    /^E_IMPORT_OPSET: .*opset 6; opsets 7 to 21/,
  );
  assert.match(
    codeOf(() => readOnnx(withOpset(22))),
    /^E_IMPORT_OPSET/,
  );
  assert.doesNotThrow(() => readOnnx(withOpset(7)));

  // A tensor claiming 10^12 elements with 8 bytes of data, and one whose data lies outside the model's folder.
  const tensor = (t: ProtoWriter): Uint8Array => withInitializer(t);
  const huge = new ProtoWriter().packedInts(1, [1_000_000, 1_000_000]).int(2, 1).string(8, 'w').bytes(9, new Uint8Array(8));
  assert.match(
    codeOf(() => readOnnx(tensor(huge))),
    /^E_IMPORT_(FORMAT|TOO_LARGE): tensor 'w'/,
  );
  const outside = new ProtoWriter()
    .packedInts(1, [2])
    .int(2, 1)
    .string(8, 'w')
    .int(14, 1)
    .message(13, new ProtoWriter().string(1, 'location').string(2, '../../etc/passwd'));
  assert.match(
    codeOf(() => readOnnx(tensor(outside), { readExternal: () => new Uint8Array(8) })),
    /^E_IMPORT_EXTERNAL: .*only files beside the model/,
  );
  const external = new ProtoWriter()
    .packedInts(1, [2])
    .int(2, 1)
    .string(8, 'w')
    .int(14, 1)
    .message(13, new ProtoWriter().string(1, 'location').string(2, 'weights.bin'));
  const read = readOnnx(tensor(external), { readExternal: () => new Uint8Array(new Float32Array([1.5, -2]).buffer) });
  assert.deepEqual([...read.initializers.get('w')!.values], [1.5, -2]);
});

function withInitializer(t: ProtoWriter): Uint8Array {
  const graph = new ProtoWriter().string(2, 'g').message(5, t);
  return new ProtoWriter().int(1, 8).message(7, graph).message(8, new ProtoWriter().string(1, '').int(2, 17)).finish();
}
