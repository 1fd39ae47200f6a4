// ModelProto bytes → OnnxModelIn (onnx/onnx.proto field numbers), bounded for hostile input: every
// length is checked against the bytes (engine/export/onnx/protobuf.ts's reader throws on a
// truncated field; its message becomes E_IMPORT_FORMAT with the place), tensors must hold exactly
// their elements, models over 2 GB are refused, external-data locations must stay inside the
// model's folder, and no recursion follows the file's nesting (subgraphs are not read).

import { decodeFields, decodePackedInts, decodeString, type ProtoField } from '../../export/onnx/protobuf.ts';
import { onnxExternalErrors, onnxReadErrors } from './onnx-errors.ts';
import type { OnnxAttrValue, OnnxModelIn, OnnxNodeIn, OnnxTensorValue, OnnxValueIn } from './onnx-model.ts';

/** Protobuf's own limit, and the issue's: larger models are refused with a clear message. */
export const MAX_MODEL_BYTES = 2 ** 31 - 1;
export const OPSET_MIN = 7;
export const OPSET_MAX = 21;

export interface ReadOptions {
  /** Reads `length` bytes (all when undefined) at `offset` of an external-data file named relative to the model. */
  readExternal?(location: string, offset: number, length: number | undefined): Uint8Array;
}

const ITEMSIZE: Readonly<Record<number, number>> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2 };
const DTYPE_NAME: Readonly<Record<number, string>> = { 8: 'string', 14: 'complex64', 15: 'complex128' };

function fields(bytes: Uint8Array, what: string): ProtoField[] {
  try {
    return decodeFields(bytes);
  } catch (error) {
    throw onnxReadErrors.malformed(what, (error as Error).message);
  }
}

const asBytes = (f: ProtoField, what: string): Uint8Array => {
  if (!(f.value instanceof Uint8Array) || f.wire !== 2) throw onnxReadErrors.wireType(what, f.field);
  return f.value;
};
const asInt = (f: ProtoField, what: string): number => {
  if (typeof f.value !== 'bigint') throw onnxReadErrors.notInteger(what, f.field);
  return Number(BigInt.asIntN(64, f.value));
};
const text = (f: ProtoField, what: string): string => decodeString(asBytes(f, what));

/** Repeated ints: packed in one field or one field each. */
function intsOf(list: ProtoField[], what: string): number[] {
  return list.flatMap((f) => (f.wire === 2 ? decodePackedSafe(asBytes(f, what), what) : [asInt(f, what)]));
}
function decodePackedSafe(b: Uint8Array, what: string): number[] {
  try {
    return decodePackedInts(b).map(Number);
  } catch (error) {
    throw onnxReadErrors.packedInts(what, (error as Error).message);
  }
}
function floatsOf(list: ProtoField[], what: string): number[] {
  const out: number[] = [];
  for (const f of list) {
    const b = asBytesOrFixed(f, what);
    if (b.length % 4) throw onnxReadErrors.packedFloats(what);
    const view = new DataView(b.buffer, b.byteOffset, b.length);
    for (let i = 0; i < b.length; i += 4) out.push(view.getFloat32(i, true));
  }
  return out;
}
const asBytesOrFixed = (f: ProtoField, what: string): Uint8Array => {
  if (f.value instanceof Uint8Array) return f.value;
  throw onnxReadErrors.notFloats(what, f.field);
};

const byField = (list: ProtoField[]): Map<number, ProtoField[]> => {
  const m = new Map<number, ProtoField[]>();
  for (const f of list) m.set(f.field, [...(m.get(f.field) ?? []), f]);
  return m;
};

function half(h: number, bf16: boolean): number {
  if (bf16) return new Float32Array(new Uint32Array([h << 16]).buffer)[0]!;
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Raw little-endian bytes of `count` elements as float64 values. */
function decodeRaw(raw: Uint8Array, dataType: number, count: number, name: string): Float64Array {
  const size = ITEMSIZE[dataType]!;
  if (raw.length !== count * size) {
    throw onnxReadErrors.rawBytes(name, raw.length, count, size);
  }
  const v = new DataView(raw.buffer, raw.byteOffset, raw.length);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const at = i * size;
    switch (dataType) {
      case 1:
        out[i] = v.getFloat32(at, true);
        break;
      case 11:
        out[i] = v.getFloat64(at, true);
        break;
      case 6:
        out[i] = v.getInt32(at, true);
        break;
      case 7:
        out[i] = Number(v.getBigInt64(at, true));
        break;
      case 13:
        out[i] = Number(v.getBigUint64(at, true));
        break;
      case 12:
        out[i] = v.getUint32(at, true);
        break;
      case 2:
      case 9:
        out[i] = v.getUint8(at);
        break;
      case 3:
        out[i] = v.getInt8(at);
        break;
      case 4:
        out[i] = v.getUint16(at, true);
        break;
      case 5:
        out[i] = v.getInt16(at, true);
        break;
      case 10:
      case 16:
        out[i] = half(v.getUint16(at, true), dataType === 16);
        break;
    }
  }
  return out;
}

export function readTensor(bytes: Uint8Array, where: string, opts: ReadOptions): OnnxTensorValue {
  const f = byField(fields(bytes, where));
  const name = f.get(8) ? text(f.get(8)![0]!, where) : where;
  const shape = intsOf(f.get(1) ?? [], name);
  const dataType = f.get(2) ? asInt(f.get(2)![0]!, name) : 0;
  if (!(dataType in ITEMSIZE)) {
    throw onnxReadErrors.tensorDtype(name, DTYPE_NAME[dataType] ?? dataType);
  }
  if (shape.length > 32 || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw onnxReadErrors.tensorShape(name, shape);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count * ITEMSIZE[dataType]! > MAX_MODEL_BYTES) throw onnxReadErrors.tensorTooLarge(name, shape);
  let values: Float64Array;
  if (f.get(14) && asInt(f.get(14)![0]!, name) === 1) {
    values = decodeRaw(externalBytes(f.get(13) ?? [], name, opts), dataType, count, name);
  } else if (f.get(9)) {
    values = decodeRaw(asBytes(f.get(9)![0]!, name), dataType, count, name);
  } else {
    const typed =
      dataType === 1
        ? floatsOf(f.get(4) ?? [], name)
        : dataType === 11
          ? (f.get(10) ?? []).flatMap((x) => [...new Float64Array(asBytes(x, name).slice().buffer)])
          : dataType === 7
            ? intsOf(f.get(7) ?? [], name)
            : dataType === 13 || dataType === 12
              ? intsOf(f.get(11) ?? [], name)
              : dataType === 10 || dataType === 16
                ? intsOf(f.get(5) ?? [], name).map((h) => half(h, dataType === 16))
                : intsOf(f.get(5) ?? [], name);
    if (typed.length !== count) throw onnxReadErrors.tensorValues(name, typed.length, count);
    values = Float64Array.from(typed);
  }
  return { name, dataType, shape, values };
}

function externalBytes(entries: ProtoField[], name: string, opts: ReadOptions): Uint8Array {
  const kv = new Map(
    entries.map((e) => {
      const f = byField(fields(asBytes(e, name), `${name}.external_data`));
      return [f.get(1) ? text(f.get(1)![0]!, name) : '', f.get(2) ? text(f.get(2)![0]!, name) : ''] as const;
    }),
  );
  const location = kv.get('location') ?? '';
  // A hostile model must not read files outside its own folder.
  if (!location || location.startsWith('/') || location.includes('\\') || location.split('/').includes('..')) {
    throw onnxExternalErrors.outside(name, location);
  }
  if (!opts.readExternal) throw onnxExternalErrors.noFile(name, location);
  const offset = Number(kv.get('offset') ?? '0');
  const length = kv.has('length') ? Number(kv.get('length')) : undefined;
  if (!Number.isSafeInteger(offset) || offset < 0 || (length !== undefined && (!Number.isSafeInteger(length) || length < 0))) {
    throw onnxExternalErrors.byteCounts(name);
  }
  return opts.readExternal(location, offset, length);
}

function readAttribute(bytes: Uint8Array, node: string, opts: ReadOptions): [string, OnnxAttrValue] {
  const f = byField(fields(bytes, `an attribute of node '${node}'`));
  const name = f.get(1) ? text(f.get(1)![0]!, node) : '';
  const type = f.get(20) ? asInt(f.get(20)![0]!, node) : 0;
  const where = `${node}.${name}`;
  if (f.get(21)) throw onnxReadErrors.functionAttribute(node, name);
  switch (type) {
    case 1:
      return [name, floatsOf(f.get(2) ?? [], where)[0] ?? 0];
    case 2:
      return [name, asInt(f.get(3)![0]!, where)];
    case 3:
      return [name, text(f.get(4)![0]!, where)];
    case 4:
      return [name, readTensor(asBytes(f.get(5)![0]!, where), where, opts)];
    case 6:
      return [name, floatsOf(f.get(7) ?? [], where)];
    case 7:
      return [name, intsOf(f.get(8) ?? [], where)];
    case 8:
      return [name, (f.get(9) ?? []).map((s) => text(s, where))];
    default:
      return [name, `<attribute type ${type}>`]; // graphs, sparse tensors, types: read by no kind
  }
}

function readNode(bytes: Uint8Array, index: number, opts: ReadOptions): OnnxNodeIn {
  const f = byField(fields(bytes, `node ${index}`));
  const opType = f.get(4) ? text(f.get(4)![0]!, `node ${index}`) : '';
  const name = (f.get(3) ? text(f.get(3)![0]!, `node ${index}`) : '') || `${opType}_${index}`;
  return {
    opType,
    name,
    domain: f.get(7) ? text(f.get(7)![0]!, name) : '',
    inputs: (f.get(1) ?? []).map((x) => text(x, name)),
    outputs: (f.get(2) ?? []).map((x) => text(x, name)),
    attributes: new Map((f.get(5) ?? []).map((a) => readAttribute(asBytes(a, name), name, opts))),
  };
}

function readValueInfo(bytes: Uint8Array): OnnxValueIn {
  const f = byField(fields(bytes, 'a graph input or output'));
  const name = f.get(1) ? text(f.get(1)![0]!, 'value') : '';
  const type = f.get(2) ? byField(fields(asBytes(f.get(2)![0]!, name), name)) : null;
  const tensor = type?.get(1) ? byField(fields(asBytes(type.get(1)![0]!, name), name)) : null;
  const dataType = tensor?.get(1) ? asInt(tensor.get(1)![0]!, name) : 0;
  const shape = tensor?.get(2) ? byField(fields(asBytes(tensor.get(2)![0]!, name), name)) : null;
  const dims = shape
    ? (shape.get(1) ?? []).map((d) => {
        const df = byField(fields(asBytes(d, name), name));
        return df.get(1) ? asInt(df.get(1)![0]!, name) : df.get(2) ? text(df.get(2)![0]!, name) : '?';
      })
    : null;
  return { name, dataType, dims };
}

/**
 * Reads a model; throws ImportError (E_IMPORT_FORMAT, E_IMPORT_TOO_LARGE, E_IMPORT_OPSET, ...).
 * @example const model = readOnnx(readFileSync('resnet18.onnx'));
 */
export function readOnnx(bytes: Uint8Array, opts: ReadOptions = {}): OnnxModelIn {
  if (bytes.length > MAX_MODEL_BYTES) throw onnxReadErrors.modelTooLarge('', bytes.length);
  if (bytes.length === 0) throw onnxReadErrors.empty();
  const m = byField(fields(bytes, 'the model'));
  const graphField = m.get(7)?.[0];
  if (!graphField) throw onnxReadErrors.noGraph();
  const opsets = (m.get(8) ?? []).map((o) => {
    const f = byField(fields(asBytes(o, 'opset_import'), 'opset_import'));
    return { domain: f.get(1) ? text(f.get(1)![0]!, 'opset') : '', version: f.get(2) ? asInt(f.get(2)![0]!, 'opset') : 0 };
  });
  const opset = opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0;
  if (opset < OPSET_MIN || opset > OPSET_MAX) {
    throw onnxReadErrors.opset(opset, OPSET_MIN, OPSET_MAX);
  }
  const g = byField(fields(asBytes(graphField, 'the graph'), 'the graph'));
  if (g.get(15)?.length) throw onnxReadErrors.sparseInitializers();
  const initializers = new Map<string, OnnxTensorValue>();
  (g.get(5) ?? []).forEach((t, i) => {
    const tensor = readTensor(asBytes(t, `initializer ${i}`), `initializer ${i}`, opts);
    initializers.set(tensor.name, tensor);
  });
  return {
    irVersion: m.get(1) ? asInt(m.get(1)![0]!, 'ir_version') : 0,
    opset,
    producer: m.get(2) ? text(m.get(2)![0]!, 'producer_name') : '',
    nodes: (g.get(1) ?? []).map((n, i) => readNode(asBytes(n, `node ${i}`), i, opts)),
    initializers,
    inputs: (g.get(11) ?? []).map((v) => readValueInfo(asBytes(v, 'input'))).filter((v) => !initializers.has(v.name)),
    outputs: (g.get(12) ?? []).map((v) => readValueInfo(asBytes(v, 'output'))),
  };
}
