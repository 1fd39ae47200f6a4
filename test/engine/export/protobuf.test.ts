// The protobuf writer against its reader, byte-level facts of the wire format, and the ONNX model
// it encodes: the fields onnx.proto defines, and onnxruntime's loader accepting the bytes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { loadExample } from '../../../engine/graph/index.ts';
import { decodeFields, decodePackedInts, exportGraph, exportOnnx, IR_VERSION, OPSET_VERSION, prepareModel, ProtoWriter } from '../../../engine/export/index.ts';
import { decodeFloat, decodeString, type ProtoField } from '../../../engine/export/onnx/protobuf.ts';
import { FIELDS } from '../../../engine/export/onnx/onnx-proto.ts';

test("varints: 1 byte below 128, 300 as ac 02, negatives as 10-byte two's complement", () => {
  assert.deepEqual([...new ProtoWriter().int(1, 1).finish()], [0x08, 0x01]);
  assert.deepEqual([...new ProtoWriter().int(1, 300).finish()], [0x08, 0xac, 0x02]);
  const neg = new ProtoWriter().int(2, -1).finish();
  assert.equal(neg.length, 11);
  assert.equal(BigInt.asIntN(64, decodeFields(neg)[0]!.value as bigint), -1n);
});

test('round trip: ints, floats, strings, nested messages and packed ints come back as written', () => {
  const inner = new ProtoWriter().string(1, 'dense0_weight').int(2, 2 ** 40);
  const bytes = new ProtoWriter().int(1, 7).float(2, 0.5).string(3, 'héllo').message(4, inner).packedInts(5, [1, 300, -2, 0]).finish();
  const f = decodeFields(bytes);
  assert.deepEqual(
    f.map((x) => [x.field, x.wire]),
    [
      [1, 0],
      [2, 5],
      [3, 2],
      [4, 2],
      [5, 2],
    ],
  );
  assert.equal(f[0]!.value, 7n);
  assert.equal(decodeFloat(f[1]!.value as Uint8Array), 0.5);
  assert.equal(decodeString(f[2]!.value as Uint8Array), 'héllo');
  const nested = decodeFields(f[3]!.value as Uint8Array);
  assert.equal(decodeString(nested[0]!.value as Uint8Array), 'dense0_weight');
  assert.equal(nested[1]!.value, BigInt(2 ** 40));
  assert.deepEqual(decodePackedInts(f[4]!.value as Uint8Array), [1n, 300n, -2n, 0n]);
  assert.throws(() => decodeFields(bytes.subarray(0, bytes.length - 1)), /past the end|truncated/);
});

const fieldsOf = (fields: ProtoField[], n: number) => fields.filter((f) => f.field === n);
const text = (f: ProtoField) => decodeString(f.value as Uint8Array);

test('the ONNX model: IR 8, opset 17 of the default domain, graph with named inputs, outputs and initializers', async () => {
  const model = await prepareModel(loadExample('mlp'));
  const bytes = exportOnnx(exportGraph(model));
  const top = decodeFields(bytes);
  assert.equal(fieldsOf(top, FIELDS.model.irVersion)[0]!.value, BigInt(IR_VERSION));
  assert.equal(IR_VERSION, 8);
  const opset = decodeFields(fieldsOf(top, FIELDS.model.opsetImport)[0]!.value as Uint8Array);
  assert.equal(text(fieldsOf(opset, FIELDS.opset.domain)[0]!), '');
  assert.equal(fieldsOf(opset, FIELDS.opset.version)[0]!.value, BigInt(OPSET_VERSION));
  const graph = decodeFields(fieldsOf(top, FIELDS.model.graph)[0]!.value as Uint8Array);
  assert.equal(text(fieldsOf(graph, FIELDS.graph.name)[0]!), 'MLP');
  const nodes = fieldsOf(graph, FIELDS.graph.node).map((n) => decodeFields(n.value as Uint8Array));
  assert.deepEqual(
    nodes.map((n) => text(fieldsOf(n, FIELDS.node.opType)[0]!)),
    ['Gemm', 'Relu', 'Gemm', 'Identity'],
  );
  const inits = fieldsOf(graph, FIELDS.graph.initializer).map((t) => decodeFields(t.value as Uint8Array));
  assert.deepEqual(
    inits.map((t) => text(fieldsOf(t, FIELDS.tensor.name)[0]!)),
    ['dense0_weight', 'dense0_bias', 'dense1_weight', 'dense1_bias'],
  );
  assert.deepEqual(
    fieldsOf(inits[0]!, FIELDS.tensor.dims).map((d) => d.value),
    [256n, 20n],
  );
  const input = decodeFields(fieldsOf(graph, FIELDS.graph.input)[0]!.value as Uint8Array);
  assert.equal(text(fieldsOf(input, FIELDS.valueInfo.name)[0]!), 'data');

  const session = await ort.InferenceSession.create(bytes);
  assert.deepEqual(session.inputNames, ['data']);
  assert.deepEqual(session.outputNames, ['output']);
});
