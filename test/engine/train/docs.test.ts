// The examples in docs/training.md run: the ```ts blocks are executed (each in its own scope)
// against the engine, so the page cannot drift from the API.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const docPath = new URL('../../../docs/training.md', import.meta.url);
const engineUrl = new URL('../../../engine/', import.meta.url).href;

test('docs/training.md examples run', async () => {
  const text = readFileSync(docPath, 'utf8');
  const blocks = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  assert.ok(blocks.length >= 7, `found ${blocks.length} ts blocks`);
  const [importBlock, ...examples] = blocks;
  const header = importBlock!.trim().replaceAll("'./engine/", `'${engineUrl}`);
  const dir = mkdtempSync(join(tmpdir(), 'training-docs-'));
  try {
    const file = join(dir, 'examples.mts');
    writeFileSync(file, `${header}\n${examples.map((b) => `{\n${b}\n}`).join('\n')}\nexport const ran = true;\n`);
    const mod = (await import(pathToFileURL(file).href)) as { ran: boolean };
    assert.equal(mod.ran, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
