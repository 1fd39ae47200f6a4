// NumPy's .npy format: read versions 1.0-3.0 (little- and big-endian, C and Fortran order) and
// write version 1.0 (2.0 for headers over 64 KiB) byte for byte as numpy.lib.format does.
// Reference: numpy/lib/_format_impl.py (_write_array_header, _wrap_header, _read_array_header).
import { ByteReader, concatBytes } from './byte-reader';
import { IoError } from './io-error';
import { type DecodeOptions, type FileDType, type HostTensor, type IoDType, ITEMSIZE, byteSwap, decodeTensor, elementCount, encodeTensor } from './host-tensor';
import { parseNpyHeader } from './npy-header';
import { formatShape } from '../core/errors.ts';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const ARRAY_ALIGN = 64; // numpy pads the header so the data starts on a 64-byte boundary
const GROWTH_AXIS_MAX_DIGITS = 21; // numpy leaves room to grow the first axis in place
const MAX_HEADER = 1 << 20; // numpy refuses > 10000 chars by default; ndim <= 32 needs < 1 KiB

/** descr kind+size -> dtype. 'b2' is bfloat16 as MXNet 2.0 writes it (numpy has no bf16). */
const DESCR: Record<string, FileDType> = {
  f4: 'float32',
  f8: 'float64',
  i4: 'int32',
  i8: 'int64',
  u1: 'uint8',
  b1: 'bool',
  f2: 'float16',
  b2: 'bfloat16',
  i1: 'int8',
  i2: 'int16',
  u2: 'uint16',
  u4: 'uint32',
  u8: 'uint64',
};
const DESCR_OF: Record<IoDType, string> = { float32: '<f4', float64: '<f8', int32: '<i4', int64: '<i8', uint8: '|u1', bool: '|b1' };

export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= 6 && MAGIC.every((b, i) => bytes[i] === b);
}

export interface NpyReadOptions extends DecodeOptions {
  /** The archive entry this .npy came from, for error messages (offsets then count from its start). */
  entry?: string;
}

/** Read one array from .npy bytes. Example: `readNpy(fs.readFileSync('w.npy'), 'w.npy')`. */
export function readNpy(bytes: Uint8Array, file: string, opts: NpyReadOptions = {}): HostTensor {
  const r = new ByteReader(bytes, file, opts.entry);
  r.need(6, 'the .npy magic');
  if (!isNpy(bytes)) throw r.error('E_FILE_FORMAT', 'the file does not start with "\\x93NUMPY": not a .npy file', 0);
  r.pos = 6;
  const major = r.u8('the format version');
  const minor = r.u8('the format version');
  if (minor !== 0 || major < 1 || major > 3) {
    throw r.error('E_FILE_UNSUPPORTED', `.npy format version ${major}.${minor} is not one of 1.0, 2.0, 3.0`, 6);
  }
  const lenAt = r.pos;
  const hlen = major === 1 ? r.u16('the header length') : r.u32('the header length');
  if (hlen > MAX_HEADER) throw r.error('E_FILE_TOO_LARGE', `the header is ${hlen} bytes; at most ${MAX_HEADER} are accepted`, lenAt);
  const headerAt = r.pos;
  const raw = r.take(hlen, 'the header');
  let text: string;
  try {
    // Versions 1.0 and 2.0 are latin1; 3.0 exists to allow UTF-8 (numpy format docs).
    text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: true }).decode(raw);
  } catch {
    throw r.error('E_FILE_FORMAT', 'the header is not valid UTF-8', headerAt);
  }
  const h = parseNpyHeader(text, r.place(headerAt));
  const m = /^([<>|=])([a-zA-Z])(\d+)$/.exec(h.descr);
  const dtype = m ? DESCR[m[2]! + m[3]!] : undefined;
  if (!m || dtype === undefined) throw r.error('E_FILE_UNSUPPORTED', `descr '${h.descr}' is not a supported dtype (f2/f4/f8, i1-i8, u1-u8, b1)`, headerAt);
  const size = ITEMSIZE[dtype];
  if (m[1] === '|' && size !== 1) throw r.error('E_FILE_FORMAT', `descr '${h.descr}' has no byte order but is ${size} bytes wide`, headerAt);
  const count = elementCount(h.shape, r.place(headerAt), 'the array');
  let data = r.take(count * size, 'the array', 'data');
  r.expectEnd('the array data');
  if (m[1] === '>' || (h.fortranOrder && h.shape.length > 1)) {
    data = new Uint8Array(data); // transform a private copy, never the caller's buffer
    if (m[1] === '>') byteSwap(data, size);
    if (h.fortranOrder) data = fortranToC(data, h.shape, size);
  }
  return decodeTensor(dtype, h.shape, data, r.place(r.pos - data.length), opts.entry ?? 'the array', opts);
}

/** Reorder column-major element bytes into row-major order. */
function fortranToC(src: Uint8Array, shape: readonly number[], size: number): Uint8Array {
  const n = shape.length;
  const out = new Uint8Array(src.length);
  const count = src.length / size;
  if (count === 0) return out;
  const stride: number[] = [];
  let acc = 1;
  for (const d of shape) {
    stride.push(acc);
    acc *= d;
  }
  const idx = new Array<number>(n).fill(0);
  let s = 0; // source element index of the current C-order position
  for (let o = 0; o < count; o++) {
    const from = s * size,
      to = o * size;
    for (let b = 0; b < size; b++) out[to + b] = src[from + b]!;
    for (let k = n - 1; k >= 0; k--) {
      idx[k]!++;
      s += stride[k]!;
      if (idx[k]! < shape[k]!) break;
      s -= stride[k]! * shape[k]!;
      idx[k] = 0;
    }
  }
  return out;
}

/** Python's repr of a tuple of ints: (), (3,), (2, 3). */
const pyTuple = formatShape;

/** The header numpy writes for this dtype and shape, padded exactly as numpy pads it. */
export function npyHeader(descr: string, shape: readonly number[]): Uint8Array {
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${pyTuple(shape)}, }`;
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  for (const major of [1, 2]) {
    const lenSize = major === 1 ? 2 : 4;
    const hlen = dict.length + 1; // + the final '\n'
    // Same expression as numpy: an already aligned header still gets a full 64 bytes of padding.
    const pad = ARRAY_ALIGN - ((MAGIC.length + 2 + lenSize + hlen) % ARRAY_ALIGN);
    if (major === 1 && hlen + pad > 0xffff) continue;
    const out = new Uint8Array(MAGIC.length + 2 + lenSize + hlen + pad);
    out.set(MAGIC);
    out[6] = major;
    const dv = new DataView(out.buffer);
    if (major === 1) dv.setUint16(8, hlen + pad, true);
    else dv.setUint32(8, hlen + pad, true);
    const text = dict + ' '.repeat(pad) + '\n';
    for (let i = 0; i < text.length; i++) out[MAGIC.length + 2 + lenSize + i] = text.charCodeAt(i);
    return out;
  }
  throw new Error('unreachable: a version 2.0 header always fits');
}

/** Encode a tensor as .npy bytes, as `np.save` would. */
export function writeNpy(t: HostTensor, file = 'npy file', entry = 'the array'): Uint8Array {
  const data = encodeTensor(t, { file }, entry);
  const descr = DESCR_OF[t.dtype];
  if (descr === undefined) throw new IoError('E_FILE_CONTENT', { file }, `${entry} has unknown dtype '${String(t.dtype)}'`);
  return concatBytes([npyHeader(descr, t.shape), data]);
}
