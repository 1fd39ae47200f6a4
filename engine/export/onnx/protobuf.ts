// The protobuf wire format, as much as ONNX needs: a writer for varints, 32-bit floats and
// length-delimited fields (strings, bytes, nested messages, packed ints), and a small reader that
// splits a message into its fields, so tests can check what the writer produced. No schema here:
// field numbers live with the messages (onnx-proto.ts).

/** Wire types (protobuf encoding spec): 0 varint, 1 64-bit, 2 length-delimited, 5 32-bit. */
export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

const utf8 = new TextEncoder();

/** Builds one message's bytes; nested messages are written by a child writer and added as bytes. */
export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private scratch: number[] = [];
  private size = 0;

  private flushScratch(): void {
    if (this.scratch.length === 0) return;
    this.chunks.push(Uint8Array.from(this.scratch));
    this.size += this.scratch.length;
    this.scratch = [];
  }

  /** A varint of a non-negative or negative integer; negatives take 10 bytes (two's complement, as int64). */
  private varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.scratch.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.scratch.push(Number(v));
  }

  private tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  /** int32 / int64 / enum / bool fields. */
  int(field: number, value: number | bigint): this {
    this.tag(field, WIRE.varint);
    this.varint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, WIRE.fixed32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.scratch.push(...b);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE.bytes);
    this.varint(value.length);
    this.flushScratch();
    this.chunks.push(value);
    this.size += value.length;
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  message(field: number, m: ProtoWriter): this {
    return this.bytes(field, m.finish());
  }

  /** A packed repeated varint field (proto3's default, proto2's [packed = true]). */
  packedInts(field: number, values: readonly (number | bigint)[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    this.flushScratch();
    if (this.chunks.length === 1) return this.chunks[0]!;
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    this.chunks = [out];
    return out;
  }
}

/** One decoded field: varints as bigint, 32/64-bit values as raw bytes, length-delimited as bytes. */
export interface ProtoField {
  field: number;
  wire: number;
  value: bigint | Uint8Array;
}

/** Splits a message into its fields in order; throws on a truncated or malformed message. */
export function decodeFields(bytes: Uint8Array): ProtoField[] {
  const out: ProtoField[] = [];
  let at = 0;
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (at >= bytes.length) throw new Error(`truncated varint at byte ${at}`);
      if (shift > 63n) throw new Error(`varint longer than 10 bytes at byte ${at}`);
      const b = bytes[at++]!;
      v |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return v;
    }
  };
  const take = (n: number): Uint8Array => {
    if (at + n > bytes.length) throw new Error(`field runs past the end (${n} bytes at byte ${at})`);
    const v = bytes.subarray(at, at + n);
    at += n;
    return v;
  };
  while (at < bytes.length) {
    const key = varint();
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (field === 0) throw new Error(`field number 0 at byte ${at}`);
    switch (wire) {
      case WIRE.varint:
        out.push({ field, wire, value: varint() });
        break;
      case WIRE.fixed64:
        out.push({ field, wire, value: take(8) });
        break;
      case WIRE.bytes:
        out.push({ field, wire, value: take(Number(varint())) });
        break;
      case WIRE.fixed32:
        out.push({ field, wire, value: take(4) });
        break;
      default:
        throw new Error(`unsupported wire type ${wire} at byte ${at}`);
    }
  }
  return out;
}

/** Varints packed in one length-delimited field, as signed 64-bit values. */
export function decodePackedInts(bytes: Uint8Array): bigint[] {
  return decodeFields(prefixAsVarints(bytes)).map((f) => BigInt.asIntN(64, f.value as bigint));
}

// Packed varints carry no tags; give each one the tag of field 1 so decodeFields can read them.
function prefixAsVarints(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  let start = true;
  for (const b of bytes) {
    if (start) out.push(0x08);
    out.push(b);
    start = (b & 0x80) === 0;
  }
  return Uint8Array.from(out);
}

export const decodeString = (b: Uint8Array): string => new TextDecoder().decode(b);
export const decodeFloat = (b: Uint8Array): number => new DataView(b.buffer, b.byteOffset, 4).getFloat32(0, true);
