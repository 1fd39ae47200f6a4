// Hugging Face .safetensors: u64 header length N, N bytes of JSON header, then the data buffer.
// Validation follows the reference implementation (huggingface/safetensors safetensors/src/
// tensor.rs: read_metadata, Metadata::validate, prepare): header <= 100 MB, offsets contiguous
// from 0 with no gap or overlap, each tensor's byte length = elements × itemsize, and the last
// offset ending exactly at the end of the file.
import { ByteReader, concatBytes } from './byte-reader';
import { IoError } from './io-error';
import { type DecodeOptions, type FileDType, type HostTensor, type IoDType, ITEMSIZE, MAX_NDIM, decodeTensor, elementCount, encodeTensor } from './host-tensor';

export const MAX_HEADER_SIZE = 100_000_000; // tensor.rs MAX_HEADER_SIZE
const DTYPES: Record<string, FileDType | null> = {
  F32: 'float32',
  F64: 'float64',
  I32: 'int32',
  I64: 'int64',
  U8: 'uint8',
  BOOL: 'bool',
  F16: 'float16',
  BF16: 'bfloat16',
  I8: 'int8',
  I16: 'int16',
  U16: 'uint16',
  U32: 'uint32',
  U64: 'uint64',
  F8_E4M3: null,
  F8_E5M2: null, // valid safetensors dtypes that we cannot represent even widened
};
const NAME_OF: Record<IoDType, string> = { float32: 'F32', float64: 'F64', int32: 'I32', int64: 'I64', uint8: 'U8', bool: 'BOOL' };
/** Position in tensor.rs's Dtype enum, which is ordered by alignment; the writer sorts by it. */
const ALIGN_RANK: Record<IoDType, number> = { bool: 0, uint8: 1, int32: 9, float32: 11, float64: 12, int64: 13 };

export interface SafetensorsContent {
  entries: [string, HostTensor][];
  /** The `__metadata__` string map, if the file has one. */
  metadata: Record<string, string> | undefined;
}

/** A plausible header length followed by '{'. */
export function isSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 10) return false;
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  return n >= 2n && n <= BigInt(Math.min(MAX_HEADER_SIZE, bytes.length - 8)) && bytes[8] === 0x7b;
}

interface Info {
  name: string;
  dtype: FileDType | null;
  dtypeName: string;
  shape: number[];
  start: number;
  end: number;
}

/** Read a .safetensors file. Example: `readSafetensors(fs.readFileSync('m.safetensors'), 'm.safetensors')`. */
export function readSafetensors(bytes: Uint8Array, file: string, opts: DecodeOptions = {}): SafetensorsContent {
  const r = new ByteReader(bytes, file);
  const n = r.u64('the header length');
  if (n > BigInt(MAX_HEADER_SIZE)) throw r.error('E_FILE_TOO_LARGE', `the header length is ${n}; at most ${MAX_HEADER_SIZE} bytes are accepted`, 0);
  const raw = r.take(Number(n), 'the header');
  let header: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    if (!text.startsWith('{')) throw new SyntaxError("the header does not start with '{'");
    header = JSON.parse(text);
  } catch (e) {
    const pos = /position (\d+)/.exec(String((e as Error).message));
    throw r.error('E_FILE_FORMAT', `the header is not a JSON object (${(e as Error).message})`, 8 + (pos ? Number(pos[1]) : 0));
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw r.error('E_FILE_FORMAT', 'the header is not a JSON object', 8);
  let metadata: Record<string, string> | undefined;
  const infos: Info[] = [];
  for (const [name, v] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = readMetadata(r, v);
      continue;
    }
    infos.push(readInfo(r, name, v));
  }
  // Sort by offsets (files from older writers may list tensors in any order), then require the
  // ranges to tile [0, buffer length) exactly.
  infos.sort((a, b) => a.start - b.start || a.end - b.end);
  const dataStart = 8 + Number(n);
  const bufferLen = bytes.length - dataStart;
  let at = 0;
  for (const t of infos) {
    if (t.start !== at) {
      throw r.error(
        'E_FILE_FORMAT',
        `tensor '${t.name}' has data_offsets [${t.start}, ${t.end}] but the previous tensor ends at ${at} (${t.start < at ? 'overlap' : 'gap'})`,
        8,
      );
    }
    const size = t.dtype === null ? 1 : ITEMSIZE[t.dtype];
    const count = elementCount(t.shape, r.place(8), `tensor '${t.name}'`);
    if (t.end - t.start !== count * size) {
      throw r.error(
        'E_FILE_FORMAT',
        `tensor '${t.name}' (${t.dtypeName}, shape [${t.shape.join(', ')}]) needs ${count * size} bytes but data_offsets span ${t.end - t.start}`,
        8,
      );
    }
    at = t.end;
  }
  if (at > bufferLen) throw r.error('E_FILE_TRUNCATED', `the tensors need ${at} bytes of data, ${bufferLen} remain`, dataStart);
  if (at < bufferLen) throw r.error('E_FILE_FORMAT', `${bufferLen - at} bytes after the last tensor are not covered by any data_offsets`, dataStart + at);
  const entries: [string, HostTensor][] = [];
  for (const t of infos) {
    const what = `tensor '${t.name}'`;
    if (t.dtype === null) throw r.error('E_FILE_UNSUPPORTED', `${what} has dtype ${t.dtypeName}, which cannot be converted losslessly`, dataStart + t.start);
    const data = bytes.subarray(dataStart + t.start, dataStart + t.end);
    entries.push([t.name, decodeTensor(t.dtype, t.shape, data, r.place(dataStart + t.start), what, opts)]);
  }
  return { entries, metadata };
}

function readMetadata(r: ByteReader, v: unknown): Record<string, string> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw r.error('E_FILE_FORMAT', '__metadata__ is not an object of strings', 8);
  const out: Record<string, string> = Object.create(null);
  for (const [k, s] of Object.entries(v)) {
    if (typeof s !== 'string') throw r.error('E_FILE_FORMAT', `__metadata__ entry '${k}' is not a string`, 8);
    out[k] = s;
  }
  return out;
}

function readInfo(r: ByteReader, name: string, v: unknown): Info {
  const bad = (detail: string): never => {
    throw r.error('E_FILE_FORMAT', `tensor '${name}' ${detail}`, 8);
  };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('is not an object');
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort().join(',');
  if (keys !== 'data_offsets,dtype,shape') bad(`has fields [${keys}], expected [data_offsets, dtype, shape]`);
  const dtypeName = o.dtype;
  if (typeof dtypeName !== 'string' || !(dtypeName in DTYPES)) return bad(`has unknown dtype ${JSON.stringify(dtypeName)}`);
  const shape = o.shape,
    offs = o.data_offsets;
  const isIndex = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
  if (!Array.isArray(shape) || shape.length > MAX_NDIM || !shape.every(isIndex)) return bad(`has an invalid shape ${JSON.stringify(shape)?.slice(0, 100)}`);
  if (!Array.isArray(offs) || offs.length !== 2 || !offs.every(isIndex) || offs[0] > offs[1])
    return bad(`has invalid data_offsets ${JSON.stringify(offs)?.slice(0, 100)}`);
  return { name, dtype: DTYPES[dtypeName]!, dtypeName, shape: shape as number[], start: offs[0] as number, end: offs[1] as number };
}

/**
 * Encode tensors as .safetensors the way the Rust implementation does: sorted by alignment then
 * name, compact JSON with `__metadata__` first, header padded with spaces to a multiple of 8.
 */
export function writeSafetensors(entries: readonly [string, HostTensor][], metadata?: Record<string, string>, file = 'safetensors file'): Uint8Array {
  const seen = new Set<string>();
  const items = entries.map(([name, t]) => {
    if (name === '__metadata__') throw new IoError('E_FILE_CONTENT', { file }, "'__metadata__' is reserved and cannot name a tensor");
    if (seen.has(name)) throw new IoError('E_FILE_CONTENT', { file }, `name '${name}' appears twice`);
    seen.add(name);
    return { name, t, data: encodeTensor(t, { file }, `tensor '${name}'`), key: new TextEncoder().encode(name) };
  });
  items.sort((a, b) => ALIGN_RANK[b.t.dtype] - ALIGN_RANK[a.t.dtype] || Buffer.compare(a.key, b.key));
  // Built by hand, not JSON.stringify(object): an object would move integer-like names ("0") first.
  const fields: string[] = [];
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new IoError('E_FILE_CONTENT', { file }, `metadata '${k}' is a ${typeof v}; safetensors metadata values are strings`);
    }
    const meta = Object.entries(metadata).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
    fields.push(`"__metadata__":{${meta.join(',')}}`);
  }
  let offset = 0;
  for (const it of items) {
    const info = { dtype: NAME_OF[it.t.dtype], shape: it.t.shape, data_offsets: [offset, offset + it.data.length] };
    fields.push(`${JSON.stringify(it.name)}:${JSON.stringify(info)}`);
    offset += it.data.length;
  }
  let json = `{${fields.join(',')}}`;
  let jsonBytes = new TextEncoder().encode(json);
  const pad = (8 - (jsonBytes.length % 8)) % 8;
  if (pad) {
    json += ' '.repeat(pad);
    jsonBytes = new TextEncoder().encode(json);
  }
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(jsonBytes.length), true);
  return concatBytes([len, jsonBytes, ...items.map((it) => it.data)]);
}
