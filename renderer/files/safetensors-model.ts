// Reads a .safetensors model file in the page (a file dropped on the editor or picked with
// Upload…, which has bytes but no path the engine could read): the graph document its
// `__metadata__` carries (as `blocksmith export` and File › Export… write it) and its arrays, to be
// set into the rebuilt model one by one. Layout: 8-byte little-endian header length, a JSON
// header (name → dtype, shape, data_offsets; plus __metadata__), then the raw little-endian data.
import { GRAPH_FORMAT } from '../../engine/protocol/graph-document.ts';
import type { DTypeName } from '../../engine/protocol/service-values.ts';

export interface SafetensorsArray {
  name: string;
  dtype: DTypeName;
  shape: number[];
  data: number[];
}
export interface SafetensorsModel {
  document: unknown;
  arrays: SafetensorsArray[];
}

const DTYPES: Record<string, { name: DTypeName; bytes: number; read(view: DataView, at: number): number }> = {
  F32: { name: 'float32', bytes: 4, read: (v, at) => v.getFloat32(at, true) },
  F64: { name: 'float64', bytes: 8, read: (v, at) => v.getFloat64(at, true) },
  I32: { name: 'int32', bytes: 4, read: (v, at) => v.getInt32(at, true) },
  I64: { name: 'int64', bytes: 8, read: (v, at) => Number(v.getBigInt64(at, true)) },
  U8: { name: 'uint8', bytes: 1, read: (v, at) => v.getUint8(at) },
  BOOL: { name: 'bool', bytes: 1, read: (v, at) => v.getUint8(at) },
};

/** Why a file is not a model file; the message names the file. */
export class NotAModelFile extends Error {}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

export function readSafetensorsModel(bytes: Uint8Array, fileName: string): SafetensorsModel {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 8) throw new NotAModelFile(`${fileName} is not a .safetensors file (only ${bytes.byteLength} bytes)`);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.byteLength - 8) throw new NotAModelFile(`${fileName} is not a .safetensors file (its header runs past the end)`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  } catch (error) {
    throw new NotAModelFile(`${fileName} is not a .safetensors file (its header is not JSON: ${(error as Error).message})`);
  }
  const meta = header.__metadata__ as Record<string, string> | undefined;
  if (meta?.format !== GRAPH_FORMAT || typeof meta.document !== 'string') {
    throw new NotAModelFile(`${fileName} carries no graph document (it holds values only); open its model, then load it in the Parameters tab`);
  }
  let document: unknown;
  try {
    document = JSON.parse(meta.document);
  } catch (error) {
    throw new NotAModelFile(`${fileName}: the embedded document is not JSON: ${(error as Error).message}`);
  }
  const dataStart = 8 + headerLength;
  const arrays: SafetensorsArray[] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const entry = raw as HeaderEntry;
    const type = DTYPES[entry.dtype];
    if (!type) throw new NotAModelFile(`${fileName}: ${name} has dtype ${entry.dtype}, which the engine does not read`);
    const [begin, end] = entry.data_offsets;
    const count = entry.shape.reduce((n, d) => n * d, 1);
    if (end - begin !== count * type.bytes || dataStart + end > bytes.byteLength) {
      throw new NotAModelFile(`${fileName}: ${name}'s data does not match its shape (${entry.shape.join(', ')})`);
    }
    const data = new Array<number>(count);
    for (let i = 0; i < count; i++) data[i] = type.read(view, dataStart + begin + i * type.bytes);
    arrays.push({ name, dtype: type.name, shape: [...entry.shape], data });
  }
  return { document, arrays };
}
