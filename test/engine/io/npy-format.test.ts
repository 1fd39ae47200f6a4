import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes } from '../../../engine/io/byte-reader';
import { npyHeader, readNpy, writeNpy } from '../../../engine/io/npy-format';
import { ALL_DTYPES, SHAPES, assertEveryPrefixFails, assertIoError, assertSameTensor, sample } from './io-test-helpers';

const F = 'w.npy';

/** An .npy with a header dict written by hand (version 1.0 unless given). */
function npy(dict: string, data: Uint8Array, major = 1): Uint8Array {
  const text = new TextEncoder().encode(dict + '\n');
  const lenSize = major === 1 ? 2 : 4;
  const head = new Uint8Array(8 + lenSize);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const dv = new DataView(head.buffer);
  if (major === 1) dv.setUint16(8, text.length, true);
  else dv.setUint32(8, text.length, true);
  return concatBytes([head, text, data]);
}

test('.npy round trip: every dtype, 0-d, empty (0, 3) and larger shapes', () => {
  for (const dtype of ALL_DTYPES)
    for (const shape of SHAPES) {
      const t = sample(dtype, shape);
      assertSameTensor(readNpy(writeNpy(t), F), t, `${dtype} [${shape}]`);
    }
});

test('.npy header is padded as numpy pads it: 64-byte aligned data, growth spaces, final newline', () => {
  const h = npyHeader('<f4', [256, 20]);
  assert.equal(h.length % 64, 0);
  const text = new TextDecoder().decode(h.subarray(10));
  assert.ok(text.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (256, 20), }"), text);
  assert.ok(text.endsWith(' \n'));
  assert.equal(new DataView(h.buffer).getUint16(8, true), h.length - 10);
  assert.match(new TextDecoder().decode(npyHeader('|b1', [])), /'shape': \(\), \} +\n$/);
  assert.match(new TextDecoder().decode(npyHeader('<i8', [7])), /'shape': \(7,\), \}/);
});

test('.npy big-endian data is byte-swapped, Fortran order is transposed into C order', () => {
  const be = new Uint8Array([0x3f, 0x80, 0, 0, 0x40, 0, 0, 0]); // 1.0, 2.0 as >f4
  assertSameTensor(readNpy(npy("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", be), F), {
    dtype: 'float32',
    shape: [2],
    data: new Float32Array([1, 2]),
  });
  // [[0,1,2],[3,4,5]] stored column-major is 0,3,1,4,2,5.
  const fortran = new Uint8Array(new Int32Array([0, 3, 1, 4, 2, 5]).buffer);
  assertSameTensor(readNpy(npy("{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }", fortran), F), {
    dtype: 'int32',
    shape: [2, 3],
    data: new Int32Array([0, 1, 2, 3, 4, 5]),
  });
  const f3 = Int32Array.from({ length: 24 }, (_, i) => i); // F-order data of a (2,3,4): element (a,b,c) at a + 2b + 6c
  const c3 = new Int32Array(24);
  for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) for (let c = 0; c < 4; c++) c3[a * 12 + b * 4 + c] = a + 2 * b + 6 * c;
  assertSameTensor(readNpy(npy("{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3, 4), }", new Uint8Array(f3.buffer)), F), {
    dtype: 'int32',
    shape: [2, 3, 4],
    data: c3,
  });
});

test('.npy versions 2.0 and 3.0, double quotes, key order and Python 2 longs parse', () => {
  const one = new Uint8Array([5]);
  for (const major of [2, 3]) {
    assertSameTensor(readNpy(npy('{"shape": (1,), "fortran_order": False, "descr": "|u1"}', one, major), F), { dtype: 'uint8', shape: [1], data: one });
  }
  assertSameTensor(readNpy(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (1L,), }", one), F), { dtype: 'uint8', shape: [1], data: one });
});

test('.npy other dtypes need {widen: true}', () => {
  const h = npy("{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", new Uint8Array([0, 0x3c, 0x01, 0x00]));
  assertIoError(() => readNpy(h, F), 'E_FILE_UNSUPPORTED', F, { match: /float16.*widen/ });
  assertSameTensor(readNpy(h, F, { widen: true }), { dtype: 'float32', shape: [2], data: new Float32Array([1, 2 ** -24]) });
  const b2 = npy("{'descr': '<b2', 'fortran_order': False, 'shape': (1,), }", new Uint8Array([0x80, 0x3f]));
  assertSameTensor(readNpy(b2, F, { widen: true }), { dtype: 'float32', shape: [1], data: new Float32Array([1]) });
  const u4 = npy("{'descr': '<u4', 'fortran_order': False, 'shape': (1,), }", new Uint8Array([255, 255, 255, 255]));
  assertSameTensor(readNpy(u4, F, { widen: true }), { dtype: 'int64', shape: [1], data: new BigInt64Array([4294967295n]) });
  const i2 = npy("{'descr': '>i2', 'fortran_order': False, 'shape': (1,), }", new Uint8Array([0xff, 0xfe]));
  assertSameTensor(readNpy(i2, F, { widen: true }), { dtype: 'int32', shape: [1], data: new Int32Array([-2]) });
});

test('hostile .npy: every truncation, bad magic/version, bad headers, huge shapes, wrong lengths', () => {
  assertEveryPrefixFails(writeNpy(sample('float64', [3, 2])), (b) => readNpy(b, F), F);
  assertEveryPrefixFails(writeNpy(sample('bool', [])), (b) => readNpy(b, F), F);
  const good = writeNpy(sample('int32', [2]));
  const badMagic = new Uint8Array(good);
  badMagic[1] = 0x4f;
  assertIoError(() => readNpy(badMagic, F), 'E_FILE_FORMAT', F, { match: /NUMPY/ });
  const badVersion = new Uint8Array(good);
  badVersion[6] = 4;
  assertIoError(() => readNpy(badVersion, F), 'E_FILE_UNSUPPORTED', F, { match: /version 4.0/ });
  const z = new Uint8Array(0);
  const header = (d: string) => () => readNpy(npy(d, z), F);
  assertIoError(header("{'descr': '<f4', 'fortran_order': False}"), 'E_FILE_FORMAT', F, { match: /keys/ });
  assertIoError(header("{'descr': '<f4', 'fortran_order': False, 'shape': (0,), 'extra': 1}"), 'E_FILE_FORMAT', F);
  assertIoError(header("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (0,)}"), 'E_FILE_FORMAT', F, { match: /repeats/ });
  assertIoError(header("{'descr': '<f4', 'fortran_order': 0, 'shape': (0,)}"), 'E_FILE_FORMAT', F);
  assertIoError(header("{'descr': '<f4', 'fortran_order': False, 'shape': (0)}"), 'E_FILE_FORMAT', F, { match: /not a tuple/ });
  assertIoError(header("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}"), 'E_FILE_FORMAT', F);
  assertIoError(header("{'descr': '<f4', 'fortran_order': False, 'shape': (0,)} __import__('os')"), 'E_FILE_FORMAT', F, { match: /after the closing brace/ });
  assertIoError(header("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (0,)}"), 'E_FILE_FORMAT', F, { match: /structured/ });
  assertIoError(header("{'descr': '<U3', 'fortran_order': False, 'shape': (0,)}"), 'E_FILE_UNSUPPORTED', F, { match: /<U3/ });
  assertIoError(header("{'descr': '|f4', 'fortran_order': False, 'shape': (0,)}"), 'E_FILE_FORMAT', F, { match: /byte order/ });
  assertIoError(header(`{'descr': '<f4', 'fortran_order': False, 'shape': (${Array(33).fill(1).join(', ')})}`), 'E_FILE_FORMAT', F, { match: /32 dimensions/ });
  assertIoError(header("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296)}"), 'E_FILE_TOO_LARGE', F, {
    match: /overflows/,
  });
  assertIoError(header("{'descr': '<f8', 'fortran_order': False, 'shape': (100000000000,)}"), 'E_FILE_TRUNCATED', F, {
    match: /needs 800000000000 bytes of data, 0 remain/,
  });
  assertIoError(() => readNpy(concatBytes([good, new Uint8Array(1)]), F), 'E_FILE_FORMAT', F, { match: /unexpected bytes/ });
  const hugeHeader = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0,)}", z, 2);
  new DataView(hugeHeader.buffer).setUint32(8, 0x80000000, true);
  assertIoError(() => readNpy(hugeHeader, F), 'E_FILE_TOO_LARGE', F, { match: /header is 2147483648 bytes/ });
  const notUtf8 = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0,)}", z, 3);
  notUtf8[12] = 0xff;
  assertIoError(() => readNpy(notUtf8, F), 'E_FILE_FORMAT', F, { match: /UTF-8/ });
});
