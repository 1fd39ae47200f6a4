// The README's command-line lines, run exactly as typed on a fresh copy of the checkout: its
// tracked files copied (as a clone has them), node_modules and the native build linked in place
// of `npm ci` (which set-up runs), the command linked by scripts/link-cli.sh (as set-up does) into
// a bin folder put on PATH, then every line of the README's cli-example block in a folder outside
// the checkout. The files they write are read back: ONNX in onnxruntime-node, the .safetensors
// files as models (their embedded document) by `blocksmith export`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let work: string;

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'blocksmith-readme-cli-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

/** The shell lines of the README block after the `cli-example` marker. */
export function readmeCliLines(readme: string): string[] {
  const at = readme.indexOf('<!-- cli-example');
  assert.ok(at >= 0, 'README.md has no <!-- cli-example --> block');
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  assert.ok(block, 'the cli-example marker is not followed by a ```sh block');
  return block[1]!
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** A fresh copy of the checkout: the files git tracks (and new ones it would), as in the working tree. */
async function freshCopy(into: string): Promise<void> {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(listed.status, 0, listed.stderr);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    const from = path.join(repoRoot, file);
    // A file deleted in the working tree but still tracked is not in a clone of it either.
    if (
      !(await stat(from).then(
        (s) => s.isFile(),
        () => false,
      ))
    )
      continue;
    await mkdir(path.dirname(path.join(into, file)), { recursive: true });
    await copyFile(from, path.join(into, file));
  }
  // What `npm ci` would install and build.
  await symlink(path.join(repoRoot, 'node_modules'), path.join(into, 'node_modules'));
  await mkdir(path.join(into, 'native'), { recursive: true });
  await symlink(path.join(repoRoot, 'native/build'), path.join(into, 'native/build'));
}

test("the README's blocksmith lines work as typed from a folder outside the checkout", { timeout: 300_000 }, async () => {
  const lines = readmeCliLines(await readFile(path.join(repoRoot, 'README.md'), 'utf8'));
  assert.ok(lines.length >= 2 && lines.every((l) => l.startsWith('blocksmith ')), `unexpected README lines: ${lines.join(' | ')}`);
  const clone = path.join(work, 'blocksmith');
  await freshCopy(clone);
  const bin = path.join(work, 'bin');
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const linked = spawnSync('bash', [path.join(clone, 'scripts/link-cli.sh')], { encoding: 'utf8', env: { ...env, BLOCKSMITH_BIN_DIR: bin } });
  assert.equal(linked.status, 0, linked.stderr);
  assert.match(linked.stdout, /linked the blocksmith command/);

  // Where a person keeps their models: not the checkout, and the document saved from the editor.
  const models = path.join(work, 'models');
  await mkdir(models);
  // The chapter's MLP made to fit the two-spirals data (two inputs, two classes), as the README says.
  const mlp = JSON.parse(await readFile(path.join(repoRoot, 'assets/examples/mlp.json'), 'utf8')) as {
    input: { shape: number[] };
    nodes: { kind: string; attrs?: Record<string, unknown> }[];
  };
  mlp.input.shape = [-1, 2];
  const dense = mlp.nodes.filter((n) => n.kind === 'Dense');
  dense.at(-1)!.attrs = { ...dense.at(-1)!.attrs, units: 2 };
  await writeFile(path.join(models, 'net.json'), JSON.stringify(mlp));
  const shellEnv = { ...env, PATH: `${bin}${path.delimiter}${env.PATH ?? ''}` };
  for (const line of lines) {
    const run = spawnSync('bash', ['-c', line], { cwd: models, encoding: 'utf8', env: shellEnv });
    assert.equal(run.status, 0, `${line}\n${run.stdout}\n${run.stderr}`);
    if (line === 'blocksmith help') assert.match(run.stdout, /blocksmith export .*blocksmith train/s);
  }

  // What the lines wrote, read back by other readers.
  const onnx = path.join(models, 'net.onnx');
  if (lines.some((l) => l.includes('--onnx net.onnx'))) {
    const session = await ort.InferenceSession.create(onnx);
    const x = new ort.Tensor('float32', new Float32Array(3 * 2).fill(0.5), [3, 2]);
    const out = await session.run({ [session.inputNames[0]!]: x });
    assert.deepEqual(out[session.outputNames[0]!]!.dims, [3, 2]);
  }
  for (const file of ['net.safetensors', 'trained.safetensors'].filter((f) => lines.some((l) => l.includes(f)))) {
    // A weight file that carries its document opens as a model: export it again from the file alone.
    const again = spawnSync('bash', ['-c', `blocksmith export ${file} --npz again.npz`], { cwd: models, encoding: 'utf8', env: shellEnv });
    assert.equal(again.status, 0, `${file}: ${again.stderr}`);
  }
});
