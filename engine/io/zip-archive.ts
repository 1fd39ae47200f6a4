// A minimal, strict ZIP reader and writer for .npz files: stored and deflated entries, ZIP64,
// CRC-32 checks, no encryption, no multi-disk archives. Sizes and offsets come from the central
// directory (numpy's zipfile writes ZIP64 local headers and may use data descriptors), and every
// one is checked against the file before use. Reference: PKWARE APPNOTE.TXT 6.3 (sections 4.3-4.5).
import * as zlib from 'node:zlib';
import { ByteReader, ByteWriter, concatBytes } from './byte-reader';
import { IoError } from './io-error';

const SIG_LOCAL = 0x04034b50,
  SIG_CENTRAL = 0x02014b50,
  SIG_EOCD = 0x06054b50;
const SIG_ZIP64_EOCD = 0x06064b50,
  SIG_ZIP64_LOCATOR = 0x07064b50;
const U32_MAX = 0xffffffff,
  U16_MAX = 0xffff;
const MAX_DEFLATE_RATIO = 1032; // deflate cannot expand data by more than ~1032:1 (zlib tech notes)

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}
export interface ZipReadOptions {
  /** Refuse an archive whose entries inflate past this many bytes in total. */ maxBytes?: number;
}

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 3 && bytes[3] === 4;
}

/** Read every entry of a ZIP archive, verifying names, bounds, sizes and CRCs. */
export function readZip(bytes: Uint8Array, file: string, opts: ZipReadOptions = {}): ZipEntry[] {
  return [...zipEntries(bytes, file, opts)];
}

/**
 * The entries of a ZIP archive one at a time: the whole directory (names, sizes, the spans the
 * entries take) is checked first, then each entry is inflated only when the caller asks for it, so
 * a reader can decode one entry and drop it before the next is inflated.
 */
export function zipEntries(bytes: Uint8Array, file: string, opts: ZipReadOptions = {}): Iterable<ZipEntry> & { names: readonly string[] } {
  const r = new ByteReader(bytes, file);
  const maxBytes = opts.maxBytes ?? Number.MAX_SAFE_INTEGER;
  const eocd = findEocd(r);
  r.seek(eocd + 4, 'the end of central directory');
  const disk = r.u16('the disk number'),
    cdDisk = r.u16('the central directory disk');
  const nHere = r.u16('the entry count'),
    nTotal = r.u16('the entry count');
  let cdSize = r.u32('the central directory size'),
    cdOffset = r.u32('the central directory offset');
  let count = nTotal;
  if (disk !== 0 || cdDisk !== 0 || nHere !== nTotal) throw r.error('E_FILE_UNSUPPORTED', 'multi-disk archives are not supported', eocd);
  let cdEnd = eocd;
  if (nTotal === U16_MAX || cdSize === U32_MAX || cdOffset === U32_MAX) {
    // ZIP64: a locator just before the EOCD points to the ZIP64 end record with 64-bit fields.
    if (eocd < 20) throw r.error('E_FILE_FORMAT', 'ZIP64 fields are set but there is no ZIP64 locator', eocd);
    r.seek(eocd - 20, 'the ZIP64 locator');
    if (r.u32('the ZIP64 locator') !== SIG_ZIP64_LOCATOR) throw r.error('E_FILE_FORMAT', 'bad ZIP64 locator signature', eocd - 20);
    r.u32('the ZIP64 locator');
    const recAt = r.u64Number('the ZIP64 end record offset');
    r.seek(recAt, 'the ZIP64 end record offset');
    if (r.u32('the ZIP64 end record') !== SIG_ZIP64_EOCD) throw r.error('E_FILE_FORMAT', 'bad ZIP64 end record signature', recAt);
    r.u64('the ZIP64 end record size');
    r.u16('version');
    r.u16('version');
    if (r.u32('disk') !== 0 || r.u32('disk') !== 0) throw r.error('E_FILE_UNSUPPORTED', 'multi-disk archives are not supported', recAt);
    count = r.u64Number('the entry count');
    r.u64('the entry count');
    cdSize = r.u64Number('the central directory size');
    cdOffset = r.u64Number('the central directory offset');
    cdEnd = recAt;
  }
  if (cdOffset + cdSize > cdEnd)
    throw r.error('E_FILE_FORMAT', `the central directory (${cdSize} bytes at ${cdOffset}) runs past its end record at ${cdEnd}`, eocd);
  if (count * 46 > cdSize) throw r.error('E_FILE_FORMAT', `${count} entries cannot fit a ${cdSize}-byte central directory`, eocd);
  r.seek(cdOffset, 'the central directory offset');
  const central: Central[] = [];
  const names = new Set<string>();
  let total = 0;
  for (let i = 0; i < count; i++) {
    const e = readCentral(r, i);
    if (names.has(e.name)) throw r.error('E_FILE_FORMAT', `entry '${e.name}' appears twice`, e.at);
    names.add(e.name);
    // Declared sizes are summed before anything is inflated: a bomb is refused by its directory.
    total += e.size;
    if (total > maxBytes) {
      throw r.error(
        'E_FILE_TOO_LARGE',
        `entries declare ${total} bytes when decompressed, over the ${maxBytes}-byte limit ` + '(BLOCKSMITH_MAX_DECODED raises it)',
        e.at,
      );
    }
    central.push(e);
  }
  if (r.pos !== cdOffset + cdSize) throw r.error('E_FILE_FORMAT', `the central directory is ${cdSize} bytes but its entries take ${r.pos - cdOffset}`);
  const spans = central.map((e) => localSpan(r, e, cdOffset));
  checkOverlaps(r, spans);
  return {
    names: central.map((e) => e.name),
    *[Symbol.iterator]() {
      for (const span of spans) yield { name: span.entry.name, data: inflateEntry(r, span) };
    },
  };
}

interface Span {
  entry: Central;
  start: number;
  end: number;
}

/**
 * Entries sharing bytes are how "overlapping" zip bombs multiply their output; refuse them. Sorted
 * by start, each span must end before the next begins: linear after the sort (60k entries were 16 s
 * when every pair was compared).
 */
function checkOverlaps(r: ByteReader, spans: readonly Span[]): void {
  const sorted = [...spans].sort((a, b) => a.entry.local - b.entry.local);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!,
      cur = sorted[i]!;
    if (cur.entry.local < prev.end) throw r.error('E_FILE_FORMAT', `entry '${cur.entry.name}' overlaps entry '${prev.entry.name}'`, cur.entry.local);
  }
}

function findEocd(r: ByteReader): number {
  // The EOCD is 22 bytes plus a comment of up to 65535 bytes, and must end exactly at end of file.
  const b = r.bytes;
  for (let at = b.length - 22; at >= 0 && at >= b.length - 22 - U16_MAX; at--) {
    if (b[at] === 0x50 && b[at + 1] === 0x4b && b[at + 2] === 5 && b[at + 3] === 6 && at + 22 + (b[at + 20]! | (b[at + 21]! << 8)) === b.length) return at;
  }
  throw r.error('E_FILE_FORMAT', 'no end-of-central-directory record: not a ZIP archive, or truncated', Math.max(0, b.length - 22));
}

interface Central {
  at: number;
  name: string;
  rawName: Uint8Array;
  method: number;
  crc: number;
  csize: number;
  size: number;
  local: number;
}

function readCentral(r: ByteReader, i: number): Central {
  const at = r.pos;
  if (r.u32(`central entry ${i}`) !== SIG_CENTRAL) throw r.error('E_FILE_FORMAT', `central entry ${i} has a bad signature`, at);
  r.u16('version');
  r.u16('version');
  const flags = r.u16('flags'),
    method = r.u16('method');
  r.u32('time');
  const crc = r.u32('crc');
  let csize = r.u32('size'),
    size = r.u32('size');
  const nameLen = r.u16('name length'),
    extraLen = r.u16('extra length'),
    commentLen = r.u16('comment length');
  const disk = r.u16('disk');
  r.u16('attributes');
  r.u32('attributes');
  let local = r.u32('local header offset');
  const rawName = r.take(nameLen, `central entry ${i}'s name`);
  const extra = new ByteReader(r.take(extraLen, `central entry ${i}'s extra field`), r.file);
  r.take(commentLen, `central entry ${i}'s comment`);
  const name = decodeName(r, rawName, flags, at);
  if (flags & 1) throw r.error('E_FILE_UNSUPPORTED', `entry '${name}' is encrypted`, at);
  if (method !== 0 && method !== 8)
    throw r.error('E_FILE_UNSUPPORTED', `entry '${name}' uses compression method ${method}; only stored (0) and deflate (8) are supported`, at);
  if (disk !== 0 && disk !== U16_MAX) throw r.error('E_FILE_UNSUPPORTED', 'multi-disk archives are not supported', at);
  while (extra.remaining >= 4) {
    const id = extra.u16('extra id'),
      len = extra.u16('extra length');
    const body = new ByteReader(extra.take(len, 'extra field'), r.file);
    if (id !== 1) continue;
    // ZIP64 extended information: only the fields whose 32-bit slots are 0xFFFFFFFF, in this order.
    if (size === U32_MAX) size = body.u64Number('ZIP64 size');
    if (csize === U32_MAX) csize = body.u64Number('ZIP64 compressed size');
    if (local === U32_MAX) local = body.u64Number('ZIP64 local header offset');
  }
  if (extra.remaining !== 0) throw r.error('E_FILE_FORMAT', `entry '${name}' has a malformed extra field`, at);
  return { at, name, rawName, method, crc, csize, size, local };
}

function decodeName(r: ByteReader, raw: Uint8Array, flags: number, at: number): string {
  let name: string;
  try {
    name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1', { fatal: true }).decode(raw);
  } catch {
    throw r.error('E_FILE_FORMAT', 'an entry name is not valid UTF-8', at);
  }
  // Never let an archive name escape the archive: no absolute paths, drive letters or '..'.
  const parts = name.split(/[\\/]/);
  if (name === '' || name.includes('\0') || /^[\\/]/.test(name) || /^[a-zA-Z]:/.test(name) || parts.includes('..')) {
    throw r.error('E_FILE_FORMAT', `entry name '${name}' is empty, absolute or contains '..'`, at);
  }
  return name;
}

/** Where an entry's local header and data lie, checked against the file and its directory. */
function localSpan(r: ByteReader, e: Central, cdOffset: number): Span {
  if (e.local + 30 > cdOffset)
    throw r.error('E_FILE_FORMAT', `entry '${e.name}'s local header offset ${e.local} is not before the central directory at ${cdOffset}`, e.at);
  r.seek(e.local, `entry '${e.name}'s local header offset`);
  if (r.u32(`entry '${e.name}'s local header`) !== SIG_LOCAL) throw r.error('E_FILE_FORMAT', `entry '${e.name}' has a bad local header signature`, e.local);
  r.pos += 22;
  const nameLen = r.u16('name length'),
    extraLen = r.u16('extra length');
  const localName = r.take(nameLen, `entry '${e.name}'s local name`);
  r.take(extraLen, `entry '${e.name}'s local extra field`);
  const start = r.pos;
  if (localName.length !== e.rawName.length || localName.some((b, k) => b !== e.rawName[k])) {
    throw r.error('E_FILE_FORMAT', `entry '${e.name}'s local header names it differently`, e.local);
  }
  if (start + e.csize > cdOffset)
    throw r.error(
      'E_FILE_TRUNCATED',
      `entry '${e.name}' needs ${e.csize} bytes of data, ${Math.max(0, cdOffset - start)} remain before the central directory`,
      start,
    );
  if (e.method === 0 && e.csize !== e.size) throw r.error('E_FILE_FORMAT', `stored entry '${e.name}' has compressed size ${e.csize} but size ${e.size}`, e.at);
  if (e.method !== 0 && e.size > e.csize * MAX_DEFLATE_RATIO + 1024) {
    throw r.error('E_FILE_FORMAT', `entry '${e.name}' claims ${e.size} bytes from ${e.csize} compressed bytes, more than deflate can produce`, e.at);
  }
  return { entry: e, start, end: start + e.csize };
}

/** An entry's bytes: stored as they are, or inflated (never past the declared size), CRC checked. */
function inflateEntry(r: ByteReader, { entry: e, start }: Span): Uint8Array {
  const packed = r.bytes.subarray(start, start + e.csize);
  let data: Uint8Array;
  if (e.method === 0) {
    data = packed;
  } else {
    try {
      // The bound makes a deflate bomb stop at the declared size instead of exhausting memory.
      data = zlib.inflateRawSync(packed, { maxOutputLength: Math.max(1, e.size) });
    } catch (err) {
      const tooBig = (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
      throw new IoError(
        tooBig ? 'E_FILE_TOO_LARGE' : 'E_FILE_FORMAT',
        r.place(start),
        tooBig ? `entry '${e.name}' inflates past its declared ${e.size} bytes` : `entry '${e.name}' is not valid deflate data (${(err as Error).message})`,
        { cause: err },
      );
    }
    if (data.length !== e.size) throw r.error('E_FILE_FORMAT', `entry '${e.name}' inflates to ${data.length} bytes, not the declared ${e.size}`, start);
  }
  const crc = crc32(data);
  if (crc !== e.crc) throw r.error('E_FILE_CHECKSUM', `entry '${e.name}' has CRC-32 ${hex(crc)}, the archive says ${hex(e.crc)}`, start);
  return data;
}

const hex = (v: number): string => `0x${v.toString(16).padStart(8, '0')}`;

let table: Uint32Array | undefined;
/** CRC-32 (ISO 3309), via zlib where this Node has it (>= 20.15), else a table. */
export function crc32(data: Uint8Array): number {
  const native = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;
  if (native) return native(data) >>> 0;
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export interface ZipWriteOptions {
  compress?: boolean;
  /** Always write ZIP64 fields (tests; numpy forces them too). */ forceZip64?: boolean;
}

/**
 * Build a ZIP archive: stored entries (np.savez) or deflated ones (np.savez_compressed). Times are
 * fixed at 1980-01-01 00:00, as numpy's entries are, so the same arrays give the same bytes.
 */
export function writeZip(entries: readonly ZipEntry[], opts: ZipWriteOptions = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  const central = new ByteWriter();
  let offset = 0;
  for (const e of entries) {
    const name = new TextEncoder().encode(e.name);
    const packed = opts.compress ? zlib.deflateRawSync(e.data) : e.data;
    const crc = crc32(e.data);
    const z64 = opts.forceZip64 || e.data.length >= U32_MAX || packed.length >= U32_MAX || offset >= U32_MAX;
    const flags = /[^\x20-\x7e]/.test(e.name) ? 0x800 : 0; // bit 11: the name is UTF-8
    const method = opts.compress ? 8 : 0;
    const version = z64 ? 45 : 20;
    const local = new ByteWriter()
      .u32(SIG_LOCAL)
      .u16(version)
      .u16(flags)
      .u16(method)
      .u16(0)
      .u16(0x21)
      .u32(crc)
      .u32(z64 ? U32_MAX : packed.length)
      .u32(z64 ? U32_MAX : e.data.length)
      .u16(name.length)
      .u16(z64 ? 20 : 0)
      .bytes(name);
    if (z64) local.u16(1).u16(16).u64(e.data.length).u64(packed.length);
    central
      .u32(SIG_CENTRAL)
      .u16(version)
      .u16(version)
      .u16(flags)
      .u16(method)
      .u16(0)
      .u16(0x21)
      .u32(crc)
      .u32(z64 ? U32_MAX : packed.length)
      .u32(z64 ? U32_MAX : e.data.length)
      .u16(name.length)
      .u16(z64 ? 28 : 0)
      .u16(0)
      .u16(0)
      .u16(0)
      .u32(0x1a4 << 16)
      .u32(z64 ? U32_MAX : offset)
      .bytes(name);
    if (z64) central.u16(1).u16(24).u64(e.data.length).u64(packed.length).u64(offset);
    const head = local.finish();
    parts.push(head, packed);
    offset += head.length + packed.length;
  }
  const cd = central.finish();
  const end = new ByteWriter();
  const z64End = opts.forceZip64 || entries.length >= U16_MAX || offset >= U32_MAX || cd.length >= U32_MAX;
  if (z64End) {
    end.u32(SIG_ZIP64_EOCD).u64(44).u16(45).u16(45).u32(0).u32(0).u64(entries.length).u64(entries.length).u64(cd.length).u64(offset);
    end
      .u32(SIG_ZIP64_LOCATOR)
      .u32(0)
      .u64(offset + cd.length)
      .u32(1);
  }
  end
    .u32(SIG_EOCD)
    .u16(0)
    .u16(0)
    .u16(z64End ? U16_MAX : entries.length)
    .u16(z64End ? U16_MAX : entries.length)
    .u32(z64End ? U32_MAX : cd.length)
    .u32(z64End ? U32_MAX : offset)
    .u16(0);
  return concatBytes([...parts, cd, end.finish()]);
}
