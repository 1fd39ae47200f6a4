// `blocksmith train` as a user runs it: spirals with --save-params and a checkpoint directory, then
// `blocksmith params` on the saved file; --resume from the checkpoint; usage errors exit 1.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { spiralsDocument } from '../support/chain-document.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let work: string;
let doc: string;

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/blocksmith.mjs'), ...args], { encoding: 'utf8', timeout: 120000, cwd: work });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'blocksmith-train-cli-'));
  doc = path.join(work, 'spirals.json');
  await writeFile(doc, JSON.stringify(spiralsDocument(32)));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

test('train on spirals, save the parameters, list them with `blocksmith params`', () => {
  const r = cli(
    'train',
    doc,
    '--data',
    'spirals',
    '--epochs',
    '5',
    '--optimizer',
    'adam',
    '--lr',
    '0.02',
    '--batch-size',
    '32',
    '--save-params',
    'spirals.params',
    '--checkpoint-dir',
    'ckpt',
    '--checkpoint-every',
    '25',
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^training .* on 800 samples \(200 for validation\), 125 steps$/m);
  assert.equal(r.stdout.match(/^epoch \d\/5 {2}loss \d\.\d{4} {2}acc \d\.\d{4} {2}val_loss \d\.\d{4} {2}val_acc \d\.\d{4}/gm)?.length, 5);
  assert.match(r.stdout, /^finished after 125 steps/m);
  assert.deepEqual(readdirSync(path.join(work, 'ckpt')).sort(), [25, 50, 75, 100, 125].map((s) => `checkpoint-step${s}.npz`).sort());
  const p = cli('params', 'spirals.params');
  assert.equal(p.status, 0, p.stderr);
  assert.match(p.stdout, /spirals\.params: mxnet, 4 array\(s\)/);
  assert.match(p.stdout, /0\.weight +\(32, 2\) +float32/);
  assert.match(p.stdout, /1\.bias +\(2,\) +float32/);
});

test('--resume continues from a checkpoint (--json prints the run)', () => {
  const ckpt = path.join('ckpt', 'checkpoint-step50.npz');
  assert.ok(existsSync(path.join(work, ckpt)));
  const r = cli('train', doc, '--data', 'spirals', '--epochs', '5', '--optimizer', 'adam', '--lr', '0.02', '--batch-size', '32', '--resume', ckpt, '--json');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { state: string; step: number; history: unknown[] };
  assert.equal(out.state, 'finished');
  assert.equal(out.step, 125);
  assert.equal(out.history.length, 5);
});

test('usage and data errors exit 1 with a message', () => {
  const noData = cli('train', doc, '--epochs', '1');
  assert.equal(noData.status, 1);
  assert.match(noData.stderr, /--data is required/);
  const badOpt = cli('train', doc, '--data', 'spirals', '--epochs', '1', '--optimizer', 'rmsprop');
  assert.equal(badOpt.status, 1);
  assert.match(badOpt.stderr, /--optimizer must be sgd, adam or adamw/);
  const missing = cli('train', doc, '--data', 'missing.csv', '--epochs', '1');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /E_DATA: missing\.csv: cannot read the file \(ENOENT\)/);
});
