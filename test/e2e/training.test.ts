// Browser test of the training panel, against the real web host and engine: open the MNIST MLP
// example, start training on a subset, watch the uPlot loss chart and the progress move, see the
// gradient-norm badges and the parameter statistics follow the events, stop, and export the
// parameters (the report lists dense0_weight). Screenshot: training-light.png (see editor-harness.ts).
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { canvasNode, openEditor, screenshot, skip, startHarness, type EditorPage, type Harness } from './editor-harness.ts';

let harness: Harness | undefined;
let editor: EditorPage | undefined;
let outDir = '';

before(async () => {
  if (skip) return;
  outDir = await mkdtemp(path.join(tmpdir(), 'blocksmith-training-e2e-'));
  harness = await startHarness();
  editor = await openEditor(harness);
});

after(async () => {
  await harness?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

const page = (): Page => {
  assert.ok(editor);
  return editor.page;
};

async function setField(p: Page, label: string, value: string) {
  const field = p.getByTestId('training-settings').getByLabel(label, { exact: true });
  if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
  else await field.fill(value);
}

const points = async (p: Page, testId: string) => Number(await p.getByTestId(testId).getAttribute('data-points'));

test('train the MNIST MLP from the Training tab: the loss chart and progress move, then stop', { skip, timeout: 60_000 }, async () => {
  const p = page();
  await p.getByLabel('Open example').selectOption('mnist-mlp');
  await canvasNode(p, 'dense0').waitFor();
  await p.getByRole('tab', { name: /Training/ }).click();
  await p.getByTestId('training-panel').waitFor();
  await setField(p, 'data', 'mnist');
  await setField(p, 'samples', '2000');
  await setField(p, 'optimizer', 'sgd');
  await setField(p, 'learning rate', '0.1');
  await setField(p, 'momentum', '0.9');
  await setField(p, 'batch size', '32');
  // Long enough that it is still running when we stop it.
  await setField(p, 'epochs', '500');
  await p.getByRole('button', { name: 'Start', exact: true }).click();

  await p.waitForFunction(() => Number(document.querySelector('[data-testid="loss-chart"]')?.getAttribute('data-points')) >= 2, null, { timeout: 20_000 });
  // uPlot draws on a canvas inside the chart.
  assert.equal(await p.getByTestId('loss-chart').locator('canvas').count(), 1);
  const progress1 = Number(await p.getByTestId('training-progress').getAttribute('aria-valuenow'));
  const text1 = await p.getByTestId('training-progress-text').textContent();
  const loss1 = await p.getByTestId('loss-readout').textContent();
  assert.match(text1 ?? '', /epoch \d+\/500 · step \d+\/\d+ · ETA \d+:\d\d/);
  assert.match(loss1 ?? '', /^\d/);
  await p.waitForFunction((before) => document.querySelector('[data-testid="loss-readout"]')?.textContent !== before, loss1, { timeout: 10_000 });
  await p.waitForFunction((before) => document.querySelector('[data-testid="training-progress-text"]')?.textContent !== before, text1, { timeout: 10_000 });
  const stepsSeen = await points(p, 'loss-chart');
  assert.ok(stepsSeen >= 2);
  assert.ok(Number(await p.getByTestId('training-progress').getAttribute('aria-valuenow')) >= progress1);

  // Each Dense node shows the gradient norm of the latest event.
  await canvasNode(p, 'dense0').getByTestId('grad-badge-dense0').waitFor();
  await canvasNode(p, 'dense1').getByTestId('grad-badge-dense1').waitFor();
  assert.match(await canvasNode(p, 'dense0').getByTestId('grad-badge-dense0').textContent() ?? '', /‖∇‖ \d/);
  // After a few epochs the per-epoch chart has points too.
  await p.waitForFunction(() => Number(document.querySelector('[data-testid="epoch-chart"]')?.getAttribute('data-points')) >= 2, null, { timeout: 20_000 });
  await screenshot(p, 'training-light');

  await p.getByRole('button', { name: 'Stop', exact: true }).click();
  await p.getByTestId('training-state').filter({ hasText: /^stopped$/ }).waitFor({ timeout: 10_000 });
  assert.equal(await p.getByRole('button', { name: 'Start', exact: true }).isEnabled(), true);
});

test('the parameter table shows statistics from the training events', { skip, timeout: 30_000 }, async () => {
  const p = page();
  await p.getByRole('tab', { name: /Parameters/ }).click();
  const row = p.getByTestId('param-table').locator('tr[data-param="dense0_weight"]');
  await row.waitFor({ timeout: 10_000 });
  assert.match(await row.locator('td').nth(6).textContent() ?? '', /\d/);
  assert.match(await row.locator('td').nth(7).textContent() ?? '', /\d/);
  await p.getByRole('tab', { name: /Training/ }).click();
});

test('export the trained parameters to a path and read the per-name report', { skip, timeout: 30_000 }, async () => {
  const p = page();
  const file = path.join(outDir, 'mnist-mlp.params');
  await p.getByLabel('Parameters file').fill(file, { timeout: 5000 });
  await p.getByRole('button', { name: 'Export parameters' }).click({ timeout: 5000 });
  const report = p.getByTestId('export-report');
  await p.locator('[data-testid="export-report"], [data-testid="export-error"]').first().waitFor({ timeout: 10_000 });
  assert.equal(await p.getByTestId('export-error').count(), 0, await p.getByTestId('export-error').first().textContent({ timeout: 1000 }).catch(() => '') ?? '');
  assert.match(await report.locator('li[data-entry="dense0_weight"]').textContent({ timeout: 3000 }) ?? '', /\(256, 784\) saved/);
  assert.equal(await report.locator('li').count(), 4);
  assert.ok((await stat(file)).size > 256 * 784 * 4);
});

test('the training page raised no console errors (CSP violations included)', { skip }, () => {
  assert.ok(editor);
  assert.deepEqual(editor.problems, []);
});
