// Browser test of the training panel, against the real web host and engine: open the MNIST MLP
// example, start training on a subset, watch the uPlot loss chart and the progress move, see the
// gradient-norm badges and the parameter statistics follow the events, stop (no ETA then), Continue
// from the trained values (a low first loss), and export through File › Export… (the report lists
// dense0_weight). Then a regression on a CSV file written to a temp
// directory (label and feature columns chosen, a step schedule and clipping), whose loss falls;
// and checkpoints: every N steps, stop, the checkpoint listed, resume from it and the step counter
// continues past it. Screenshots: training-light.png, training-dark.png (see editor-harness.ts).
import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { canvasNode, editorSuite, fillField, screenshot, selectNode, skip } from './editor-harness.ts';

const suite = editorSuite({ tempDir: 'training-e2e' });
const page = suite.page;

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
  await p.getByRole('button', { name: 'Start fresh', exact: true }).click();

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
  assert.match((await canvasNode(p, 'dense0').getByTestId('grad-badge-dense0').textContent()) ?? '', /‖∇‖ \d/);
  // After a few epochs the per-epoch chart has points too.
  await p.waitForFunction(() => Number(document.querySelector('[data-testid="epoch-chart"]')?.getAttribute('data-points')) >= 2, null, { timeout: 20_000 });
  await screenshot(p, 'training-light');

  await p.getByRole('button', { name: 'Stop', exact: true }).click();
  await p
    .getByTestId('training-state')
    .filter({ hasText: /^stopped$/ })
    .waitFor({ timeout: 10_000 });
  assert.equal(await p.getByRole('button', { name: 'Start fresh', exact: true }).isEnabled(), true);
  // A stopped run has no time left to estimate.
  assert.doesNotMatch((await p.getByTestId('training-progress-text').textContent()) ?? '', /ETA/);
  assert.equal(await p.getByTestId('training-started-from').textContent(), 'from fresh parameters');
});

test('Continue trains the values the model holds: its loss starts where the stopped run was', { skip, timeout: 60_000 }, async () => {
  const p = page();
  await setField(p, 'epochs', '1');
  await p.getByRole('button', { name: 'Continue', exact: true }).click();
  await p
    .getByTestId('training-started-from')
    .filter({ hasText: /^continuing from the current values$/ })
    .waitFor({ timeout: 10_000 });
  await p.waitForFunction(() => Number(document.querySelector('[data-testid="loss-chart"]')?.getAttribute('data-points')) >= 1, null, { timeout: 20_000 });
  // Fresh parameters give about ln 10 ≈ 2.3 on ten classes; after the epochs above it is far lower.
  assert.ok(Number(await p.getByTestId('loss-readout').textContent()) < 1, 'a continued run starts from the trained values');
  await p
    .getByTestId('training-state')
    .filter({ hasText: /^(finished|stopped)$/ })
    .waitFor({ timeout: 30_000 });
});

test('the parameter table shows statistics from the training events', { skip, timeout: 30_000 }, async () => {
  const p = page();
  await p.getByRole('tab', { name: /Parameters/ }).click();
  const row = p.getByTestId('param-table').locator('tr[data-param="dense0_weight"]');
  await row.waitFor({ timeout: 10_000 });
  assert.match((await row.locator('td').nth(6).textContent()) ?? '', /\d/);
  assert.match((await row.locator('td').nth(7).textContent()) ?? '', /\d/);
  await p.getByRole('tab', { name: /Training/ }).click();
});

test('export the trained parameters to a path and read the per-name report', { skip, timeout: 30_000 }, async () => {
  const p = page();
  const file = path.join(suite.dir(), 'mnist-mlp.npz');
  // The Training column's button opens File › Export…, where the format is chosen.
  await p.getByRole('button', { name: 'Export the trained model…' }).click({ timeout: 5000 });
  const dialog = p.getByRole('dialog', { name: 'Export the model' });
  await dialog.locator('input[type="radio"][value="npz"]').check();
  await dialog.getByLabel('Export path').fill(file);
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  const report = dialog.getByTestId('export-report');
  await dialog.locator('[data-testid="export-report"], [data-testid="export-error"]').first().waitFor({ timeout: 10_000 });
  assert.equal(
    await dialog.getByTestId('export-error').count(),
    0,
    (await dialog
      .getByTestId('export-error')
      .first()
      .textContent({ timeout: 1000 })
      .catch(() => '')) ?? '',
  );
  assert.match((await report.locator('li[data-entry="dense0_weight"]').textContent({ timeout: 3000 })) ?? '', /\(256, 784\) float32/);
  assert.equal(await report.locator('li').count(), 4);
  assert.ok((await stat(file)).size > 256 * 784 * 4);
  await dialog.getByRole('button', { name: 'Close' }).click();
});

/**
 * A linear-regression CSV for the 'mlp' example (20 inputs): an `id` text column first (so the
 * default "every column but the label" would fail: the feature columns must be chosen), x0..x19,
 * and y = x·w + 0.5 (deterministic, so the run is the same every time).
 */
async function writeRegressionCsv(file: string, rows: number): Promise<string[]> {
  const names = Array.from({ length: 20 }, (_, i) => `x${i}`);
  const w = names.map((_, i) => ((i % 5) - 2) * 0.5);
  const lines = [['id', ...names, 'y'].join(',')];
  let state = 12345;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return (state / 2 ** 31) * 2 - 1;
  };
  for (let r = 0; r < rows; r++) {
    const x = names.map(() => next());
    const y = x.reduce((sum, v, i) => sum + v * w[i]!, 0.5);
    lines.push([`row${r}`, ...x.map((v) => v.toFixed(5)), y.toFixed(5)].join(','));
  }
  await writeFile(file, `${lines.join('\n')}\n`);
  return names;
}

const readoutNumber = async (p: Page, testId: string) => Number(await p.getByTestId(testId).textContent());
const currentStep = async (p: Page) => Number(/step (\d+)\//.exec((await p.getByTestId('training-progress-text').textContent()) ?? '')?.[1]);

test('train on a CSV file with chosen label and feature columns: the loss falls', { skip, timeout: 90_000 }, async () => {
  const p = page();
  const csv = path.join(suite.dir(), 'regression.csv');
  const features = await writeRegressionCsv(csv, 400);
  await p.getByLabel('Open example').selectOption('mlp');
  await canvasNode(p, 'dense1').waitFor();
  // One output for a regression target.
  await selectNode(p, 'dense1');
  await fillField(p, 'units *', '1');
  await p.getByRole('tab', { name: /Training/ }).click();
  await setField(p, 'data', 'csv');
  await setField(p, 'data file', csv);
  // The engine reads the header; the label is picked from it, the features by clicking columns.
  await p.getByRole('button', { name: 'Read columns' }).click();
  const chips = p.getByTestId('csv-columns');
  await chips.waitFor({ timeout: 10_000 });
  assert.deepEqual(await chips.locator('button').allTextContents(), ['id', ...features, 'y']);
  await setField(p, 'label column', 'y');
  assert.equal(await chips.locator('button[data-column="y"]').isDisabled(), true, 'the label is not a feature');
  await setField(p, 'feature columns', '');
  // With the default features the text id column is read as a number and the engine names the cell.
  await setField(p, 'task', 'auto');
  await setField(p, 'validation', '0.25');
  await setField(p, 'loss', 'auto');
  await setField(p, 'optimizer', 'adam');
  await setField(p, 'learning rate', '0.01');
  await setField(p, 'weight decay', '0');
  await setField(p, 'batch size', '20');
  await setField(p, 'epochs', '40');
  await p.getByRole('button', { name: 'Start fresh', exact: true }).click();
  const error = p.getByTestId('training-error');
  await error.waitFor({ timeout: 20_000 });
  assert.match((await error.textContent()) ?? '', /regression\.csv, line 2, column 1: "row0" \('id'\) is not a number/);

  for (const name of ['x0', 'x1', 'id']) await chips.locator(`button[data-column="${name}"]`).click();
  await chips.locator('button[data-column="id"]').click();
  assert.equal(await chips.locator('button[data-column="id"]').getAttribute('aria-pressed'), 'false', 'a second click removes it');
  assert.equal(await p.getByTestId('training-settings').getByLabel('feature columns', { exact: true }).inputValue(), 'x0, x1');
  for (const name of features.slice(2)) await chips.locator(`button[data-column="${name}"]`).click();
  assert.equal(await p.getByTestId('training-settings').getByLabel('feature columns', { exact: true }).inputValue(), features.join(', '));
  await setField(p, 'lr schedule', 'step');
  await setField(p, 'decay every', '100');
  await setField(p, 'decay factor', '0.5');
  await setField(p, 'clip norm', '10');
  await p.getByRole('button', { name: 'Start fresh', exact: true }).click();
  await p.getByTestId('training-samples').filter({ hasText: '300 train · 100 validation samples' }).waitFor({ timeout: 20_000 });
  await p.waitForFunction(() => Number(document.querySelector('[data-testid="loss-chart"]')?.getAttribute('data-points')) >= 1, null, { timeout: 20_000 });
  const firstLoss = await readoutNumber(p, 'loss-readout');
  assert.ok(firstLoss > 0, `first loss ${firstLoss}`);
  // No classes, so no accuracy.
  assert.equal(await p.getByTestId('accuracy-readout').textContent(), '–');
  await p
    .getByTestId('training-state')
    .filter({ hasText: /^finished$/ })
    .waitFor({ timeout: 60_000 });
  const lastLoss = await readoutNumber(p, 'loss-readout');
  assert.ok(lastLoss < firstLoss / 4, `the loss fell from ${firstLoss} to ${lastLoss}`);
  assert.ok((await points(p, 'epoch-chart')) === 40);
  assert.match((await p.getByTestId('training-progress-text').textContent()) ?? '', /epoch 40\/40 · step 600\/600/);
  // The step schedule reached the engine: after update 600, halved each time the count passed
  // 100, 200, ..., 500 (Gluon's FactorScheduler), 0.01 · 0.5^5 (without it: 0.01000).
  assert.match((await p.locator('.training-readouts').textContent()) ?? '', /lr 0\.0003125/);
});

test('checkpoints every N steps, stop, pick the checkpoint and resume: the step counter continues past it', { skip, timeout: 90_000 }, async () => {
  const p = page();
  const dir = path.join(suite.dir(), 'checkpoints');
  await setField(p, 'lr schedule', 'cosine');
  await setField(p, 'warmup steps', '10');
  await setField(p, 'final lr', '0');
  await setField(p, 'epochs', '2000');
  const section = p.getByTestId('training-checkpoints');
  await section.getByLabel('directory', { exact: true }).fill(dir);
  await section.getByLabel('every N steps', { exact: true }).fill('50');
  // The typed directory is listed once the typing pauses, without pressing List (it is empty yet).
  await section
    .getByTestId('checkpoint-list')
    .filter({ hasText: `no checkpoints in ${dir} yet` })
    .waitFor({ timeout: 5_000 });
  await p.getByRole('button', { name: 'Start fresh', exact: true }).click();
  // The last checkpoint written shows up (step 50, 100, ...); the list follows it.
  await section
    .getByTestId('last-checkpoint')
    .filter({ hasText: /checkpoint-step\d+\.npz/ })
    .waitFor({ timeout: 20_000 });
  await p.waitForFunction(() => Number(document.querySelector('[data-testid="checkpoint-list"]')?.getAttribute('data-count')) >= 1, null, { timeout: 10_000 });
  await p.getByRole('button', { name: 'Stop', exact: true }).click();
  await p
    .getByTestId('training-state')
    .filter({ hasText: /^stopped$/ })
    .waitFor({ timeout: 10_000 });
  const stoppedAt = await currentStep(p);
  // Stopping writes one more at the stop step; the list shows it.
  const entry = section.locator(`[data-testid="checkpoint-list"] button[data-step="${stoppedAt}"]`);
  await entry.waitFor({ timeout: 10_000 });
  assert.equal(await entry.textContent(), `checkpoint-step${stoppedAt}.npz`);
  assert.match((await section.getByTestId('last-checkpoint').textContent()) ?? '', new RegExp(`checkpoint-step${stoppedAt}\\.npz`));
  const pointsAtStop = await points(p, 'loss-chart');

  // Pick an earlier one (the first, step 50), so the resumed run must redo steps past it.
  const first = section.locator('[data-testid="checkpoint-list"] button').first();
  const firstStep = Number(await first.getAttribute('data-step'));
  assert.equal(firstStep, 50);
  await first.click();
  assert.equal(await section.getByLabel('resume from', { exact: true }).inputValue(), path.join(dir, 'checkpoint-step50.npz'));
  await section.getByRole('button', { name: 'Resume from checkpoint' }).click();
  await p.waitForFunction(
    (from) => {
      const m = /step (\d+)\//.exec(document.querySelector('[data-testid="training-progress-text"]')?.textContent ?? '');
      return m !== null && Number(m[1]) > from + 20;
    },
    firstStep,
    { timeout: 20_000 },
  );
  assert.equal(await p.getByTestId('training-state').textContent(), 'running');
  // The chart kept its points up to step 50 (the first one lies before it) and continues them;
  // the epochs the checkpoint had finished (3 of 15 steps each) are drawn again.
  const chart = p.getByTestId('loss-chart');
  assert.ok(pointsAtStop >= 2);
  assert.ok(Number(await chart.getAttribute('data-first-x')) <= firstStep, `first point at ${await chart.getAttribute('data-first-x')}`);
  assert.ok(Number(await chart.getAttribute('data-last-x')) > firstStep + 20);
  assert.ok((await points(p, 'epoch-chart')) >= 3);

  await p.getByRole('button', { name: 'Toggle theme' }).click();
  assert.equal(await p.evaluate(() => document.documentElement.dataset.theme), 'dark');
  await screenshot(p, 'training-dark');
  await p.getByRole('button', { name: 'Toggle theme' }).click();

  await p.getByRole('button', { name: 'Stop', exact: true }).click();
  await p
    .getByTestId('training-state')
    .filter({ hasText: /^stopped$/ })
    .waitFor({ timeout: 10_000 });
  assert.ok((await currentStep(p)) > firstStep);
});

test('the training page raised no console errors (CSP violations included)', { skip }, () => {
  assert.deepEqual(suite.editor().problems, []);
});
