// Runs the ```ts blocks of a documentation page against the engine, so a page cannot drift from
// the API: the first block holds the imports (rewritten to absolute URLs), every other block runs
// in its own scope, in order, in one module.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const engineDir = new URL('../../../engine/', import.meta.url).href;

export async function runDocExamples(docPath: URL, minBlocks: number): Promise<void> {
  const text = readFileSync(docPath, 'utf8');
  const blocks = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  assert.ok(blocks.length >= minBlocks, `found ${blocks.length} ts blocks, expected at least ${minBlocks}`);
  const [importBlock, ...examples] = blocks;
  const header = importBlock!.trim().replaceAll("'./engine/", `'${engineDir}`);
  const dir = mkdtempSync(join(tmpdir(), 'doc-examples-'));
  try {
    const file = join(dir, 'examples.mts');
    writeFileSync(file, `${header}\n${examples.map((b) => `{\n${b}\n}`).join('\n')}\nexport const ran = true;\n`);
    const mod = (await import(pathToFileURL(file).href)) as { ran: boolean };
    assert.equal(mod.ran, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
