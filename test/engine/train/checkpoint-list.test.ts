// listCheckpoints (what the editor's checkpoint list shows): only the files runs write, ordered by
// step as a number (step10 after step9), a directory not created yet holds none, and a path that
// is a file is an error naming it.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { checkpointFileName, listCheckpoints } from '../../../engine/train/checkpoint.ts';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

test('lists checkpoint-step<N>.npz files by numeric step, with size and absolute path', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'blocksmith-ckpt-list-'));
  dirs.push(dir);
  for (const step of [10, 9, 120]) await writeFile(join(dir, checkpointFileName(step)), Buffer.alloc(step));
  await writeFile(join(dir, 'notes.txt'), 'x');
  await writeFile(join(dir, 'checkpoint-stepX.npz'), 'x');
  await writeFile(join(dir, 'checkpoint-step5.npz.tmp'), 'x');
  await mkdir(join(dir, 'checkpoint-step7.npz'));
  const list = await listCheckpoints(dir);
  assert.deepEqual(
    list.map((c) => c.step),
    [9, 10, 120],
  );
  assert.deepEqual(
    list.map((c) => c.bytes),
    [9, 10, 120],
  );
  assert.equal(list[0]!.path, join(dir, 'checkpoint-step9.npz'));
  assert.ok(list.every((c) => c.modified > 0));
});

test('a directory that does not exist yet has no checkpoints; a file in its place is an I/O error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'blocksmith-ckpt-list-'));
  dirs.push(dir);
  assert.deepEqual(await listCheckpoints(join(dir, 'not-yet')), []);
  const file = join(dir, 'plain.txt');
  await writeFile(file, 'x');
  await assert.rejects(
    listCheckpoints(file),
    (e: { code?: string; message?: string }) => e.code === 'E_FILE_IO' && /plain\.txt.*cannot list the checkpoint directory \(ENOTDIR\)/.test(e.message ?? ''),
  );
});
