// Host-side tensors: the plain typed-array form in which the file readers return arrays and the
// writers take them. The engine converts NDArray <-> HostTensor; the formats never see NDArrays.
import { IoError, type IoPlace } from './io-error';

export type IoDType = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8' | 'bool';

/** A dense C-order array. bool is stored as a Uint8Array of 0/1. */
export interface HostTensor {
  dtype: IoDType;
  shape: number[];
  data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;
}

/** What the list formats (MXNet NDArray files, .npz) hold: positional arrays or named ones. */
export type ArrayCollection = { kind: 'list'; arrays: HostTensor[] } | { kind: 'dict'; entries: [string, HostTensor][] };

/** Dtypes that appear in files but that HostTensor does not hold; read only with `{widen: true}`. */
export type WideDType = 'float16' | 'bfloat16' | 'int8' | 'int16' | 'uint16' | 'uint32' | 'uint64';
export type FileDType = IoDType | WideDType;

export const ITEMSIZE: Record<FileDType, number> = {
  float32: 4,
  float64: 8,
  int32: 4,
  int64: 8,
  uint8: 1,
  bool: 1,
  float16: 2,
  bfloat16: 2,
  int8: 1,
  int16: 2,
  uint16: 2,
  uint32: 4,
  uint64: 8,
};

export const IO_DTYPES: readonly IoDType[] = ['float32', 'float64', 'int32', 'int64', 'uint8', 'bool'];

/** ndim above this is refused on read and write: real models stay far below, hostile files do not. */
export const MAX_NDIM = 32;

export interface DecodeOptions {
  /** Convert f16/bf16 -> float32, int8/int16/uint16 -> int32, uint32/uint64 -> int64. */
  widen?: boolean;
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Product of dims as a safe integer; throws E_FILE_FORMAT / E_FILE_TOO_LARGE on bad or huge shapes. */
export function elementCount(shape: readonly number[], place: IoPlace, what: string, writing = false): number {
  if (shape.length > MAX_NDIM) {
    throw new IoError(writing ? 'E_FILE_CONTENT' : 'E_FILE_FORMAT', place, `${what} has ${shape.length} dimensions; at most ${MAX_NDIM} are supported`);
  }
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0)
      throw new IoError(writing ? 'E_FILE_CONTENT' : 'E_FILE_FORMAT', place, `${what} has invalid dimension ${d} in shape [${shape.join(', ')}]`);
    n *= d;
    if (!Number.isSafeInteger(n))
      throw new IoError(writing ? 'E_FILE_CONTENT' : 'E_FILE_TOO_LARGE', place, `${what} has shape [${shape.join(', ')}] whose element count overflows`);
  }
  return n;
}

/** Reverse the byte order of each `size`-byte item in place (big-endian files, big-endian hosts). */
export function byteSwap(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}

/**
 * Build a HostTensor from little-endian element bytes (exactly count × itemsize of them). Copies,
 * so the result owns aligned memory and never aliases the file buffer. `entry` names the array in
 * error messages.
 */
export function decodeTensor(dtype: FileDType, shape: number[], le: Uint8Array, place: IoPlace, entry: string, opts: DecodeOptions = {}): HostTensor {
  // new Uint8Array(view) copies (Buffer#slice would alias), giving aligned memory that we own.
  const own = new Uint8Array(le);
  if (!HOST_LITTLE_ENDIAN) byteSwap(own, ITEMSIZE[dtype]);
  const buf = own.buffer;
  switch (dtype) {
    case 'float32':
      return { dtype, shape, data: new Float32Array(buf) };
    case 'float64':
      return { dtype, shape, data: new Float64Array(buf) };
    case 'int32':
      return { dtype, shape, data: new Int32Array(buf) };
    case 'int64':
      return { dtype, shape, data: new BigInt64Array(buf) };
    case 'uint8':
      return { dtype, shape, data: own };
    case 'bool': {
      // numpy and MXNet store bool as one byte; anything non-zero is true.
      for (let i = 0; i < own.length; i++) own[i] = own[i] ? 1 : 0;
      return { dtype, shape, data: own };
    }
    default:
      break;
  }
  if (!opts.widen) {
    throw new IoError('E_FILE_UNSUPPORTED', place, `${entry} has dtype ${dtype}, which Blocksmith does not hold; pass {widen: true} to convert it losslessly`);
  }
  return widen(dtype, shape, buf, place, entry);
}

function widen(dtype: WideDType, shape: number[], buf: ArrayBuffer, place: IoPlace, entry: string): HostTensor {
  switch (dtype) {
    case 'float16': {
      const src = new Uint16Array(buf);
      const out = new Float32Array(src.length);
      for (let i = 0; i < src.length; i++) out[i] = halfToFloat(src[i]!);
      return { dtype: 'float32', shape, data: out };
    }
    case 'bfloat16': {
      // bf16 is the top half of a float32, so shifting the bits back is exact.
      const src = new Uint16Array(buf);
      const bits = new Uint32Array(src.length);
      for (let i = 0; i < src.length; i++) bits[i] = src[i]! << 16;
      return { dtype: 'float32', shape, data: new Float32Array(bits.buffer) };
    }
    case 'int8':
      return { dtype: 'int32', shape, data: Int32Array.from(new Int8Array(buf)) };
    case 'int16':
      return { dtype: 'int32', shape, data: Int32Array.from(new Int16Array(buf)) };
    case 'uint16':
      return { dtype: 'int32', shape, data: Int32Array.from(new Uint16Array(buf)) };
    case 'uint32': {
      const src = new Uint32Array(buf);
      const out = new BigInt64Array(src.length);
      for (let i = 0; i < src.length; i++) out[i] = BigInt(src[i]!);
      return { dtype: 'int64', shape, data: out };
    }
    case 'uint64': {
      const src = new BigUint64Array(buf);
      for (let i = 0; i < src.length; i++) {
        if (src[i]! > 0x7fffffffffffffffn) {
          throw new IoError('E_FILE_UNSUPPORTED', place, `${entry} has uint64 value ${src[i]} at element ${i}, which does not fit int64`);
        }
      }
      return { dtype: 'int64', shape, data: new BigInt64Array(buf) };
    }
  }
}

/** IEEE 754 binary16 -> number (exact). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * Check a tensor given to a writer and return its bytes in little-endian C order. The writers call
 * this once per tensor, so a malformed tensor fails before any byte is written.
 */
export function encodeTensor(t: HostTensor, place: IoPlace, entry: string): Uint8Array {
  if (t === null || typeof t !== 'object' || !Array.isArray(t.shape)) {
    throw new IoError('E_FILE_CONTENT', place, `${entry} is not a HostTensor ({dtype, shape, data})`);
  }
  const want = ARRAY_TYPE[t.dtype];
  if (want === undefined)
    throw new IoError('E_FILE_CONTENT', place, `${entry} has unknown dtype '${String(t.dtype)}'; expected one of ${IO_DTYPES.join(', ')}`);
  if (!(t.data instanceof want)) {
    throw new IoError('E_FILE_CONTENT', place, `${entry} is ${t.dtype} but its data is a ${t.data?.constructor?.name ?? typeof t.data}, not a ${want.name}`);
  }
  const n = elementCount(t.shape, place, entry, true);
  if (t.data.length !== n) {
    throw new IoError('E_FILE_CONTENT', place, `${entry} has shape [${t.shape.join(', ')}] (${n} elements) but ${t.data.length} data elements`);
  }
  const view = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  if (t.dtype === 'bool') {
    for (let i = 0; i < view.length; i++) {
      if (view[i]! > 1) throw new IoError('E_FILE_CONTENT', place, `${entry} is bool but element ${i} is ${view[i]}, not 0 or 1`);
    }
  }
  if (HOST_LITTLE_ENDIAN) return view;
  const swapped = new Uint8Array(view);
  byteSwap(swapped, ITEMSIZE[t.dtype]);
  return swapped;
}

type ArrayCtor = Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor | BigInt64ArrayConstructor | Uint8ArrayConstructor;
const ARRAY_TYPE: Record<IoDType, ArrayCtor> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  bool: Uint8Array,
};

/** Whether a value looks like a HostTensor (used to tell a single tensor from a list or a dict). */
export function isHostTensor(v: unknown): v is HostTensor {
  // Own properties only: a dict whose "__proto__" key was set by a literal inherits a tensor's fields.
  return (
    typeof v === 'object' &&
    v !== null &&
    Object.hasOwn(v, 'dtype') &&
    Object.hasOwn(v, 'shape') &&
    Object.hasOwn(v, 'data') &&
    ArrayBuffer.isView((v as HostTensor).data)
  );
}
