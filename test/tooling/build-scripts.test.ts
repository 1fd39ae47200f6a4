// The repository's own build and test scripts: the Electron bundles have the shape a sandboxed
// window needs, and the test runner skips empty folders without ever hiding a failure.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let work: string;

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'blocksmith-tooling-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

function runNode(args: string[]) {
  // Without NODE_TEST_CONTEXT, which would make a nested `node --test` act as our child runner.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  return spawnSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8', env });
}

test('build-electron bundles an ESM main and a self-contained CommonJS preload', async () => {
  const outdir = path.join(work, 'electron-dist');
  const build = runNode(['scripts/build-electron.mjs', '--outdir', outdir]);
  assert.equal(build.status, 0, build.stderr);

  const preload = await readFile(path.join(outdir, 'preload.cjs'), 'utf8');
  const required = [...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
  // A sandboxed preload can require only `electron` (and a few Node shims): everything else must
  // be bundled in, and nothing of the engine may be there.
  assert.deepEqual([...new Set(required)], ['electron']);
  assert.doesNotMatch(preload, /engine\//);
  assert.match(preload, /exposeInMainWorld\("api"/);

  const main = await readFile(path.join(outdir, 'main.js'), 'utf8');
  assert.match(main, /^import .* from "electron";$/m);
  assert.match(main, /sandbox: true/);
  assert.match(main, /contextIsolation: true/);
  assert.match(main, /nodeIntegration: false/);
});

test('run-tests skips folders without tests and exits 0 when there is nothing to run', async () => {
  const empty = path.join(work, 'empty');
  await mkdir(empty);
  const run = runNode(['scripts/run-tests.mjs', empty, path.join(work, 'missing')]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /no \*\.test\.ts in .*empty, skipping it/);
  assert.match(run.stdout, /nothing to run/);
});

test('run-tests finds nested tests and passes a failure through', async () => {
  const suite = path.join(work, 'suite', 'nested');
  await mkdir(suite, { recursive: true });
  await writeFile(path.join(suite, 'good.test.ts'), "import { test } from 'node:test';\ntest('good', () => {});\n");
  await writeFile(
    path.join(suite, 'bad.test.ts'),
    "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\ntest('bad', () => assert.equal(1 as number, 2));\n",
  );
  await writeFile(path.join(suite, 'helper.ts'), 'export const notATest = 1;\n');
  const run = runNode(['scripts/run-tests.mjs', path.join(work, 'suite')]);
  assert.equal(run.status, 1);
  assert.match(run.stdout, /^# pass 1$/m);
  assert.match(run.stdout, /^# fail 1$/m);
});
