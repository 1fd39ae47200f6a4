// `blocksmith train --data FILE.txt` and `blocksmith generate` as a user runs them: the
// char-transformer example trains briefly on the shipped text and saves its parameters, then
// generate loads them and prints the prompt followed by the requested number of characters, all
// from the text's characters. Flag mistakes exit 1 with a message.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const doc = path.join(root, 'assets/examples/char-transformer.json');
const text = path.join(root, 'assets/text/tiny-tales.txt');
let work: string;

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/blocksmith.mjs'), ...args], { encoding: 'utf8', timeout: 120000, cwd: work });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'blocksmith-text-cli-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

test('train the char-transformer on a .txt file, then generate text from the saved parameters', () => {
  const r = cli(
    'train',
    doc,
    '--data',
    text,
    '--stride',
    '8',
    '--epochs',
    '1',
    '--batch-size',
    '32',
    '--optimizer',
    'adam',
    '--lr',
    '0.01',
    '--save-params',
    'lm.safetensors',
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^training .* on \d+ samples \(\d+ for validation\), \d+ steps$/m);
  assert.match(r.stdout, /^finished after \d+ steps/m);
  const g = cli('generate', doc, '--params', 'lm.safetensors', '--text', text, '--prompt', 'once ', '--length', '25', '--seed', '2', '--json');
  assert.equal(g.status, 0, g.stderr);
  const answer = JSON.parse(g.stdout) as { text: string; generated: string; context: number };
  const characters = new Set(Array.from(readFileSync(text, 'utf8')));
  assert.equal(Array.from(answer.generated).length, 25);
  assert.equal(answer.text, `once ${answer.generated}`);
  assert.equal(answer.context, 32);
  assert.ok(
    Array.from(answer.generated).every((c) => characters.has(c)),
    answer.generated,
  );
});

test('text flags are checked', () => {
  const w = cli('train', doc, '--data', 'spirals', '--window', '8', '--epochs', '1');
  assert.equal(w.status, 1);
  assert.match(w.stderr, /--window and --stride apply to a \.txt text file/);
  const g = cli('generate', doc, '--text', text);
  assert.equal(g.status, 1);
  assert.match(g.stderr, /--params is required/);
});
