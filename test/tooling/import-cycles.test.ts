// The lint step that fails on import cycles (scripts/import-cycles.mjs): it finds a cycle of value
// imports, ignores one that only types cross, and the project itself has none.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'import-cycles.mjs');
const run = (root: string) => spawnSync(process.execPath, [SCRIPT, root], { encoding: 'utf8' });

test('a cycle of value imports fails with its files named; a type-only cycle passes', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'blocksmith-cycles-'));
  try {
    await mkdir(path.join(dir, 'engine', 'sub'), { recursive: true });
    await writeFile(path.join(dir, 'engine', 'a.ts'), "import { b } from './sub/b.ts';\nexport const a = () => b;\n");
    await writeFile(
      path.join(dir, 'engine', 'sub', 'b.ts'),
      "import type { T } from '../c.ts';\nimport { c } from '../c';\nexport const b = (x: T) => c(x);\n",
    );
    await writeFile(path.join(dir, 'engine', 'c.ts'), "import { type A } from './a.ts';\nexport type T = A;\nexport const c = (x: unknown) => x;\n");
    // c → a is type-only: no value cycle yet.
    assert.equal(run(dir).status, 0);
    await writeFile(path.join(dir, 'engine', 'c.ts'), "import { a } from './a.ts';\nexport type T = number;\nexport const c = (x: unknown) => (x ? a : x);\n");
    const failed = run(dir);
    assert.equal(failed.status, 1);
    assert.match(failed.stderr, /engine\/a\.ts, engine\/c\.ts, engine\/sub\/b\.ts/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the project has no cycle of value imports', () => {
  const r = run(ROOT);
  assert.equal(r.status, 0, r.stderr);
});
