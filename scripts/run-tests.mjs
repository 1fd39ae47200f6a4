// Runs every *.test.ts under the given folders (or the given test files) with node's built-in test runner (under tsx).
// Node 20's --test does not expand globs, so we collect the files ourselves. Folders that do not
// exist or hold no tests are reported and skipped; failures are never hidden: the exit code is
// the test runner's.
//
//   node scripts/run-tests.mjs test/native test/engine
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

function findTests(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) found.push(...findTests(full));
    } else if (entry.isFile() && entry.name.endsWith('.test.ts')) {
      found.push(full);
    }
  }
  return found;
}

const folders = process.argv.slice(2);
if (folders.length === 0) {
  console.error('usage: node scripts/run-tests.mjs <folder> [<folder> ...]');
  process.exit(2);
}

const files = [];
for (const folder of folders) {
  // A test file may be named directly, too.
  const tests = !existsSync(folder) ? [] : statSync(folder).isFile() ? [folder] : findTests(folder).sort();
  if (tests.length === 0) console.log(`run-tests: no *.test.ts in ${folder}, skipping it`);
  files.push(...tests);
}
if (files.length === 0) {
  console.log('run-tests: nothing to run');
  process.exit(0);
}

const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--import',
    pathToFileURL(path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..', 'test', 'seeded-random.mjs')).href,
    '--test',
    '--test-concurrency=1',
    ...files,
  ],
  { stdio: 'inherit' },
);
if (result.error) throw result.error;
process.exit(result.status ?? 1);
