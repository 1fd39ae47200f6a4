import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ArrayFileContent,
  decodeArrayFile,
  readArrayFile,
  readArrayFileInfo,
  sniffFormat,
  writeArrayFile,
  writeFileAtomic,
} from '../../../engine/io/array-file';
import { IoError } from '../../../engine/io/io-error';
import type { HostTensor } from '../../../engine/io/host-tensor';
import { writeNpz } from '../../../engine/io/npz-format';
import { assertIoError, assertSameTensor, fixturePath, sample } from './io-test-helpers';

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bs-io-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

async function rejects(p: Promise<unknown>, code: string, match?: RegExp): Promise<IoError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof IoError, String(e));
    assert.equal(e.code, code, e.message);
    if (match) assert.match(e.message, match);
    return e;
  }
  assert.fail(`expected ${code}`);
}

const w = sample('float32', [2, 3]);
const b = sample('int64', [3]);

test(
  'every format round-trips through files, returning the structure it was given',
  withDir(async (dir) => {
    const check = (got: ArrayFileContent, want: ArrayFileContent) => {
      if (Array.isArray(want)) {
        assert.ok(Array.isArray(got));
        want.forEach((t, i) => assertSameTensor((got as HostTensor[])[i]!, t));
      } else if ('dtype' in want && 'data' in want && ArrayBuffer.isView(want.data)) {
        assertSameTensor(got as HostTensor, want as HostTensor);
      } else {
        const g = got as Record<string, HostTensor>;
        assert.deepEqual(Object.keys(g).sort(), Object.keys(want).sort()); // safetensors orders by alignment
        for (const k of Object.keys(want)) assertSameTensor(g[k]!, (want as Record<string, HostTensor>)[k]!);
      }
    };
    const cases: [string, ArrayFileContent][] = [
      ['a.npy', w],
      ['list.params', [w, b]],
      ['dict.params', { dense0_weight: w, dense0_bias: b }],
      ['x.nd', [b]],
      ['list.npz', [w, b]],
      ['dict.npz', { weight: w, '0.bias': b }],
      ['m.safetensors', { 'dense0.weight': w, ['__proto__']: b }],
    ];
    for (const [name, content] of cases) {
      const path = join(dir, name);
      await writeArrayFile(path, content);
      check(await readArrayFile(path), content);
    }
    await writeArrayFile(join(dir, 'c.npz'), { w }, { compress: true });
    check(await readArrayFile(join(dir, 'c.npz')), { w });
    await writeArrayFile(join(dir, 'meta.safetensors'), { w }, { metadata: { graph: '{"v":1}' } });
    const info = await readArrayFileInfo(join(dir, 'meta.safetensors'));
    assert.equal(info.format, 'safetensors');
    assert.deepEqual({ ...info.metadata }, { graph: '{"v":1}' });
    // No temporary files are left behind.
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
    );
  }),
);

test(
  'formats are sniffed by magic before extension (a 2.0 .params is an .npz)',
  withDir(async (dir) => {
    const npz = writeNpz({ kind: 'dict', entries: [['arg:0.weight', w]] });
    assert.equal(sniffFormat(npz, 'net-0000.params'), 'npz');
    writeFileSync(join(dir, 'net-0000.params'), npz);
    const got = (await readArrayFile(join(dir, 'net-0000.params'))) as Record<string, HostTensor>;
    assertSameTensor(got['arg:0.weight']!, w);
    const fixture = fixturePath('mxnet', 'legacy_ndarray.v0');
    if (fixture) {
      assert.equal(sniffFormat(readFileSync(fixture), fixture), 'mxnet');
      assert.equal(((await readArrayFile(fixture)) as HostTensor[]).length, 6);
    }
    assert.equal(sniffFormat(new Uint8Array([1, 2, 3]), 'x.bin'), undefined);
    assertIoError(() => decodeArrayFile(new Uint8Array([1, 2, 3]), 'x.bin'), 'E_FILE_FORMAT', 'x.bin', { match: /not a recognised array file/ });
    // An unknown magic with a known extension goes to that reader, which says what is wrong.
    assertIoError(() => decodeArrayFile(new Uint8Array(30), 'x.npy'), 'E_FILE_FORMAT', 'x.npy', { match: /NUMPY/ });
  }),
);

test(
  'reads are bounded by a size limit and report missing files',
  withDir(async (dir) => {
    const path = join(dir, 'big.npy');
    await writeArrayFile(path, sample('float64', [1000]));
    const e = await rejects(readArrayFile(path, { maxBytes: 4096 }), 'E_FILE_TOO_LARGE', /over the 4096-byte limit/);
    assert.equal(e.file, path);
    await rejects(readArrayFile(join(dir, 'missing.params')), 'E_FILE_IO', /ENOENT/);
  }),
);

test(
  'writers refuse content that does not fit the format',
  withDir(async (dir) => {
    await rejects(writeArrayFile(join(dir, 'a.npy'), [w]), 'E_FILE_CONTENT', /exactly one tensor/);
    await rejects(writeArrayFile(join(dir, 'a.params'), w), 'E_FILE_CONTENT', /\[tensor\] or \{name: tensor\}/);
    await rejects(writeArrayFile(join(dir, 'a.safetensors'), [w]), 'E_FILE_CONTENT', /named tensors only/);
    await rejects(writeArrayFile(join(dir, 'a.bin'), [w]), 'E_FILE_CONTENT', /pass \{format/);
    await rejects(writeArrayFile(join(dir, 'a.params'), [w], { compress: true }), 'E_FILE_CONTENT', /\.npz only/);
    assert.deepEqual(readdirSync(dir), []);
  }),
);

test(
  'atomic write: a failing write leaves no partial file and the previous file intact',
  withDir(async (dir) => {
    const path = join(dir, 'net.params');
    await writeArrayFile(path, { w });
    const before = readFileSync(path);
    // Fails after the new bytes are fully written and synced, just before the rename.
    await assert.rejects(
      writeFileAtomic(path, new Uint8Array(1 << 20), {
        beforeRename: () => {
          throw new Error('disk pulled');
        },
      }),
      /disk pulled/,
    );
    assert.deepEqual(readFileSync(path), before);
    assert.deepEqual(readdirSync(dir), ['net.params']);
    // Fails while encoding (a malformed tensor): nothing is written at all.
    const bad = { dtype: 'float32', shape: [4], data: new Float32Array(3) } as HostTensor;
    await rejects(writeArrayFile(path, { w: bad }), 'E_FILE_CONTENT');
    assert.deepEqual(readFileSync(path), before);
    // Fails at the OS level (the target is a directory, so rename fails): temp file removed.
    const asDir = join(dir, 'taken.npy');
    mkdirSync(join(asDir, 'child'), { recursive: true });
    await rejects(writeArrayFile(asDir, w), 'E_FILE_IO');
    assert.deepEqual(readdirSync(dir).sort(), ['net.params', 'taken.npy']);
    assert.ok(existsSync(join(asDir, 'child')));
    // A missing directory fails cleanly too.
    await rejects(writeArrayFile(join(dir, 'no', 'such', 'dir.npy'), w), 'E_FILE_IO', /ENOENT/);
  }),
);

test(
  'a 2^20-element tensor round-trips through every format',
  withDir(async (dir) => {
    const big: HostTensor = { dtype: 'float32', shape: [1024, 1024], data: Float32Array.from({ length: 1 << 20 }, (_, i) => Math.sin(i)) };
    for (const [name, content] of [
      ['big.npy', big],
      ['big.params', [big]],
      ['big.npz', { big }],
      ['big.safetensors', { big }],
    ] as const) {
      await writeArrayFile(join(dir, name), content as ArrayFileContent, name === 'big.npz' ? { compress: true } : {});
      const got = await readArrayFile(join(dir, name));
      assertSameTensor(Array.isArray(got) ? got[0]! : 'big' in got ? (got as Record<string, HostTensor>).big! : (got as HostTensor), big, name);
    }
  }),
);
