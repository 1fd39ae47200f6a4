// The examples in docs/engine.md run: each ```ts block is executed (in its own scope) against the
// engine, so the documentation cannot drift from the API.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const docPath = new URL('../../docs/engine.md', import.meta.url);
const engineUrl = new URL('../../engine/index.ts', import.meta.url).href;

test('docs/engine.md examples run', async () => {
  const text = readFileSync(docPath, 'utf8');
  const blocks = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  assert.ok(blocks.length >= 8, `found ${blocks.length} ts blocks`);
  const [importBlock, ...examples] = blocks;
  const header = importBlock!.trim().replace("'./engine/index.ts'", `'${engineUrl}'`);
  const dir = mkdtempSync(join(tmpdir(), 'engine-docs-'));
  try {
    const file = join(dir, 'examples.mts');
    writeFileSync(file, `${header}\n${examples.map((b) => `{\n${b}\n}`).join('\n')}\nexport const ran = true;\n`);
    const mod = (await import(pathToFileURL(file).href)) as { ran: boolean };
    assert.equal(mod.ran, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
