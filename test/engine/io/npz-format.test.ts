import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostTensor } from '../../../engine/io/host-tensor';
import { readNpz, writeNpz } from '../../../engine/io/npz-format';
import { readZip, writeZip } from '../../../engine/io/zip-archive';
import { writeNpy } from '../../../engine/io/npy-format';
import { ALL_DTYPES, SHAPES, assertEveryPrefixFails, assertIoError, assertSameTensor, sample } from './io-test-helpers';

const F = 'w.npz';

/** Offsets of the (first) central entry and the EOCD of an archive without a comment. */
function layout(zip: Uint8Array) {
  const dv = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const eocd = zip.length - 22;
  return { dv, eocd, cd: dv.getUint32(eocd + 16, true) };
}

test('.npz round trip: positional -> list, named -> dict, stored and deflated, with and without ZIP64', () => {
  for (const compress of [false, true]) {
    const arrays = ALL_DTYPES.flatMap((d) => SHAPES.map((s) => sample(d, s)));
    const list = readNpz(writeNpz({ kind: 'list', arrays }, { compress }), F);
    assert.equal(list.kind, 'list');
    if (list.kind === 'list') arrays.forEach((a, i) => assertSameTensor(list.arrays[i]!, a, `arr_${i}`));
    const entries: [string, HostTensor][] = arrays.map((a, i) => [`layer${i}.weight`, a]);
    const dict = readNpz(writeNpz({ kind: 'dict', entries }, { compress }), F);
    assert.equal(dict.kind, 'dict');
    if (dict.kind === 'dict')
      entries.forEach(([n, a], i) => {
        assert.equal(dict.entries[i]![0], n);
        assertSameTensor(dict.entries[i]![1], a);
      });
  }
  const z64 = writeZip([{ name: 'x.npy', data: writeNpy(sample('int64', [4])) }], { forceZip64: true });
  const out = readNpz(z64, F);
  if (out.kind === 'dict') assertSameTensor(out.entries[0]![1], sample('int64', [4]));
  // arr_* out of order, or with a gap, stays a dict.
  const mixed = readNpz(
    writeNpz({
      kind: 'dict',
      entries: [
        ['arr_1', sample('uint8', [1])],
        ['arr_0', sample('uint8', [1])],
      ],
    }),
    F,
  );
  assert.equal(mixed.kind, 'dict');
});

test('hostile .npz: every truncation, bad signatures, offsets past the end, CRC, names escaping the archive', () => {
  const good = writeNpz({
    kind: 'dict',
    entries: [
      ['a', sample('float32', [3])],
      ['b', sample('bool', [2])],
    ],
  });
  assertEveryPrefixFails(good, (b) => readNpz(b, F), F);
  assertEveryPrefixFails(writeNpz({ kind: 'list', arrays: [sample('int32', [2])] }, { compress: true }), (b) => readNpz(b, F), F);
  assertIoError(() => readNpz(new Uint8Array(30), F), 'E_FILE_FORMAT', F, { match: /end-of-central-directory/ });
  {
    const z = new Uint8Array(good);
    const { dv, cd } = layout(z);
    dv.setUint32(cd, 0x12345678, true);
    assertIoError(() => readNpz(z, F), 'E_FILE_FORMAT', F, { match: /central entry 0 has a bad signature/ });
  }
  {
    const z = new Uint8Array(good);
    const { dv } = layout(z);
    dv.setUint32(0, 0x04034b51, true);
    assertIoError(() => readNpz(z, F), 'E_FILE_FORMAT', F, { match: /bad local header signature/ });
  }
  {
    const z = new Uint8Array(good);
    const { dv, eocd } = layout(z);
    dv.setUint32(eocd + 16, z.length + 100, true);
    assertIoError(() => readNpz(z, F), 'E_FILE_FORMAT', F, { match: /runs past/ });
  }
  {
    const z = new Uint8Array(good);
    const { dv, cd } = layout(z);
    dv.setUint32(cd + 42, 0x7fffffff, true);
    assertIoError(() => readNpz(z, F), 'E_FILE_FORMAT', F, { match: /local header offset 2147483647 is not before the central directory/ });
  }
  {
    const z = new Uint8Array(good);
    const { dv, cd } = layout(z);
    dv.setUint32(cd + 20, 100000, true);
    dv.setUint32(cd + 24, 100000, true);
    assertIoError(() => readNpz(z, F), 'E_FILE_TRUNCATED', F, { match: /needs 100000 bytes of data/ });
  }
  {
    const z = new Uint8Array(good);
    z[100] = z[100]! ^ 0xff; // inside the first entry's data
    assertIoError(() => readNpz(z, F), 'E_FILE_CHECKSUM', F, { match: /CRC-32/ });
  }
  for (const name of ['../evil.npy', '/etc/evil.npy', 'a/../../evil.npy', 'C:\\evil.npy', 'a\\..\\evil.npy']) {
    const z = writeZip([{ name, data: writeNpy(sample('uint8', [1])) }]);
    assertIoError(() => readNpz(z, F), 'E_FILE_FORMAT', F, { match: /absolute or contains '\.\.'/ });
  }
  assertIoError(() => readNpz(writeZip([{ name: 'notes.txt', data: new Uint8Array(3) }]), F), 'E_FILE_FORMAT', F, {
    offset: false,
    match: /notes\.txt.*not a \.npy entry/,
  });
  const dup = writeZip([
    { name: 'a.npy', data: writeNpy(sample('uint8', [1])) },
    { name: 'a.npy', data: writeNpy(sample('uint8', [1])) },
  ]);
  assertIoError(() => readNpz(dup, F), 'E_FILE_FORMAT', F, { match: /appears twice/ });
  const sparse = writeZip(['data', 'indices', 'indptr', 'shape', 'format'].map((k) => ({ name: `w/${k}.npy`, data: writeNpy(sample('int64', [1])) })));
  assertIoError(() => readNpz(sparse, F), 'E_FILE_UNSUPPORTED', F, { offset: false, match: /sparse arrays are not supported/ });
  // A truncated .npy inside a valid archive names the entry and the offset within it.
  const inner = writeNpy(sample('float64', [4]));
  const err = assertIoError(() => readNpz(writeZip([{ name: 'w.npy', data: inner.subarray(0, inner.length - 3) }]), F), 'E_FILE_TRUNCATED', F, {
    match: /entry 'w\.npy' truncated at byte 128/,
  });
  assert.equal(err.entry, 'w.npy');
});

test('deflate bombs and impossible sizes stop at a bound', () => {
  const big = new Uint8Array(8 << 20); // 8 MiB of zeros deflates to ~8 KiB
  const bomb = writeZip([{ name: 'b.npy', data: big }], { compress: true });
  const { dv, cd } = layout(bomb);
  const declare = (z: Uint8Array, size: number) => {
    const l = layout(z);
    l.dv.setUint32(l.cd + 24, size, true);
    return z;
  };
  assert.ok(dv.getUint32(cd + 20, true) < 20000);
  assertIoError(() => readZip(declare(new Uint8Array(bomb), 1000), F), 'E_FILE_TOO_LARGE', F, { match: /inflates past its declared 1000 bytes/ });
  assertIoError(() => readZip(declare(new Uint8Array(bomb), 0xfffffff0), F), 'E_FILE_FORMAT', F, { match: /more than deflate can produce/ });
  assertIoError(() => readZip(bomb, F, { maxBytes: 1 << 20 }), 'E_FILE_TOO_LARGE', F, { match: /over the 1048576-byte limit/ });
  assert.equal(readZip(bomb, F)[0]!.data.length, big.length);
  const shortStream = writeZip([{ name: 'b.npy', data: new Uint8Array(10) }], { compress: true });
  assertIoError(() => readZip(declare(shortStream, 11), F), 'E_FILE_FORMAT', F, { match: /inflates to 10 bytes, not the declared 11/ });
});

test('overlapping entries (the "overlapped files" zip-bomb trick) are refused', () => {
  // Entry a's data hides a complete local header for b; b's central record points into it.
  const payload = new Uint8Array([1, 2, 3, 4]);
  const hidden = writeZip([{ name: 'b.npy', data: payload }]).subarray(0, 30 + 5 + payload.length);
  const z = writeZip([
    { name: 'a.npy', data: hidden },
    { name: 'b.npy', data: payload },
  ]);
  const { dv, cd } = layout(z);
  dv.setUint32(cd + 46 + 5 + 42, 30 + 5, true);
  assertIoError(() => readZip(z, F), 'E_FILE_FORMAT', F, { match: /entry 'b\.npy' overlaps entry 'a\.npy'/ });
  // Pointing b at a's own local header fails too: the local header names another entry.
  dv.setUint32(cd + 46 + 5 + 42, 0, true);
  assertIoError(() => readZip(z, F), 'E_FILE_FORMAT', F, { match: /names it differently/ });
});
