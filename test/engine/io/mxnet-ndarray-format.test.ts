import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ByteWriter } from '../../../engine/io/byte-reader';
import { readMxnetNdarray, writeMxnetNdarray } from '../../../engine/io/mxnet-ndarray-format';
import type { HostTensor } from '../../../engine/io/host-tensor';
import { ALL_DTYPES, SHAPES, assertEveryPrefixFails, assertIoError, assertSameTensor, fixturePath, sample } from './io-test-helpers';

const F = 'test.params';
const read = (b: Uint8Array, opts = {}) => readMxnetNdarray(b, F, opts);

test('MXNet fixture legacy_ndarray.v0 (pre-V1 records) reads as 6 x float32 arange(128)', (t) => {
  const path = fixturePath('mxnet', 'legacy_ndarray.v0');
  if (!path) {
    t.skip('../shared/fixtures/mxnet/legacy_ndarray.v0 is absent in this checkout');
    return;
  }
  const out = readMxnetNdarray(readFileSync(path), path);
  assert.equal(out.kind, 'list');
  if (out.kind !== 'list') return;
  assert.equal(out.arrays.length, 6);
  for (const a of out.arrays) assertSameTensor(a, { dtype: 'float32', shape: [128], data: Float32Array.from({ length: 128 }, (_, i) => i) });
});

test('MXNet fixture: every truncation is an IoError naming the file and offset', (t) => {
  const path = fixturePath('mxnet', 'legacy_ndarray.v0');
  if (!path) {
    t.skip('../shared/fixtures/mxnet/legacy_ndarray.v0 is absent in this checkout');
    return;
  }
  const bytes = readFileSync(path);
  assertEveryPrefixFails(bytes, (b) => readMxnetNdarray(b, path), 'legacy_ndarray.v0');
  assertIoError(() => readMxnetNdarray(bytes.subarray(0, 3000), path), 'E_FILE_TRUNCATED', 'legacy_ndarray.v0', {
    match: /truncated at byte 2704: array 5 needs 512 bytes of data, 296 remain/,
  });
});

test("nd.save(f, {'w': nd.array([1,2])}) layout: 81 bytes = header 24 + V2 record 40 + names 17 (gluon-spec 5a)", () => {
  const w: HostTensor = { dtype: 'float32', shape: [2], data: new Float32Array([1, 2]) };
  const expected = new ByteWriter()
    .u64(0x112)
    .u64(0)
    .u64(1) // list magic, reserved, N
    .u32(0xf993fac9)
    .i32(0) // V2 magic, dense
    .i32(1)
    .i64(2) // shape (2,)
    .i32(1)
    .i32(0) // context cpu(0)
    .i32(0) // type_flag float32
    .bytes(new Uint8Array(new Float32Array([1, 2]).buffer))
    .u64(1)
    .u64(1)
    .bytes(new TextEncoder().encode('w'))
    .finish();
  assert.equal(expected.length, 81);
  const got = writeMxnetNdarray({ kind: 'dict', entries: [['w', w]] });
  assert.deepEqual(Buffer.from(got), Buffer.from(expected));
  const back = read(got);
  assert.equal(back.kind, 'dict');
  if (back.kind === 'dict') {
    assert.equal(back.entries[0]![0], 'w');
    assertSameTensor(back.entries[0]![1], w);
  }
});

test('MXNet round trip: every dtype and shape, as a list and as a dict', () => {
  for (const dtype of ALL_DTYPES) {
    const arrays = SHAPES.map((s) => sample(dtype, s));
    const list = read(writeMxnetNdarray({ kind: 'list', arrays }));
    assert.equal(list.kind, 'list');
    if (list.kind === 'list') arrays.forEach((a, i) => assertSameTensor(list.arrays[i]!, a, `${dtype} ${i}`));
    const entries = arrays.map((a, i): [string, HostTensor] => [`p${i}.weight`, a]);
    const dict = read(writeMxnetNdarray({ kind: 'dict', entries }));
    assert.equal(dict.kind, 'dict');
    if (dict.kind === 'dict')
      entries.forEach(([n, a], i) => {
        assert.equal(dict.entries[i]![0], n);
        assertSameTensor(dict.entries[i]![1], a);
      });
  }
});

test('a 0-d tensor is written as a V3 record (ndim 0 is "none" in V2) and reads back as a scalar', () => {
  const bytes = writeMxnetNdarray({ kind: 'list', arrays: [sample('float64', [])] });
  assert.equal(new DataView(bytes.buffer).getUint32(24, true), 0xf993faca);
  const out = read(bytes);
  if (out.kind === 'list') assertSameTensor(out.arrays[0]!, sample('float64', []));
});

/** A file with one hand-built record. */
function oneRecord(record: (w: ByteWriter) => void, names: string[] = []): Uint8Array {
  const w = new ByteWriter().u64(0x112).u64(0).u64(1);
  record(w);
  w.u64(names.length);
  for (const n of names) w.u64(n.length).bytes(new TextEncoder().encode(n));
  return w.finish();
}
const f32 = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);

test('V1 (int64 shape, no storage type) and V3 records read', () => {
  const v1 = oneRecord((w) => w.u32(0xf993fac8).i32(2).i64(1).i64(2).i32(1).i32(0).i32(0).bytes(f32(7, 8)));
  const a = read(v1);
  if (a.kind === 'list') assertSameTensor(a.arrays[0]!, { dtype: 'float32', shape: [1, 2], data: new Float32Array([7, 8]) });
  const v3 = oneRecord((w) => w.u32(0xf993faca).i32(0).i32(1).i64(1).i32(2).i32(1).i32(0).bytes(f32(9)), ['x']);
  const b = read(v3);
  assert.equal(b.kind, 'dict');
  if (b.kind === 'dict') assertSameTensor(b.entries[0]![1], { dtype: 'float32', shape: [1], data: new Float32Array([9]) });
});

test("'none' records (V2 ndim 0, V3 ndim -1, pre-V1 ndim 0) are refused clearly", () => {
  assertIoError(() => read(oneRecord((w) => w.u32(0xf993fac9).i32(0).i32(0))), 'E_FILE_UNSUPPORTED', F, { match: /'none' NDArray/ });
  assertIoError(() => read(oneRecord((w) => w.u32(0xf993faca).i32(0).i32(-1))), 'E_FILE_UNSUPPORTED', F, { match: /'none' NDArray/ });
  assertIoError(() => read(oneRecord((w) => w.u32(0))), 'E_FILE_UNSUPPORTED', F, { match: /'none' NDArray/ });
});

test('sparse records are refused with "sparse arrays are not supported"', () => {
  assertIoError(() => read(oneRecord((w) => w.u32(0xf993fac9).i32(2).i32(1).i64(3))), 'E_FILE_UNSUPPORTED', F, {
    match: /csr: sparse arrays are not supported/,
  });
  assertIoError(() => read(oneRecord((w) => w.u32(0xf993fac9).i32(1))), 'E_FILE_UNSUPPORTED', F, { match: /row_sparse/ });
});

test('other dtypes: an error naming file, entry and dtype, or a lossless widening', () => {
  const f16 = oneRecord((w) => w.u32(0xf993fac9).i32(0).i32(1).i64(3).i32(1).i32(0).i32(2).u16(0x3c00).u16(0xc000).u16(0x7c00), ['h']);
  assertIoError(() => read(f16), 'E_FILE_UNSUPPORTED', F, { match: /array 0 has dtype float16.*widen: true/ });
  const wide = read(f16, { widen: true });
  if (wide.kind === 'dict') assertSameTensor(wide.entries[0]![1], { dtype: 'float32', shape: [3], data: new Float32Array([1, -2, Infinity]) });
  const u64 = (v: bigint) => oneRecord((w) => w.u32(0xf993fac9).i32(0).i32(1).i64(1).i32(1).i32(0).i32(11).u64(v));
  const ok = read(u64(2n ** 63n - 1n), { widen: true });
  if (ok.kind === 'list') assertSameTensor(ok.arrays[0]!, { dtype: 'int64', shape: [1], data: new BigInt64Array([2n ** 63n - 1n]) });
  assertIoError(() => read(u64(2n ** 63n), { widen: true }), 'E_FILE_UNSUPPORTED', F, { match: /does not fit int64/ });
});

test('hostile MXNet files: bad magics, huge ndim, overflowing shapes, huge counts, trailing bytes', () => {
  const good = writeMxnetNdarray({
    kind: 'dict',
    entries: [
      ['a', sample('int32', [2, 2])],
      ['b', sample('bool', [3])],
    ],
  });
  assertEveryPrefixFails(good, read, F);
  const bad = new Uint8Array(good);
  bad[0] = 0x13;
  assertIoError(() => read(bad), 'E_FILE_FORMAT', F, { match: /not an MXNet NDArray file/ });
  assertIoError(() => read(oneRecord((w) => w.u32(0xdeadbeef))), 'E_FILE_FORMAT', F, { match: /neither a record magic/ });
  assertIoError(() => read(oneRecord((w) => w.u32(0xf993fac9).i32(0).i32(1e9))), 'E_FILE_FORMAT', F, { match: /ndim 1000000000/ });
  assertIoError(() => read(oneRecord((w) => w.u32(0xf993fac9).i32(0).i32(2).i64(-5).i64(1))), 'E_FILE_FORMAT', F, { match: /negative dimension/ });
  assertIoError(
    () =>
      read(
        oneRecord((w) =>
          w
            .u32(0xf993fac9)
            .i32(0)
            .i32(3)
            .i64(2 ** 40)
            .i64(2 ** 40)
            .i64(2 ** 40)
            .i32(1)
            .i32(0)
            .i32(0),
        ),
      ),
    'E_FILE_TOO_LARGE',
    F,
    { match: /overflows/ },
  );
  assertIoError(
    () =>
      read(
        oneRecord((w) =>
          w
            .u32(0xf993fac9)
            .i32(0)
            .i32(2)
            .i64(2 ** 20)
            .i64(2 ** 20)
            .i32(1)
            .i32(0)
            .i32(0),
        ),
      ),
    'E_FILE_TRUNCATED',
    F,
    { match: /needs 4398046511104 bytes of data/ },
  );
  assertIoError(
    () =>
      read(
        new ByteWriter()
          .u64(0x112)
          .u64(0)
          .u64(2n ** 62n)
          .finish(),
      ),
    'E_FILE_TRUNCATED',
    F,
    { match: /array count/ },
  );
  assertIoError(() => read(oneRecord((w) => w.u32(0xf993fac9).i32(0).i32(1).i64(1).i32(1).i32(0).i32(99).u32(0))), 'E_FILE_FORMAT', F, {
    match: /type_flag 99/,
  });
  assertIoError(() => read(oneRecord((w) => w.u32(0xf993fac9).i32(0).i32(1).i64(1).i32(9).i32(0).i32(0).u32(0))), 'E_FILE_FORMAT', F, {
    match: /device type 9/,
  });
  const withName = oneRecord((w) => w.u32(0xf993fac9).i32(0).i32(1).i64(1).i32(1).i32(0).i32(0).bytes(f32(1)), ['x']);
  const badNames = new Uint8Array(withName);
  new DataView(badNames.buffer).setBigUint64(withName.length - 17, 5n, true);
  assertIoError(() => read(badNames), 'E_FILE_FORMAT', F, { match: /1 arrays but 5 names/ });
  assertIoError(() => read(new Uint8Array([...withName, 0])), 'E_FILE_FORMAT', F, { match: /unexpected bytes/ });
});

test('the writer refuses malformed tensors before producing bytes', () => {
  const bad = { dtype: 'float32', shape: [3], data: new Float32Array(2) } as HostTensor;
  assertIoError(() => writeMxnetNdarray({ kind: 'list', arrays: [bad] }, 'out.params'), 'E_FILE_CONTENT', 'out.params', {
    offset: false,
    match: /3 elements\) but 2 data elements/,
  });
  const wrongType = { dtype: 'int64', shape: [1], data: new Int32Array(1) } as unknown as HostTensor;
  assertIoError(() => writeMxnetNdarray({ kind: 'list', arrays: [wrongType] }, 'out.params'), 'E_FILE_CONTENT', 'out.params', {
    offset: false,
    match: /BigInt64Array/,
  });
});
