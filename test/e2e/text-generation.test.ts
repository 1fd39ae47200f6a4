// Browser test of text data and generation, against the real web host and engine: open the
// char-transformer example, pick the shipped text (assets/text/tiny-tales.txt) as the Training
// tab's data, train one short epoch, then Generate: the text shown starts with the prompt and has
// the requested number of characters after it, all from the text. Screenshot: text-generation.png.
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
  await p.getByTestId('training-state').filter({ hasText: /^finished$/ }).waitFor({ timeout: 90_000 });
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
  assert.ok(Array.from(text).every((c) => characters.has(c)), text);
  await p.getByRole('button', { name: 'Maximize' }).click();
  await shown.scrollIntoViewIfNeeded();
  await screenshot(p, 'text-generation');
});
