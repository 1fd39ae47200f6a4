// ONNX messages as protobuf bytes. Field numbers are those of onnx/onnx.proto (ModelProto,
// GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto, TypeProto,
// TensorShapeProto, OperatorSetIdProto); only the fields the exporter writes are named here.

import type { OnnxAttr } from '../../nn/layers/layer-spec.ts';
import { ProtoWriter } from './protobuf.ts';

export const IR_VERSION = 8;
export const OPSET_VERSION = 17;

/** TensorProto.DataType values. */
export const ONNX_DTYPE = { float32: 1, uint8: 2, int32: 6, int64: 7, bool: 9, float64: 11 } as const;
export type OnnxDType = keyof typeof ONNX_DTYPE;

export const FIELDS = {
  model: { irVersion: 1, producerName: 2, producerVersion: 3, docString: 6, graph: 7, opsetImport: 8, metadataProps: 14 },
  opset: { domain: 1, version: 2 },
  graph: { node: 1, name: 2, initializer: 5, docString: 10, input: 11, output: 12 },
  node: { input: 1, output: 2, name: 3, opType: 4, attribute: 5, docString: 6, domain: 7 },
  attribute: { name: 1, f: 2, i: 3, s: 4, floats: 7, ints: 8, type: 20 },
  tensor: { dims: 1, dataType: 2, name: 8, rawData: 9 },
  valueInfo: { name: 1, type: 2 },
  type: { tensorType: 1 },
  typeTensor: { elemType: 1, shape: 2 },
  shape: { dim: 1 },
  dim: { value: 1, param: 2 },
  entry: { key: 1, value: 2 },
} as const;

/** AttributeProto.AttributeType values. */
export const ATTR_TYPE = { float: 1, int: 2, string: 3, ints: 7 } as const;

export interface OnnxTensor {
  name: string;
  dtype: OnnxDType;
  shape: readonly number[];
  raw: Uint8Array;
}
export interface OnnxNode {
  opType: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes: Readonly<Record<string, OnnxAttr>>;
  doc?: string;
}
/** A graph input or output: its dims, where a string is a symbolic dim (`N` for the batch). */
export interface OnnxValueInfo {
  name: string;
  dtype: OnnxDType;
  dims: readonly (number | string)[];
}
export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  doc?: string;
}
export interface OnnxModel {
  graph: OnnxGraph;
  producerName: string;
  producerVersion: string;
  metadata: Readonly<Record<string, string>>;
}

function attribute(name: string, value: OnnxAttr): ProtoWriter {
  const F = FIELDS.attribute;
  const w = new ProtoWriter().string(F.name, name);
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: ${value} is not an integer; pass {float: ${value}}`);
    return w.int(F.type, ATTR_TYPE.int).int(F.i, value);
  }
  if (typeof value === 'string') return w.int(F.type, ATTR_TYPE.string).string(F.s, value);
  if (Array.isArray(value)) return w.int(F.type, ATTR_TYPE.ints).packedInts(F.ints, value as number[]);
  return w.int(F.type, ATTR_TYPE.float).float(F.f, (value as { float: number }).float);
}

function node(n: OnnxNode): ProtoWriter {
  const F = FIELDS.node;
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(F.input, i);
  for (const o of n.outputs) w.string(F.output, o);
  w.string(F.name, n.name).string(F.opType, n.opType);
  for (const [k, v] of Object.entries(n.attributes)) w.message(F.attribute, attribute(k, v));
  if (n.doc) w.string(F.docString, n.doc);
  return w;
}

function tensor(t: OnnxTensor): ProtoWriter {
  const F = FIELDS.tensor;
  const w = new ProtoWriter();
  for (const d of t.shape) w.int(F.dims, d);
  return w.int(F.dataType, ONNX_DTYPE[t.dtype]).string(F.name, t.name).bytes(F.rawData, t.raw);
}

function valueInfo(v: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.dims) {
    const dim = new ProtoWriter();
    if (typeof d === 'string') dim.string(FIELDS.dim.param, d);
    else dim.int(FIELDS.dim.value, d);
    shape.message(FIELDS.shape.dim, dim);
  }
  const tensorType = new ProtoWriter().int(FIELDS.typeTensor.elemType, ONNX_DTYPE[v.dtype]).message(FIELDS.typeTensor.shape, shape);
  const type = new ProtoWriter().message(FIELDS.type.tensorType, tensorType);
  return new ProtoWriter().string(FIELDS.valueInfo.name, v.name).message(FIELDS.valueInfo.type, type);
}

function graph(g: OnnxGraph): ProtoWriter {
  const F = FIELDS.graph;
  const w = new ProtoWriter();
  for (const n of g.nodes) w.message(F.node, node(n));
  w.string(F.name, g.name);
  for (const t of g.initializers) w.message(F.initializer, tensor(t));
  if (g.doc) w.string(F.docString, g.doc);
  for (const i of g.inputs) w.message(F.input, valueInfo(i));
  for (const o of g.outputs) w.message(F.output, valueInfo(o));
  return w;
}

/** The bytes of a ModelProto: IR version 8, the default domain at opset 17. */
export function encodeModel(m: OnnxModel): Uint8Array {
  const F = FIELDS.model;
  const w = new ProtoWriter()
    .int(F.irVersion, IR_VERSION)
    .string(F.producerName, m.producerName)
    .string(F.producerVersion, m.producerVersion)
    .message(F.graph, graph(m.graph))
    .message(F.opsetImport, new ProtoWriter().string(FIELDS.opset.domain, '').int(FIELDS.opset.version, OPSET_VERSION));
  for (const [key, value] of Object.entries(m.metadata)) {
    w.message(F.metadataProps, new ProtoWriter().string(FIELDS.entry.key, key).string(FIELDS.entry.value, value));
  }
  return w.finish();
}
