// Browser test of text data and generation, against the real web host and engine: open the
// char-transformer example, pick the shipped text (assets/text/tiny-tales.txt) as the Training
// tab's data, train one short epoch, then Generate: the text shown starts with the prompt and has
// the requested number of characters after it, all from the text. Then Run: the Parameters tab
// shows each attention layer's maps, one canvas heatmap per head, drawn with a causal pattern
// (nothing above the diagonal). Screenshots: char-transformer-tie.png (the tie
// between the Embedding and the output Dense drawn as a dashed arc), text-generation.png, attention-maps.png.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { canvasNode, editorSuite, repoRoot, screenshot, skip } from './editor-harness.ts';

const suite = editorSuite();
const page = suite.page;
const TEXT = path.join(repoRoot, 'assets/text/tiny-tales.txt');

async function setField(p: Page, label: string, value: string) {
  const field = p.getByTestId('training-settings').first().getByLabel(label, { exact: true });
  if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
  else await field.fill(value);
}

test('pick a text file in the Training tab, train a few steps, generate text', { skip, timeout: 120_000 }, async () => {
  const p = page();
  await p.getByLabel('Open example').selectOption('char-transformer');
  await canvasNode(p, 'embedding0').waitFor();
  // The output Dense shares the Embedding's weight: the tie is drawn as its own (dashed) edge.
  const tie = p.getByTestId('tie-edge');
  await tie.waitFor();
  assert.equal(await tie.count(), 1);
  assert.equal(await tie.locator('text').textContent(), 'dense0.weight tied to embedding0.weight');
  await screenshot(p, 'char-transformer-tie');
  await p.getByRole('tab', { name: /Training/ }).click();
  await p.getByTestId('training-panel').waitFor();
  await setField(p, 'data', 'text');
  await setField(p, 'text file', TEXT);
  await setField(p, 'window', '16');
  await setField(p, 'optimizer', 'adam');
  await setField(p, 'learning rate', '0.01');
  await setField(p, 'batch size', '64');
  await setField(p, 'epochs', '1');
  await p.getByTestId('generate-section').waitFor();
  await p.getByRole('button', { name: 'Start fresh', exact: true }).click();
  await p
    .getByTestId('training-state')
    .filter({ hasText: /^finished$/ })
    .waitFor({ timeout: 90_000 });
  assert.equal(await p.getByTestId('training-error').count(), 0);
  // Ln 28 ≈ 3.3 for a model that knows nothing; one epoch already does better.
  assert.ok(Number(await p.getByTestId('loss-readout').textContent()) < 3.3);

  const generate = p.getByTestId('generate-section');
  await generate.getByLabel('prompt', { exact: true }).fill('the ');
  await generate.getByLabel('length', { exact: true }).fill('60');
  await generate.getByLabel('temperature', { exact: true }).fill('0.7');
  await generate.getByRole('button', { name: 'Generate', exact: true }).click();
  const shown = p.getByTestId('generated-text');
  await shown.waitFor({ timeout: 20_000 });
  const text = (await shown.textContent()) ?? '';
  assert.ok(text.startsWith('the '), text);
  assert.equal(Array.from(text).length, 64, text);
  const characters = new Set(Array.from(readFileSync(TEXT, 'utf8')));
  assert.ok(
    Array.from(text).every((c) => characters.has(c)),
    text,
  );
  await p.getByRole('button', { name: 'Maximize' }).click();
  await shown.scrollIntoViewIfNeeded();
  await screenshot(p, 'text-generation');
});

test('after Run, each attention layer shows one heatmap per head of the chosen sample', { skip, timeout: 60_000 }, async () => {
  const p = page();
  await p.getByRole('button', { name: 'Run', exact: true }).click();
  const maps = p.getByTestId('attention-maps');
  await maps.waitFor({ timeout: 20_000 });
  // The encoder block is repeated ×2: two layers of 4 heads.
  assert.equal(await maps.locator('[data-node]').count(), 2);
  const canvases = maps.locator('canvas');
  assert.equal(await canvases.count(), 8);
  const first = canvases.first();
  assert.equal(await first.getAttribute('data-rows'), '32');
  assert.equal(await first.getAttribute('data-cols'), '32');
  // Causal attention: above the diagonal the weight is 0 (the scale's low end), on it it is not.
  // (No named helpers inside evaluate: tsx would wrap them in a __name() the page lacks.)
  const pixels = await first.evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    return [
      [0, 31],
      [3, 20],
      [10, 11],
      [0, 0],
    ].map(([r, col]) => Array.from(data.slice((r! * c.width + col!) * 4, (r! * c.width + col!) * 4 + 4)).join(','));
  });
  const [a0, a1, a2, diagonal] = pixels;
  assert.ok(diagonal!.endsWith(',255'), 'opaque');
  assert.equal(new Set([a0, a1, a2]).size, 1, `every cell above the diagonal has the colour of 0: ${pixels.join(' | ')}`);
  assert.notEqual(diagonal, a0, 'position 0 attends to itself with weight 1');
  await maps.scrollIntoViewIfNeeded();
  await screenshot(p, 'attention-maps');
});
