// Browser tests of the Parameters tab, against the real web host and engine: the tree by block
// with histogram sparklines, the regex filter, the tensor view (Constant(42) read back, an edited
// value set in the engine and read back after a refresh and a Run, the gradient), a tied parameter
// shown once, saving and loading parameters with the per-name report, Run with input read from a
// .npy file shown as a heatmap, the sparklines moving while the model trains (and an open tensor
// view following it, throttled), the view choices kept across tab switches. Screenshots:
// parameters-tree-light, tensor-view-light, run-input-light (see editor-harness.ts for where they go).
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { writeArrayFile } from '../../engine/io/array-file.ts';
import { canvasNode, editorSuite, screenshot, selectNode, skip, waitForText } from './editor-harness.ts';

const suite = editorSuite({ tempDir: 'parameters-e2e' });
const page = suite.page;

const runButton = (p: Page) => p.locator('.toolbar').getByRole('button', { name: 'Run', exact: true });
const panel = (p: Page) => p.locator('.parameter-panel');
const table = (p: Page) => p.getByTestId('param-table');
const paramRow = (p: Page, name: string) => table(p).locator(`tr[data-param="${name}"]`);
const cell = (p: Page, r: number, c: number) => p.getByTestId('tensor-table').locator(`td[data-cell="${r},${c}"]`);

async function openExample(p: Page, name: string, node: string) {
  await p.getByLabel('Open example').selectOption(name);
  await canvasNode(p, node).waitFor();
}

/** Shows another bottom tab and comes back: what the Parameters tab showed must still be there. */
async function switchTabsAndBack(p: Page) {
  await p.getByRole('tab', { name: /Problems/ }).click();
  await panel(p).waitFor({ state: 'detached' });
  await p.getByRole('tab', { name: /Parameters/ }).click();
  await panel(p).waitFor();
}

async function run(p: Page, count: RegExp) {
  await runButton(p).click();
  await waitForText(p.getByTestId('param-count'), count, 20_000);
}

test('the mlp example as a tree by block: dense0_weight (256, 20) with its histogram; groups collapse', { skip, timeout: 60_000 }, async () => {
  const p = page();
  await openExample(p, 'mlp', 'dense0');
  await run(p, /^4 of 4 parameters$/);
  await p.getByRole('group', { name: 'Parameter view' }).getByRole('button', { name: 'Tree' }).click();
  await table(p).and(p.locator('[data-view="tree"]')).waitFor();
  // The engine's block chain: the model's root block, then dense0 owning dense0_weight and dense0_bias.
  const groups = await table(p)
    .locator('tr.param-group')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-group')));
  assert.equal(groups.length, 3, JSON.stringify(groups));
  const dense0Group = groups.find((g) => g?.endsWith('/dense0'));
  assert.ok(dense0Group, JSON.stringify(groups));
  const lines = await table(p)
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-group') ?? r.getAttribute('data-param')));
  assert.deepEqual(lines, [groups[0], dense0Group, 'dense0_weight', 'dense0_bias', groups[2], 'dense1_weight', 'dense1_bias']);
  assert.equal(await paramRow(p, 'dense0_weight').locator('td').nth(1).textContent(), '(256, 20)');
  assert.equal(await paramRow(p, 'dense0_weight').locator('td').nth(3).textContent(), 'initialized');
  // The sparkline draws the engine's 20-bin histogram of all 5,120 values.
  const counts = ((await p.getByTestId('sparkline-dense0_weight').getAttribute('data-counts')) ?? '').split(',').map(Number);
  assert.equal(counts.length, 20);
  assert.equal(
    counts.reduce((a, b) => a + b, 0),
    256 * 20,
  );
  assert.equal(await p.getByTestId('sparkline-dense0_weight').locator('rect').count(), 20);
  await screenshot(p, 'parameters-tree-light');
  await switchTabsAndBack(p);
  await table(p).and(p.locator('[data-view="tree"]')).waitFor();
  // Collapsing dense0 hides its two rows; the group says how many it holds.
  const group = table(p).locator(`tr[data-group="${dense0Group}"]`);
  assert.match((await group.textContent()) ?? '', /dense0 2 parameters/);
  await group.getByRole('button').click();
  await paramRow(p, 'dense0_weight').waitFor({ state: 'detached' });
  assert.equal(await group.getByRole('button').getAttribute('aria-expanded'), 'false');
  await group.getByRole('button').click();
  await paramRow(p, 'dense0_weight').waitFor();
});

test('the regex filter .*weight keeps the weights (collectParams semantics) in the tree', { skip, timeout: 30_000 }, async () => {
  const p = page();
  await p.getByLabel('Filter parameters (regex)').fill('.*weight');
  await waitForText(p.getByTestId('param-count'), /^2 of 4 parameters$/);
  const names = await table(p)
    .locator('tbody tr[data-param]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-param')));
  assert.deepEqual(names, ['dense0_weight', 'dense1_weight']);
  // Must match at the start: "weight" alone matches nothing.
  await p.getByLabel('Filter parameters (regex)').fill('weight');
  await waitForText(p.getByTestId('param-count'), /^0 of 4 parameters$/);
  await p.getByLabel('Filter parameters (regex)').fill('');
  await p.getByRole('group', { name: 'Parameter view' }).getByRole('button', { name: 'Table' }).click();
});

test('Constant(42) from the inspector reads 42 in the tensor view; an edited value is set in the engine', { skip, timeout: 60_000 }, async () => {
  const p = page();
  await selectNode(p, 'dense0');
  await p.getByLabel('weight initializer').selectOption('constant');
  await p.getByLabel('weight value').fill('42');
  await p.getByLabel('weight value').press('Tab');
  await run(p, /^4 of 4 parameters$/);
  await paramRow(p, 'dense0_weight').getByRole('button', { name: 'dense0_weight', exact: true }).click();
  const view = p.getByTestId('tensor-view');
  await waitForText(cell(p, 0, 0), /^42$/);
  assert.equal(await cell(p, 19, 9).textContent(), '42');
  assert.equal(await p.getByTestId('tensor-table').locator('tbody tr').count(), 20);
  assert.equal(await p.getByTestId('tensor-table').locator('tbody tr').first().locator('td').count(), 10);
  assert.match((await p.getByTestId('tensor-page').textContent()) ?? '', /rows 0–19 of 256 · cols 0–9 of 20/);
  const heatmap = p.getByTestId('tensor-heatmap');
  assert.equal(await heatmap.getAttribute('data-rows'), '256');
  assert.equal(await heatmap.getAttribute('data-cols'), '20');
  assert.equal(await heatmap.getAttribute('data-min'), '42');
  assert.equal(await heatmap.getAttribute('data-max'), '42');

  // Next page of columns: 10–19.
  await view.getByRole('button', { name: 'Next columns' }).click();
  await waitForText(p.getByTestId('tensor-page'), /cols 10–19 of 20/);
  // The open view and its page survive a visit to another tab.
  await switchTabsAndBack(p);
  await waitForText(p.getByTestId('tensor-page'), /cols 10–19 of 20/);
  assert.equal(await paramRow(p, 'dense0_weight').getAttribute('class'), 'selected');
  await view.getByRole('button', { name: 'Previous columns' }).click();
  await waitForText(p.getByTestId('tensor-page'), /cols 0–9 of 20/);

  // net[0].weight.data()[0, 1] = 7, through the engine.
  await cell(p, 0, 1).click();
  const input = p.getByLabel('value [0, 1]');
  await input.fill('abc');
  await input.press('Enter');
  await waitForText(p.getByTestId('tensor-edit-error'), /'abc' is not a finite number/);
  await input.fill('7');
  await input.press('Enter');
  await waitForText(cell(p, 0, 1), /^7$/);
  assert.equal(await cell(p, 0, 0).textContent(), '42');
  // The table was fetched again: the mean moved, the minimum is the 7.
  await waitForText(paramRow(p, 'dense0_weight').locator('td').nth(8), /^7\.000$/);
  assert.equal(await paramRow(p, 'dense0_weight').locator('td').nth(6).textContent(), ((42 * 5119 + 7) / 5120).toPrecision(4));
  await p.getByTestId('tensor-heatmap').and(p.locator('[data-min="7"]')).waitFor();
  await screenshot(p, 'tensor-view-light');
  // At 1440 × 900 the table beside the tensor view needs no horizontal scrolling: its statistics and
  // histogram are in view (dtype, initializer and tied to give way while the side column is open).
  const list = await p
    .locator('.parameter-list')
    .evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, right: el.getBoundingClientRect().right }));
  assert.ok(list.scroll <= list.client, JSON.stringify(list));
  const spark = await p.getByTestId('sparkline-dense0_weight').boundingBox();
  assert.ok(spark && spark.x + spark.width <= list.right, JSON.stringify([spark, list]));
  // A Run of the unchanged document keeps the edited value (the engine reuses its model).
  assert.match((await p.getByTestId('notice').textContent()) ?? '', /Set dense0_weight\[0, 1\] = 7 in the engine/);
  await runButton(p).click();
  await waitForText(p.getByTestId('notice'), /Ran on/, 20_000);
  await waitForText(cell(p, 0, 1), /^7$/);

  // The gradient: zeros before any backward pass.
  await view.getByLabel('gradient').check();
  await p.getByTestId('tensor-table').and(p.locator('[data-mode="gradient"]')).waitFor();
  await waitForText(cell(p, 0, 1), /^0$/);
  await waitForText(p.getByTestId('tensor-stats'), /^gradient · mean 0\.000/);
  await switchTabsAndBack(p);
  await p.getByTestId('tensor-table').and(p.locator('[data-mode="gradient"]')).waitFor();
  assert.equal(await view.getByRole('radio', { name: 'gradient' }).isChecked(), true);
  await view.getByLabel('values').check();
  await view.getByRole('button', { name: 'Close tensor view' }).click();
  await view.waitFor({ state: 'detached' });
});

test('the tied example: the shared parameter is one row and names its other use', { skip, timeout: 60_000 }, async () => {
  const p = page();
  await openExample(p, 'tied', 'dense2');
  await run(p, /^6 of 6 parameters$/);
  assert.equal(await paramRow(p, 'dense2_weight').count(), 0);
  // The other use names its layer (dense2) besides its place in the chain.
  assert.equal(await paramRow(p, 'dense0_weight').locator('td').nth(5).textContent(), 'dense2 (2.weight)');
  assert.equal(await paramRow(p, 'dense0_bias').locator('td').nth(5).textContent(), 'dense2 (2.bias)');
  assert.equal(await paramRow(p, 'dense1_weight').locator('td').nth(5).textContent(), '');
});

test('save the parameters to a file, load them back, and read the per-name report', { skip, timeout: 60_000 }, async () => {
  const p = page();
  const file = path.join(suite.dir(), 'tied.params');
  await panel(p).getByRole('button', { name: 'Files…', exact: true }).click();
  await p.getByLabel('Parameter or array file').fill(file);
  await panel(p).getByRole('button', { name: 'Save parameters', exact: true }).click();
  const report = p.getByTestId('file-report');
  await report.and(p.locator('[data-action="saved"]')).waitFor({ timeout: 10_000 });
  assert.match((await report.locator('li[data-entry="dense0_weight"]').textContent()) ?? '', /dense0_weight \(8, 8\) saved/);
  assert.equal(await report.locator('li').count(), 6, 'the tied parameter is written once');

  await panel(p).getByRole('button', { name: 'Load parameters', exact: true }).click();
  await report.and(p.locator('[data-action="loaded"]')).waitFor({ timeout: 10_000 });
  assert.equal(await p.getByTestId('file-error').count(), 0);
  const statuses = await report.locator('li').evaluateAll((items) => items.map((li) => `${li.getAttribute('data-entry')}:${li.getAttribute('data-status')}`));
  assert.deepEqual(
    statuses.sort(),
    ['dense0_bias', 'dense0_weight', 'dense1_bias', 'dense1_weight', 'dense3_bias', 'dense3_weight'].map((n) => `${n}:loaded`),
  );

  // A file that does not fit: a wrong shape, an extra name, and the rest missing.
  const bad = path.join(suite.dir(), 'bad.npz');
  await writeArrayFile(
    bad,
    {
      dense0_weight: { dtype: 'float32', shape: [3, 3], data: new Float32Array(9) },
      dense9_bias: { dtype: 'float32', shape: [2], data: new Float32Array(2) },
    },
    { format: 'npz' },
  );
  await p.getByLabel('Parameter or array file').fill(bad);
  await panel(p).getByRole('button', { name: 'Load parameters', exact: true }).click();
  await p.getByTestId('file-error').waitFor({ timeout: 10_000 });
  assert.match((await report.locator('li[data-entry="dense0_weight"]').textContent()) ?? '', /\(3, 3\) shape-mismatch — the model expects \(8, 8\)/);
  assert.equal(await report.locator('li[data-entry="dense9_bias"]').getAttribute('data-status'), 'extra');
  assert.equal(await report.locator('li[data-entry="dense1_weight"]').getAttribute('data-status'), 'missing');
  // The path and the report stay through a tab switch.
  await switchTabsAndBack(p);
  assert.equal(await p.getByLabel('Parameter or array file').inputValue(), bad);
  assert.equal(await report.locator('li[data-entry="dense9_bias"]').getAttribute('data-status'), 'extra');
});

test('Run with an input loaded from a .npy file shows the output as a heatmap', { skip, timeout: 60_000 }, async () => {
  const p = page();
  // Opening another document closes the tensor view and drops the previous model's file report,
  // even where the new model has a parameter of the same name.
  await paramRow(p, 'dense0_weight').getByRole('button', { name: 'dense0_weight', exact: true }).click();
  await p.getByTestId('tensor-view').waitFor();
  await openExample(p, 'mlp', 'dense0');
  await p.getByTestId('file-report').waitFor({ state: 'detached' });
  await run(p, /^4 of 4 parameters$/);
  assert.equal(await p.getByTestId('tensor-view').count(), 0);
  assert.equal(await p.getByTestId('file-report').count(), 0);
  // Three rows of zeros: the example's default initialisation has zero biases, so every output is 0
  // (random input would give a (1, 10) output of other values).
  const npy = path.join(suite.dir(), 'zeros.npy');
  await writeArrayFile(npy, { dtype: 'float64', shape: [3, 20], data: new Float64Array(60) }, { format: 'npy' });
  if ((await p.getByTestId('param-files').count()) === 0) await panel(p).getByRole('button', { name: 'Files…', exact: true }).click();
  await p.getByLabel('Parameter or array file').fill(npy);
  await panel(p).getByRole('button', { name: 'Load arrays', exact: true }).click();
  const entry = p.getByTestId('arrays-list').locator('li[data-array="0"]');
  await entry.waitFor({ timeout: 10_000 });
  assert.match((await entry.textContent()) ?? '', /0 \(3, 20\) float64/);
  await entry.getByRole('button', { name: 'Use as Run input' }).click();
  await waitForText(p.getByTestId('run-input'), `0 (3, 20) from ${npy}`);
  await run(p, /^4 of 4 parameters$/);
  const output = p.getByTestId('run-output');
  await waitForText(output, /output 0: \(3, 10\) float32/);
  assert.match((await output.textContent()) ?? '', /with 0 \(3, 20\) from .*zeros\.npy/);
  const heatmap = p.getByTestId('output-heatmap-0');
  assert.equal(await heatmap.getAttribute('data-rows'), '3');
  assert.equal(await heatmap.getAttribute('data-cols'), '10');
  const values = await p.getByTestId('output-table-0').locator('td.num').allTextContents();
  assert.equal(values.length, 30);
  assert.ok(
    values.every((v) => v === '0'),
    values.join(' '),
  );
  await screenshot(p, 'run-input-light');
  // Back to random input: one row of the document's input shape (-1 → 1).
  await p.getByTestId('run-input').getByRole('button', { name: 'Use random input' }).click();
  await runButton(p).click();
  await waitForText(output, /output 0: \(1, 10\) float32/, 20_000);
});

test("while a run trains, the parameter rows' sparklines and statistics move with the training events", { skip, timeout: 60_000 }, async () => {
  const p = page();
  await openExample(p, 'mnist-mlp', 'dense0');
  await p.getByRole('tab', { name: /Training/ }).click();
  await p.getByTestId('training-panel').waitFor();
  // Long enough that it is still running while we watch.
  await p.getByTestId('training-settings').getByLabel('epochs', { exact: true }).fill('500');
  await p.getByRole('button', { name: 'Start fresh', exact: true }).click();
  await p
    .getByTestId('training-state')
    .filter({ hasText: /^running$/ })
    .waitFor({ timeout: 20_000 });
  await p.getByRole('tab', { name: /Parameters/ }).click();
  const spark = p.getByTestId('sparkline-dense0_weight');
  await spark.waitFor({ timeout: 20_000 });
  const first = await spark.getAttribute('data-counts');
  const mean = await paramRow(p, 'dense0_weight').locator('td').nth(6).textContent();
  // No request per step: the store's training view carries each event's summaries.
  await p.waitForFunction((before) => document.querySelector('[data-testid="sparkline-dense0_weight"]')?.getAttribute('data-counts') !== before, first, {
    timeout: 20_000,
  });
  await p.waitForFunction((before) => document.querySelector('tr[data-param="dense0_weight"] td:nth-child(7)')?.textContent !== before, mean, {
    timeout: 20_000,
  });
  const counts = ((await spark.getAttribute('data-counts')) ?? '').split(',').map(Number);
  assert.equal(
    counts.reduce((a, b) => a + b, 0),
    256 * 784,
  );

  // An open tensor view follows the run throttled: at most one fetch (two parameterValues calls:
  // heatmap and page) per 500 ms however many events arrive, and none while another tab is shown.
  const cdp = await p.context().newCDPSession(p);
  let valueCalls = 0;
  let events = 0;
  cdp.on('Network.webSocketFrameSent', (f) => {
    if (f.response.payloadData.includes('"parameterValues"')) valueCalls++;
  });
  cdp.on('Network.webSocketFrameReceived', (f) => {
    if (f.response.payloadData.includes('training-progress')) events++;
  });
  await cdp.send('Network.enable');
  await paramRow(p, 'dense0_weight').getByRole('button', { name: 'dense0_weight', exact: true }).click();
  await p.getByTestId('tensor-table').waitFor();
  valueCalls = 0;
  events = 0;
  await p.waitForTimeout(3000);
  assert.ok(valueCalls >= 2, `the view follows the run (${valueCalls} calls)`);
  assert.ok(valueCalls <= 2 * 7, `${valueCalls} parameterValues calls for ${events} events in 3 s`);
  await p.getByRole('tab', { name: /Training/ }).click();
  valueCalls = 0;
  await p.waitForTimeout(1500);
  assert.equal(valueCalls, 0, 'no fetches while the Parameters tab is not shown');
  await cdp.detach();
  await p.getByRole('tab', { name: /Training/ }).click();
  await p.getByRole('button', { name: 'Stop', exact: true }).click();
  await p
    .getByTestId('training-state')
    .filter({ hasText: /^stopped$/ })
    .waitFor({ timeout: 10_000 });
});

test('the Parameters tab raised no console errors (CSP violations included)', { skip }, () => {
  assert.deepEqual(suite.editor().problems, []);
});
