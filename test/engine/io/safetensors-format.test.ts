import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes } from '../../../engine/io/byte-reader';
import type { HostTensor } from '../../../engine/io/host-tensor';
import { readSafetensors, writeSafetensors } from '../../../engine/io/safetensors-format';
import { ALL_DTYPES, SHAPES, assertEveryPrefixFails, assertIoError, assertSameTensor, sample } from './io-test-helpers';

const F = 'm.safetensors';
const read = (b: Uint8Array, opts = {}) => readSafetensors(b, F, opts);

/** A file from a header object (or raw header text) and a data buffer. */
function st(header: object | string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const text = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(text.length), true);
  return concatBytes([len, text, data]);
}

test('writer output equals the Rust implementation test vectors byte for byte (tensor.rs tests)', () => {
  const attn: HostTensor = { dtype: 'float32', shape: [1, 2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) };
  const expected = [
    64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97,
    112, 101, 34, 58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0,
    0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
  ];
  assert.deepEqual([...writeSafetensors([['attn.0', attn]])], expected);
  assert.deepEqual([...writeSafetensors([])], [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
  assert.deepEqual(
    [...writeSafetensors([], { framework: 'pt' })],
    [
      40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95, 95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34,
      58, 34, 112, 116, 34, 125, 125, 32, 32, 32, 32, 32,
    ],
  );
  const forced = writeSafetensors([['attn0', { ...attn, shape: [1, 1, 2, 3] }]]);
  assert.equal(new DataView(forced.buffer).getBigUint64(0, true), 72n); // padded with 7 spaces
});

test('.safetensors round trip: every dtype and shape, metadata preserved, data aligned', () => {
  const entries: [string, HostTensor][] = [];
  for (const dtype of ALL_DTYPES) SHAPES.forEach((s, i) => entries.push([`${dtype}.${i}`, sample(dtype, s)]));
  entries.push(['0', sample('uint8', [2])], ['__proto__', sample('int32', [1])]);
  const meta = { format: 'blocksmith', graph: '{"nodes": []}', ünïcode: '✓' };
  const bytes = writeSafetensors(entries, meta);
  const out = read(bytes);
  assert.deepEqual({ ...out.metadata }, meta);
  const byName = new Map(out.entries);
  assert.equal(byName.size, entries.length);
  for (const [n, t] of entries) assertSameTensor(byName.get(n)!, t, n);
  // Sorted by alignment (8-byte dtypes first) after an 8-byte padded header: every tensor aligned.
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal(n % 8, 0);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, data_offsets } = info as { dtype: string; data_offsets: [number, number] };
    const size = { F64: 8, I64: 8, F32: 4, I32: 4, U8: 1, BOOL: 1 }[dtype]!;
    assert.equal((8 + n + data_offsets[0]) % size, 0, `${name} aligned`);
  }
});

test('.safetensors other dtypes need {widen: true}; F8 is refused', () => {
  const bf16 = st({ x: { dtype: 'BF16', shape: [2], data_offsets: [0, 4] } }, new Uint8Array([0x80, 0x3f, 0x00, 0xc0]));
  assertIoError(() => read(bf16), 'E_FILE_UNSUPPORTED', F, { match: /bfloat16.*widen/ });
  assertSameTensor(read(bf16, { widen: true }).entries[0]![1], { dtype: 'float32', shape: [2], data: new Float32Array([1, -2]) });
  const i8 = st({ x: { dtype: 'I8', shape: [2], data_offsets: [0, 2] } }, new Uint8Array([0x80, 0x7f]));
  assertSameTensor(read(i8, { widen: true }).entries[0]![1], { dtype: 'int32', shape: [2], data: new Int32Array([-128, 127]) });
  const f8 = st({ x: { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] } }, new Uint8Array([1]));
  assertIoError(() => read(f8, { widen: true }), 'E_FILE_UNSUPPORTED', F, { match: /F8_E4M3/ });
});

test('hostile .safetensors: truncations, huge header length, bad JSON, bad offsets, overflow', () => {
  const good = writeSafetensors(
    [
      ['a', sample('float32', [2, 2])],
      ['b', sample('int64', [3])],
    ],
    { k: 'v' },
  );
  assertEveryPrefixFails(good, read, F);
  const huge = new Uint8Array(16);
  new DataView(huge.buffer).setBigUint64(0, 2n ** 60n, true);
  assertIoError(() => read(huge), 'E_FILE_TOO_LARGE', F, { match: /header length is 1152921504606846976/ });
  const long = new Uint8Array(16);
  new DataView(long.buffer).setBigUint64(0, 1000n, true);
  assertIoError(() => read(long), 'E_FILE_TRUNCATED', F, { match: /header needs 1000 bytes, 8 remain/ });
  assertIoError(() => read(st('  {}')), 'E_FILE_FORMAT', F, { match: /start with/ });
  assertIoError(() => read(st('{"a": ')), 'E_FILE_FORMAT', F, { match: /not a JSON object/ });
  assertIoError(() => read(st('[]')), 'E_FILE_FORMAT', F);
  const four = new Uint8Array(16);
  const t = (o: object) => ({ dtype: 'F32', shape: [2], ...o });
  assertIoError(() => read(st({ a: t({ data_offsets: [0, 8] }), b: t({ data_offsets: [4, 12] }) }, four)), 'E_FILE_FORMAT', F, { match: /overlap/ });
  assertIoError(() => read(st({ a: t({ data_offsets: [0, 8] }), b: t({ data_offsets: [12, 20] }) }, four)), 'E_FILE_FORMAT', F, { match: /gap/ });
  assertIoError(() => read(st({ a: t({ data_offsets: [0, 8] }), b: t({ data_offsets: [8, 16] }) }, four.subarray(0, 12))), 'E_FILE_TRUNCATED', F, {
    match: /need 16 bytes of data, 12 remain/,
  });
  assertIoError(() => read(st({ a: t({ data_offsets: [0, 8] }) }, four)), 'E_FILE_FORMAT', F, { match: /not covered/ });
  assertIoError(() => read(st({ a: t({ data_offsets: [0, 2 ** 62] }) }, four)), 'E_FILE_FORMAT', F, { match: /invalid data_offsets/ });
  assertIoError(() => read(st({ a: t({ data_offsets: [8, 0] }) }, four)), 'E_FILE_FORMAT', F, { match: /invalid data_offsets/ });
  assertIoError(() => read(st({ a: t({ data_offsets: [0, 12] }) }, four.subarray(0, 12))), 'E_FILE_FORMAT', F, {
    match: /needs 8 bytes but data_offsets span 12/,
  });
  assertIoError(() => read(st({ a: t({ shape: [2 ** 30, 2 ** 30, 2 ** 30], data_offsets: [0, 8] }) }, four)), 'E_FILE_TOO_LARGE', F, { match: /overflows/ });
  assertIoError(() => read(st({ a: t({ shape: [-1], data_offsets: [0, 0] }) })), 'E_FILE_FORMAT', F, { match: /invalid shape/ });
  assertIoError(() => read(st({ a: t({ dtype: 'F33', data_offsets: [0, 8] }) }, four)), 'E_FILE_FORMAT', F, { match: /unknown dtype/ });
  assertIoError(() => read(st({ a: t({ data_offsets: [0, 8], extra: 1 }) }, four)), 'E_FILE_FORMAT', F, { match: /fields/ });
  assertIoError(() => read(st({ __metadata__: { n: 1 } })), 'E_FILE_FORMAT', F, { match: /not a string/ });
});

test('the safetensors writer refuses reserved and duplicate names and non-string metadata', () => {
  assertIoError(() => writeSafetensors([['__metadata__', sample('uint8', [1])]], undefined, 'o.safetensors'), 'E_FILE_CONTENT', 'o.safetensors', {
    offset: false,
  });
  assertIoError(
    () =>
      writeSafetensors(
        [
          ['a', sample('uint8', [1])],
          ['a', sample('uint8', [1])],
        ],
        undefined,
        'o.safetensors',
      ),
    'E_FILE_CONTENT',
    'o.safetensors',
    { offset: false },
  );
  assertIoError(() => writeSafetensors([], { n: 1 } as unknown as Record<string, string>, 'o.safetensors'), 'E_FILE_CONTENT', 'o.safetensors', {
    offset: false,
  });
});
