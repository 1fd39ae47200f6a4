// Cross-checks against numpy, which nobody here wrote: numpy writes .npy/.npz and we read the
// same values; we write .npy/.npz and numpy loads the same values and dtypes (and, for .npy, the
// very same bytes np.save produces).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostTensor, IoDType } from '../../../engine/io/host-tensor';
import { readNpy, writeNpy } from '../../../engine/io/npy-format';
import { readNpz, writeNpz } from '../../../engine/io/npz-format';
import { writeZip } from '../../../engine/io/zip-archive';
import { ALL_DTYPES, SHAPES, assertSameTensor, numpyUnavailable, python, sample } from './io-test-helpers';

const NUMPY_WRITES = String.raw`
import json, sys, numpy as np
d = sys.argv[1]
cases = {
  'f4': np.arange(12, dtype='<f4').reshape(3, 4) / 7,
  'f8': np.linspace(-1e300, 1e300, 5),
  'i4': np.array([-2**31, 2**31 - 1, 0], dtype='<i4'),
  'i8': np.array([[-2**63, 2**63 - 1], [1, -1]], dtype='<i8'),
  'u1': np.arange(256, dtype='u1'),
  'bool': np.array([True, False, True]),
  'scalar': np.array(3.5, dtype='<f8'),
  'empty': np.zeros((0, 3), dtype='<f4'),
  'fortran': np.asfortranarray(np.arange(24, dtype='<i4').reshape(2, 3, 4)),
  'bigendian_f8': np.arange(6, dtype='>f8').reshape(2, 3) - 2.5,
  'bigendian_i4': np.array([1, -2, 3], dtype='>i4'),
  'bigendian_fortran': np.asfortranarray(np.arange(6, dtype='>i8').reshape(3, 2)),
  'large': np.random.default_rng(0).standard_normal((500, 300)).astype('<f4'),
}
manifest = {}
for k, a in cases.items():
  np.save(f'{d}/{k}.npy', a)
  c = np.ascontiguousarray(a, dtype=a.dtype.newbyteorder('<'))
  open(f'{d}/{k}.raw', 'wb').write(c.tobytes(order='C'))
  manifest[k] = {'dtype': a.dtype.name, 'shape': list(a.shape)}
np.savez(f'{d}/pos.npz', cases['f4'], cases['i8'], cases['bool'])
np.savez(f'{d}/named.npz', weight=cases['f4'], bias=cases['scalar'], empty=cases['empty'])
np.savez_compressed(f'{d}/comp.npz', big=cases['large'], fortran=cases['fortran'], be=cases['bigendian_f8'])
print(json.dumps(manifest))
`;

const NUMPY_READS = String.raw`
import io, json, sys, numpy as np
d = sys.argv[1]
m = json.load(open(f'{d}/manifest.json'))
bad = []
for k, info in m['npy'].items():
  a = np.load(f'{d}/{k}.npy')
  raw = np.frombuffer(open(f'{d}/{k}.raw', 'rb').read(), dtype=info['dtype']).reshape(info['shape'])
  if a.dtype.name != info['dtype'] or list(a.shape) != info['shape'] or a.tobytes() != raw.tobytes(): bad.append(k + ': values')
  buf = io.BytesIO(); np.save(buf, raw)
  if buf.getvalue() != open(f'{d}/{k}.npy', 'rb').read(): bad.append(k + ': bytes differ from np.save')
for f, names in m['npz'].items():
  with np.load(f'{d}/{f}') as z:
    if list(z.files) != names: bad.append(f + ': names ' + repr(z.files))
    for n in names:
      raw = np.frombuffer(open(f'{d}/{n}.raw', 'rb').read(), dtype=m['raw'][n]['dtype']).reshape(m['raw'][n]['shape'])
      if z[n].dtype != raw.dtype or z[n].shape != raw.shape or z[n].tobytes() != raw.tobytes(): bad.append(f + ':' + n)
print(json.dumps({'verdict': 'ok' if not bad else 'mismatch', 'bad': bad}))
`;

const NP_NAME: Record<IoDType, string> = { float32: 'float32', float64: 'float64', int32: 'int32', int64: 'int64', uint8: 'uint8', bool: 'bool' };

function rawTensor(raw: Buffer, dtype: IoDType, shape: number[]): HostTensor {
  const b = new Uint8Array(raw).buffer;
  const data = {
    float32: () => new Float32Array(b),
    float64: () => new Float64Array(b),
    int32: () => new Int32Array(b),
    int64: () => new BigInt64Array(b),
    uint8: () => new Uint8Array(b),
    bool: () => new Uint8Array(b),
  }[dtype]();
  return { dtype, shape, data };
}

test('numpy writes .npy/.npz (C and Fortran order, big-endian, bool, int64, 0-d, empty); we read identical values', (t) => {
  const why = numpyUnavailable();
  if (why) {
    t.skip(why);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bs-np-'));
  try {
    const manifest = JSON.parse(python(NUMPY_WRITES, [dir])) as Record<string, { dtype: string; shape: number[] }>;
    const expected = (k: string): HostTensor => {
      const { dtype, shape } = manifest[k]!;
      return rawTensor(readFileSync(join(dir, `${k}.raw`)), dtype as IoDType, shape);
    };
    for (const k of Object.keys(manifest)) assertSameTensor(readNpy(readFileSync(join(dir, `${k}.npy`)), `${k}.npy`), expected(k), k);
    const pos = readNpz(readFileSync(join(dir, 'pos.npz')), 'pos.npz');
    assert.equal(pos.kind, 'list');
    if (pos.kind === 'list') ['f4', 'i8', 'bool'].forEach((k, i) => assertSameTensor(pos.arrays[i]!, expected(k), k));
    const named = readNpz(readFileSync(join(dir, 'named.npz')), 'named.npz');
    assert.equal(named.kind, 'dict');
    if (named.kind === 'dict') {
      assert.deepEqual(
        named.entries.map(([n]) => n),
        ['weight', 'bias', 'empty'],
      );
      ['f4', 'scalar', 'empty'].forEach((k, i) => assertSameTensor(named.entries[i]![1], expected(k), k));
    }
    const comp = readNpz(readFileSync(join(dir, 'comp.npz')), 'comp.npz');
    if (comp.kind === 'dict') ['large', 'fortran', 'bigendian_f8'].forEach((k, i) => assertSameTensor(comp.entries[i]![1], expected(k), k));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('we write .npy/.npz; numpy loads identical values and dtypes, and our .npy bytes equal np.save', (t) => {
  const why = numpyUnavailable();
  if (why) {
    t.skip(why);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bs-np-'));
  try {
    const npy: Record<string, { dtype: string; shape: number[] }> = {};
    const named: [string, HostTensor][] = [];
    for (const dtype of ALL_DTYPES)
      SHAPES.forEach((shape, i) => {
        const name = `${dtype}_${i}`;
        const tensor = sample(dtype, shape);
        writeFileSync(join(dir, `${name}.npy`), writeNpy(tensor));
        writeFileSync(join(dir, `${name}.raw`), new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
        npy[name] = { dtype: NP_NAME[dtype], shape };
        named.push([name, tensor]);
      });
    writeFileSync(join(dir, 'named.npz'), writeNpz({ kind: 'dict', entries: named }));
    writeFileSync(join(dir, 'comp.npz'), writeNpz({ kind: 'dict', entries: named }, { compress: true }));
    const positional = named.slice(0, 3);
    const raw = { ...npy };
    positional.forEach(([n], i) => {
      raw[`arr_${i}`] = npy[n]!;
      writeFileSync(join(dir, `arr_${i}.raw`), readFileSync(join(dir, `${n}.raw`)));
    });
    writeFileSync(join(dir, 'pos.npz'), writeNpz({ kind: 'list', arrays: positional.map(([, x]) => x) }));
    // Our ZIP64 path (forced; numpy itself forces ZIP64 local headers) with deflate.
    const z64 = named.slice(3, 6);
    writeFileSync(
      join(dir, 'z64.npz'),
      writeZip(
        z64.map(([n, x]) => ({ name: `${n}.npy`, data: writeNpy(x) })),
        { forceZip64: true, compress: true },
      ),
    );
    const names = named.map(([n]) => n);
    const manifest = { npy, raw, npz: { 'named.npz': names, 'comp.npz': names, 'pos.npz': ['arr_0', 'arr_1', 'arr_2'], 'z64.npz': z64.map(([n]) => n) } };
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const verdict = JSON.parse(python(NUMPY_READS, [dir])) as { verdict: string; bad: string[] };
    assert.deepEqual(verdict, { verdict: 'ok', bad: [] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
