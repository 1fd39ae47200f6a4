// Issue 12, items 4, 7, 8 and 9 at the file layer: .npz zip bombs are refused from their
// directory before anything inflates, 60k empty entries read in linear time, temporary files of a
// killed writer are cleaned up, and FIFOs and devices are refused instead of read (or waited on).
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as zlib from 'node:zlib';
import { readArrayFileInfo, writeArrayFile, writeFileAtomic } from '../../../engine/io/array-file';
import { readZip, writeZip } from '../../../engine/io/zip-archive';
import { cleanStaleTempsOf, sweepStaleTemps } from '../../../engine/io/temp-files';
import { ByteWriter } from '../../../engine/io/byte-reader';
import { IoError } from '../../../engine/io/io-error';
import { REPO_ROOT } from './io-test-helpers';

/** The promise rejects with an IoError of this code whose message matches. */
async function expectIoError(promise: Promise<unknown>, code: string, match: RegExp): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof IoError, `expected IoError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.match(caught.message, match);
}

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'blocksmith-hostile-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A ZIP holding deflated entries given as raw deflate bytes with their real size and CRC. */
function zipOf(entries: { name: string; packed: Uint8Array; size: number; crc: number }[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central = new ByteWriter();
  let offset = 0;
  for (const e of entries) {
    const name = new TextEncoder().encode(e.name);
    const local = new ByteWriter()
      .u32(0x04034b50)
      .u16(20)
      .u16(0)
      .u16(8)
      .u16(0)
      .u16(0x21)
      .u32(e.crc)
      .u32(e.packed.length)
      .u32(e.size)
      .u16(name.length)
      .u16(0)
      .bytes(name)
      .finish();
    central
      .u32(0x02014b50)
      .u16(20)
      .u16(20)
      .u16(0)
      .u16(8)
      .u16(0)
      .u16(0x21)
      .u32(e.crc)
      .u32(e.packed.length)
      .u32(e.size)
      .u16(name.length)
      .u16(0)
      .u16(0)
      .u16(0)
      .u16(0)
      .u32(0)
      .u32(offset)
      .bytes(name);
    parts.push(local, e.packed);
    offset += local.length + e.packed.length;
  }
  const cd = central.finish();
  const end = new ByteWriter().u32(0x06054b50).u16(0).u16(0).u16(entries.length).u16(entries.length).u32(cd.length).u32(offset).u16(0).finish();
  return Buffer.concat([...parts, cd, end]);
}

/** An honest .npy entry of 1 GiB of float32 zeros, deflated to about 1 MB (sync-flushed chunks). */
function gibEntry(name: string): { name: string; packed: Uint8Array; size: number; crc: number } {
  const count = 2 ** 28; // float32: 1 GiB
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${count},), }`;
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const head = Buffer.concat([
    Buffer.from([0x93]),
    Buffer.from('NUMPY'),
    Buffer.from([1, 0]),
    Buffer.from(new Uint16Array([header.length]).buffer),
    Buffer.from(header, 'latin1'),
  ]);
  const chunk = Buffer.alloc(64 * 2 ** 20);
  const sync = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const zeros = zlib.deflateRawSync(chunk, sync);
  const crc32 = (zlib as unknown as { crc32(d: Uint8Array, v?: number): number }).crc32;
  let crc = crc32(head);
  const parts: Buffer[] = [zlib.deflateRawSync(head, sync)];
  for (let i = 0; i < 16; i++) {
    parts.push(zeros);
    crc = crc32(chunk, crc);
  }
  parts.push(zlib.deflateRawSync(Buffer.alloc(0)));
  return { name, packed: Buffer.concat(parts), size: head.length + count * 4, crc };
}

describe('.npz zip bombs (item 4)', () => {
  let one: string;
  let four: string;
  before(async () => {
    const entry = gibEntry('big.npy');
    one = join(dir, 'bomb1.npz');
    await writeFile(one, zipOf([entry]));
    four = join(dir, 'bomb4.npz');
    await writeFile(four, zipOf(['a', 'b', 'c', 'd'].map((n) => ({ ...entry, name: `${n}.npy` }))));
  });

  test('a 1 MB file with one honest 1 GiB entry is refused before it inflates', async () => {
    const before = process.memoryUsage().rss;
    await expectIoError(readArrayFileInfo(one), 'E_FILE_TOO_LARGE', /declare \d+ bytes when decompressed, over the \d+-byte limit/);
    // Nothing near a gigabyte was allocated (the bug took 3.25 GB).
    assert.ok(process.memoryUsage().rss - before < 256 * 2 ** 20, 'memory stays flat');
  });

  test('four such entries are refused the same way', async () => {
    await expectIoError(readArrayFileInfo(four), 'E_FILE_TOO_LARGE', /over the \d+-byte limit/);
  });

  test('the caller bounds what it accepts; a stored (uncompressed) archive is bounded by its own size', async () => {
    const small = join(dir, 'small.npz');
    await writeArrayFile(small, { w: { dtype: 'float32', shape: [1000], data: new Float32Array(1000) } }, { compress: true });
    await expectIoError(readArrayFileInfo(small, { maxDecodedBytes: 1000 }), 'E_FILE_TOO_LARGE', /over the 1000-byte limit/);
    assert.deepEqual((await readArrayFileInfo(small, { maxDecodedBytes: 10_000 })).format, 'npz');
    const stored = join(dir, 'stored.npz');
    await writeArrayFile(stored, { w: { dtype: 'float32', shape: [1000], data: new Float32Array(1000) } });
    assert.equal((await readArrayFileInfo(stored, { maxDecodedBytes: 10 })).format, 'npz');
  });
});

describe('linear .npz reading (item 7)', () => {
  test('60k empty entries read, and overlapping entries are still refused', () => {
    const entries = Array.from({ length: 60_000 }, (_, i) => ({ name: `e${i}`, data: new Uint8Array(0) }));
    const bytes = writeZip(entries);
    const back = readZip(bytes, 'many.zip');
    assert.equal(back.length, 60_000);
    assert.equal(back[59_999]!.name, 'e59999');
    // Two directory entries pointing at one local header: the overlap the check exists for.
    const twice = zipOf([{ name: 'x', packed: zlib.deflateRawSync(Buffer.from('hello')), size: 5, crc: 0x3610a686 }]);
    const cdAt = twice.length - 22 - 47;
    const cd = twice.subarray(cdAt, twice.length - 22);
    const renamed = Buffer.from(cd);
    renamed[46] = 0x79; // a second name, 'y', same local offset
    const end = Buffer.from(twice.subarray(twice.length - 22));
    end.writeUInt16LE(2, 8);
    end.writeUInt16LE(2, 10);
    end.writeUInt32LE(cd.length * 2, 12);
    const bomb = Buffer.concat([twice.subarray(0, cdAt), cd, renamed, end]);
    assert.throws(() => readZip(bomb, 'overlap.zip'), /names it differently|overlaps/);
  });
});

describe('non-regular files (item 9)', () => {
  test('a FIFO is refused at once instead of blocking, for reads and writes', async (t) => {
    const fifo = join(dir, 'pipe.npy');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return t.skip('mkfifo is not available');
    await expectIoError(readArrayFileInfo(fifo), 'E_FILE_NOT_REGULAR', /not a regular file/);
    await expectIoError(writeFileAtomic(fifo, new Uint8Array(4)), 'E_FILE_NOT_REGULAR', /only regular files are written/);
    await expectIoError(Promise.all([1, 2, 3, 4].map(() => readArrayFileInfo(fifo))), 'E_FILE_NOT_REGULAR', /FIFO/);
  });

  test('/dev/zero (stat says size 0) is refused, not read past the cap', async (t) => {
    if (!existsSync('/dev/zero')) return t.skip('no /dev/zero');
    await expectIoError(readArrayFileInfo('/dev/zero', { maxBytes: 64 * 2 ** 20 }), 'E_FILE_NOT_REGULAR', /device/);
  });
});

describe('temporary files after a kill (item 8)', () => {
  /** A writer killed with SIGKILL in the middle of an atomic save; resolves the temp file it left. */
  async function killedWriter(target: string, journal: string): Promise<string> {
    const script = `import { writeFileAtomic } from ${JSON.stringify(join(REPO_ROOT, 'engine/io/array-file.ts'))};
      await writeFileAtomic(${JSON.stringify(target)}, new Uint8Array(1 << 20), { beforeRename: () => { console.log('ready'); return new Promise(() => {}); } });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: REPO_ROOT,
      env: { ...process.env, BLOCKSMITH_TEMP_JOURNAL: journal },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (d: Buffer) => {
        if (String(d).includes('ready')) resolve();
      }),
    );
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    const left = (await readdir(join(target, '..'))).filter((n) => n.endsWith('.tmp'));
    assert.equal(left.length, 1, 'the killed writer left its temporary file');
    return join(target, '..', left[0]!);
  }

  test("the start-up sweep removes a killed writer's temporary file (from its journal)", async () => {
    const folder = join(dir, 'sweep');
    const journal = join(dir, 'journal-a');
    await mkdir(folder);
    const tmp = await killedWriter(join(folder, 'net.params'), journal);
    const saved = process.env.BLOCKSMITH_TEMP_JOURNAL;
    process.env.BLOCKSMITH_TEMP_JOURNAL = journal;
    try {
      assert.equal(await sweepStaleTemps(), 1);
    } finally {
      if (saved === undefined) delete process.env.BLOCKSMITH_TEMP_JOURNAL;
      else process.env.BLOCKSMITH_TEMP_JOURNAL = saved;
    }
    assert.equal(existsSync(tmp), false);
    assert.deepEqual(await readdir(journal), [], 'the journal of the dead writer is gone too');
  });

  test("writing a target cleans its stale temporary files, and leaves a live writer's alone", async () => {
    const folder = join(dir, 'next-to');
    await mkdir(folder);
    const target = join(folder, 'doc.json');
    const stale = await killedWriter(target, join(dir, 'journal-b'));
    const live = join(folder, `.doc.json.${process.pid}.0123456789ab.tmp`);
    await writeFile(live, 'in progress');
    await writeFileAtomic(target, new Uint8Array([1, 2, 3]));
    assert.equal(existsSync(stale), false);
    assert.equal(existsSync(live), true);
    assert.equal(await cleanStaleTempsOf(target), 0);
    execFileSync('rm', [live]);
  });
});

describe('non-regular files in the training data readers (item 9)', () => {
  test('inspectDataFile and a CSV data source refuse a FIFO instead of waiting on it', async (t) => {
    const fifo = join(dir, 'data.csv');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return t.skip('mkfifo is not available');
    const { inspectDataFile } = await import('../../../engine/train/data/inspect.ts');
    const { loadDataSource } = await import('../../../engine/train/data/sources.ts');
    await assert.rejects(inspectDataFile(fifo, 'csv'), /not a regular file/);
    await assert.rejects(loadDataSource({ kind: 'csv', path: fifo } as never), /not a regular file/);
    await assert.rejects(inspectDataFile('/dev/zero', 'csv'), /not a regular file/);
  });
});
