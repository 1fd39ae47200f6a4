// MXNet's NDArray list file (nd.save / save_parameters / export .params): read every record
// version MXNet has written (pre-V1, V1, V2, V3; dense only) and write V2 records.
// Layout: apache/mxnet src/ndarray/ndarray.cc (NDArray::Save/Load/LegacyLoad), dmlc-core
// serializer.h (vectors and strings are a u64 count followed by the items); docs/file-formats.md.
import { ByteReader, ByteWriter, concatBytes } from './byte-reader';
import { IoError } from './io-error';
import {
  type ArrayCollection,
  type DecodeOptions,
  type FileDType,
  type HostTensor,
  type IoDType,
  ITEMSIZE,
  MAX_NDIM,
  decodeTensor,
  elementCount,
  encodeTensor,
} from './host-tensor';

const LIST_MAGIC = 0x112n;
const V1_MAGIC = 0xf993fac8; // int64 TShape, no storage type
const V2_MAGIC = 0xf993fac9; // adds storage type; ndim 0 means "none"
const V3_MAGIC = 0xf993faca; // np-shape semantics: ndim -1 means "none", ndim 0 is a scalar

/** mshadow type_flag codes, by index. */
const TYPE_FLAG: readonly FileDType[] = [
  'float32',
  'float64',
  'float16',
  'uint8',
  'int32',
  'int8',
  'int64',
  'bool',
  'int16',
  'uint16',
  'uint32',
  'uint64',
  'bfloat16',
];
const FLAG_OF: Record<IoDType, number> = { float32: 0, float64: 1, uint8: 3, int32: 4, int64: 6, bool: 7 };
const DEV_TYPES = new Set([1, 2, 3, 5]); // cpu, gpu, cpu_pinned, cpu_shared
const STYPE_NAME: Record<number, string> = { 1: 'row_sparse', 2: 'csr' };

/** True if the bytes start with the NDArray list magic (u64 0x112). */
export function isMxnetNdarray(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && bytes[0] === 0x12 && bytes[1] === 0x01 && bytes.subarray(2, 8).every((b) => b === 0);
}

/**
 * Read an NDArray list file. Returns a dict when the file stores names, otherwise a list, like
 * `mx.nd.load`. Example: `readMxnetNdarray(fs.readFileSync('net.params'), 'net.params')`.
 */
export function readMxnetNdarray(bytes: Uint8Array, file: string, opts: DecodeOptions = {}): ArrayCollection {
  const r = new ByteReader(bytes, file);
  const magic = r.u64('the file magic');
  if (magic !== LIST_MAGIC) {
    throw r.error('E_FILE_FORMAT', `file magic is 0x${magic.toString(16)}, not 0x112: this is not an MXNet NDArray file`, 0);
  }
  r.u64('the reserved field'); // MXNet writes 0 and never checks it; neither do we
  const n = r.count('the array count', 4); // the smallest record (a pre-V1 "none") is 4 bytes
  const arrays: HostTensor[] = [];
  for (let i = 0; i < n; i++) arrays.push(readRecord(r, i, opts));
  const countAt = r.pos;
  const kRaw = r.u64('the name count');
  if (kRaw !== 0n && kRaw !== BigInt(n)) throw r.error('E_FILE_FORMAT', `the file has ${n} arrays but ${kRaw} names`, countAt);
  const k = Number(kRaw); // = n, which the array count check already bounded
  if (k === 0) {
    r.expectEnd('the last array');
    return { kind: 'list', arrays };
  }
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const seen = new Set<string>();
  const entries: [string, HostTensor][] = [];
  for (let i = 0; i < k; i++) {
    const at = r.pos;
    const len = r.u64Number(`the length of name ${i}`);
    let name: string;
    try {
      name = utf8.decode(r.take(len, `name ${i}`));
    } catch (e) {
      if (e instanceof IoError) throw e;
      throw r.error('E_FILE_FORMAT', `name ${i} is not valid UTF-8`, at + 8);
    }
    if (seen.has(name)) throw r.error('E_FILE_FORMAT', `name '${name}' appears twice`, at);
    seen.add(name);
    entries.push([name, arrays[i]!]);
  }
  r.expectEnd('the names section');
  return { kind: 'dict', entries };
}

function readRecord(r: ByteReader, i: number, opts: DecodeOptions): HostTensor {
  const what = `array ${i}`;
  const start = r.pos;
  const magic = r.u32(`${what}'s record magic`);
  let shape: number[] | null;
  if (magic === V2_MAGIC || magic === V3_MAGIC) {
    const stypeAt = r.pos;
    const stype = r.i32(`${what}'s storage type`);
    if (STYPE_NAME[stype] !== undefined) {
      throw new IoError(
        'E_FILE_UNSUPPORTED',
        r.place(stypeAt),
        `${what} is ${STYPE_NAME[stype]}: sparse arrays are not supported; save it dense (tostype('default'))`,
      );
    }
    if (stype !== 0) throw r.error('E_FILE_FORMAT', `${what} has unknown storage type ${stype}`, stypeAt);
    shape = readShape64(r, what, magic === V3_MAGIC);
  } else if (magic === V1_MAGIC) {
    shape = readShape64(r, what, false);
  } else {
    // Pre-V1 records have no magic: the first u32 is ndim, followed by that many u32 dims.
    if (magic > MAX_NDIM) {
      throw r.error(
        'E_FILE_FORMAT',
        `${what} starts with 0x${magic.toString(16)}, which is neither a record magic (0xf993fac8-0xf993faca) nor a pre-V1 ndim (at most ${MAX_NDIM})`,
        start,
      );
    }
    r.need(magic * 4, `${what}'s shape`);
    shape = [];
    for (let d = 0; d < magic; d++) shape.push(r.u32(`${what}'s shape`));
    if (magic === 0) shape = null;
  }
  if (shape === null) {
    // nd.load returns an empty NDArray() here; there is no shape, dtype or data to give back.
    throw new IoError('E_FILE_UNSUPPORTED', r.place(start), `${what} is a 'none' NDArray (saved uninitialised: no shape, dtype or data)`);
  }
  const ctxAt = r.pos;
  const devType = r.i32(`${what}'s context`);
  r.i32(`${what}'s context`); // device id: Blocksmith loads onto the device the caller picks
  if (!DEV_TYPES.has(devType))
    throw r.error('E_FILE_FORMAT', `${what} has unknown device type ${devType} (expected 1 cpu, 2 gpu, 3 cpu_pinned or 5 cpu_shared)`, ctxAt);
  const flagAt = r.pos;
  const flag = r.i32(`${what}'s type flag`);
  const dtype = TYPE_FLAG[flag];
  if (dtype === undefined) throw r.error('E_FILE_FORMAT', `${what} has unknown type_flag ${flag}`, flagAt);
  const count = elementCount(shape, r.place(start), what);
  const nbytes = count * ITEMSIZE[dtype];
  const data = r.take(nbytes, what, 'data');
  return decodeTensor(dtype, shape, data, r.place(r.pos - nbytes), what, opts);
}

/**
 * An int32 ndim followed by int64 dims (V1-V3). Returns null for a "none" shape: ndim 0 in
 * legacy semantics, ndim -1 or any unknown (-1) dim in np semantics (V3).
 */
function readShape64(r: ByteReader, what: string, np: boolean): number[] | null {
  const at = r.pos;
  const ndim = r.i32(`${what}'s ndim`);
  if (np && ndim === -1) return null;
  if (ndim < 0) throw r.error('E_FILE_FORMAT', `${what} has ndim ${ndim}`, at);
  if (ndim > MAX_NDIM) throw r.error('E_FILE_FORMAT', `${what} has ndim ${ndim}; at most ${MAX_NDIM} are supported`, at);
  if (!np && ndim === 0) return null;
  r.need(ndim * 8, `${what}'s shape`);
  const shape: number[] = [];
  let unknown = false;
  for (let d = 0; d < ndim; d++) {
    const dimAt = r.pos;
    const v = r.i64(`${what}'s shape`);
    if (np && v === -1n) unknown = true;
    else if (v < 0n) throw r.error('E_FILE_FORMAT', `${what} has negative dimension ${v}`, dimAt);
    else if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw r.error('E_FILE_TOO_LARGE', `${what} has dimension ${v}`, dimAt);
    shape.push(Number(v));
  }
  return unknown ? null : shape;
}

/**
 * Write an NDArray list file as MXNet 1.x `nd.save` does: V2 records, context cpu(0), names when
 * given a dict. A 0-d tensor cannot be written as V2 (ndim 0 means "none" there), so it gets a V3
 * record, which MXNet loads in np mode (`npx.set_np()`). Example: `writeMxnetNdarray({kind:
 * 'dict', entries: [['w', t]]})` gives the 81-byte file of gluon-spec §5(a) for t = [1, 2] f32.
 */
export function writeMxnetNdarray(content: ArrayCollection, file = 'ndarray file'): Uint8Array {
  const list = content.kind === 'list' ? content.arrays.map((t, i) => [`array ${i}`, t] as const) : content.entries;
  const parts: Uint8Array[] = [];
  parts.push(new ByteWriter().u64(LIST_MAGIC).u64(0).u64(list.length).finish());
  for (const [name, t] of list) {
    const what = content.kind === 'list' ? name : `array '${name}'`;
    const data = encodeTensor(t, { file }, what);
    const w = new ByteWriter();
    w.u32(t.shape.length === 0 ? V3_MAGIC : V2_MAGIC)
      .i32(0)
      .i32(t.shape.length);
    for (const d of t.shape) w.i64(d);
    w.i32(1).i32(0).i32(FLAG_OF[t.dtype]);
    parts.push(w.finish(), data);
  }
  const names = new ByteWriter();
  if (content.kind === 'dict') {
    const seen = new Set<string>();
    names.u64(list.length);
    for (const [name] of list) {
      if (seen.has(name)) throw new IoError('E_FILE_CONTENT', { file }, `name '${name}' appears twice`);
      seen.add(name);
      const b = new TextEncoder().encode(name);
      names.u64(b.length).bytes(b);
    }
  } else {
    names.u64(0);
  }
  parts.push(names.finish());
  return concatBytes(parts);
}
