// A bounds-checked little-endian cursor over a file's bytes. Every read checks the remaining
// length first, so a hostile or truncated file can only produce an IoError, never an out-of-range
// read or an allocation larger than the file itself could justify.
import { IoError, type IoErrorCode, type IoPlace } from './io-error';

export class ByteReader {
  readonly bytes: Uint8Array;
  readonly file: string;
  readonly entry: string | undefined;
  private readonly view: DataView;
  pos = 0;

  constructor(bytes: Uint8Array, file: string, entry?: string) {
    // A plain Uint8Array view: Node's Buffer#slice aliases where Uint8Array#slice copies.
    this.bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.file = file;
    this.entry = entry;
  }

  get length(): number {
    return this.bytes.length;
  }
  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  place(offset: number = this.pos): IoPlace {
    return { file: this.file, entry: this.entry, offset };
  }

  /** An IoError at `offset` (default: the cursor). */
  error(code: IoErrorCode, detail: string, offset: number = this.pos): IoError {
    return new IoError(code, this.place(offset), detail);
  }

  /** Throw E_FILE_TRUNCATED unless `n` more bytes exist; `what` says what needed them. */
  need(n: number, what: string, noun = ''): void {
    const of = noun ? ` of ${noun}` : '';
    if (!Number.isSafeInteger(n) || n < 0) throw this.error('E_FILE_TOO_LARGE', `${what} needs ${n} bytes${of}`);
    if (n > this.remaining) {
      throw this.error('E_FILE_TRUNCATED', `${what} needs ${n} bytes${of}, ${this.remaining} remain`);
    }
  }

  seek(offset: number, what: string): void {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > this.length) {
      throw this.error('E_FILE_FORMAT', `${what} points to byte ${offset}, outside the ${this.length}-byte file`);
    }
    this.pos = offset;
  }

  u8(what: string): number {
    this.need(1, what);
    return this.view.getUint8(this.pos++);
  }
  u16(what: string): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  i32(what: string): number {
    this.need(4, what);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u64(what: string): bigint {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }
  i64(what: string): bigint {
    this.need(8, what);
    const v = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A u64 that must fit a JS safe integer (counts, lengths, offsets). */
  u64Number(what: string): number {
    const at = this.pos;
    const v = this.u64(what);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw this.error('E_FILE_TOO_LARGE', `${what} is ${v}, beyond any file this reader accepts`, at);
    return Number(v);
  }

  /** A u64 element count whose items take at least `minItemBytes` each: checked against the bytes left. */
  count(what: string, minItemBytes: number): number {
    const at = this.pos;
    const n = this.u64(what);
    if (n * BigInt(minItemBytes) > BigInt(this.remaining)) {
      throw this.error('E_FILE_TRUNCATED', `${what} is ${n}, but ${n} items need at least ${n * BigInt(minItemBytes)} bytes and ${this.remaining} remain`, at);
    }
    return Number(n);
  }

  /** A view of the next `n` bytes (no copy); callers copy before keeping it. */
  take(n: number, what: string, noun = ''): Uint8Array {
    this.need(n, what, noun);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Throw E_FILE_FORMAT if bytes are left over (our readers are exact about lengths). */
  expectEnd(what: string): void {
    if (this.remaining !== 0) throw this.error('E_FILE_FORMAT', `${this.remaining} unexpected bytes after ${what}`);
  }
}

/** Little-endian byte writer that grows as needed; used by the writers to build headers. */
export class ByteWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.ensure(1);
    this.view.setUint8(this.length, v);
    this.length += 1;
    return this;
  }
  u16(v: number): this {
    this.ensure(2);
    this.view.setUint16(this.length, v, true);
    this.length += 2;
    return this;
  }
  u32(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
    return this;
  }
  i32(v: number): this {
    this.ensure(4);
    this.view.setInt32(this.length, v, true);
    this.length += 4;
    return this;
  }
  u64(v: number | bigint): this {
    this.ensure(8);
    this.view.setBigUint64(this.length, BigInt(v), true);
    this.length += 8;
    return this;
  }
  i64(v: number | bigint): this {
    this.ensure(8);
    this.view.setBigInt64(this.length, BigInt(v), true);
    this.length += 8;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  /** The bytes written so far (a copy sized exactly). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Concatenate byte arrays into one exactly-sized buffer. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
