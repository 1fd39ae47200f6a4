// Browser regressions found by an exploratory pass over the editor, against the real web host and
// engine: a problem inside a nested definition is reachable from the Problems tab wherever the
// canvas is; a finished training run's view (gradient badges on the canvas, charts) and an array
// chosen as Run's input do not survive opening another document.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { writeArrayFile } from '../../engine/io/array-file.ts';
import { canvasNode, editorSuite, fillField, selectNode, skip, waitForText } from './editor-harness.ts';

const suite = editorSuite({ tempDir: 'qa-e2e' });
const page = suite.page;

const blur = (p: Page) => p.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

test(
  'a problem inside a nested definition names its node and, clicked from the main graph, opens main › block2 › block1 with it selected',
  { skip, timeout: 60_000 },
  async () => {
    const p = page();
    await p.getByLabel('Open example').selectOption('rgnet');
    await canvasNode(p, 'sequential1').waitFor();
    // Into block2 (through sequential1), then into block1 (through the repeat), and break dense0 there.
    await canvasNode(p, 'sequential1').locator('.layer-node-name').dblclick();
    await canvasNode(p, 'repeat0').waitFor();
    await canvasNode(p, 'repeat0').locator('.layer-node-name').dblclick();
    await canvasNode(p, 'dense0').waitFor();
    await selectNode(p, 'dense0');
    await fillField(p, 'units *', '0');
    await canvasNode(p, 'dense0').getByTestId('problem-badge').waitFor();
    await blur(p);
    await p.getByTestId('breadcrumb').getByRole('button', { name: 'main' }).click();
    await canvasNode(p, 'sequential1').waitFor();

    await p.getByRole('tab', { name: /Problems/ }).click();
    const problem = p.getByTestId('problems').locator('li', { hasText: 'E_ATTR_RANGE' }).locator('button');
    // Before the fix the entry lost its node's name and was disabled while another level was shown.
    await waitForText(problem, /dense0\s*in block1/);
    assert.equal(await problem.isEnabled(), true);
    await problem.click();
    await waitForText(p.getByTestId('breadcrumb'), /main\s*›\s*block2\s*›\s*block1/);
    await canvasNode(p, 'dense0').waitFor();
    assert.equal(await p.getByLabel('Node name').inputValue(), 'dense0');
    assert.equal(await fieldValue(p, 'units *'), '0');
  },
);

async function fieldValue(p: Page, label: string): Promise<string> {
  return p
    .locator('.inspector .field')
    .filter({ has: p.locator(`span:text-is("${label}")`) })
    .locator('input')
    .first()
    .inputValue();
}

test(
  'after a training run, opening another example clears the run (no gradient badges on its layers, the Training tab idle); a run still going keeps its view, not its badges',
  { skip, timeout: 60_000 },
  async () => {
    const p = page();
    await p.getByLabel('Open example').selectOption('mlp');
    await canvasNode(p, 'dense0').waitFor();
    await p.getByRole('tab', { name: /Training/ }).click();
    const settings = p.getByTestId('training-settings');
    await settings.getByLabel('data', { exact: true }).selectOption('spirals');
    await settings.getByLabel('epochs', { exact: true }).fill('2');
    await p.getByRole('button', { name: 'Start fresh', exact: true }).click();
    await waitForText(p.getByTestId('training-panel'), /epoch 2\/2/, 30_000);
    await canvasNode(p, 'dense0').getByTestId('grad-badge-dense0').waitFor();

    // The tied example also has layers named dense0 and dense1, which the old run's badges would name.
    await p.getByLabel('Open example').selectOption('tied');
    await canvasNode(p, 'dense2').waitFor();
    await waitForText(p.getByTestId('doc-title'), 'tied');
    assert.equal(await p.locator('[data-testid^="grad-badge-"]').count(), 0);
    await waitForText(p.getByTestId('training-progress-text'), 'not started');
    assert.equal(await p.getByTestId('loss-chart').getAttribute('data-points'), '0');

    // A run still going on keeps its view (it can be stopped), but its badges stay off the other document.
    await p.getByLabel('Open example').selectOption('mnist-mlp');
    await canvasNode(p, 'dense0').waitFor();
    await settings.getByLabel('data', { exact: true }).selectOption('mnist');
    await settings.getByLabel('epochs', { exact: true }).fill('500');
    await p.getByRole('button', { name: 'Start fresh', exact: true }).click();
    await canvasNode(p, 'dense0').getByTestId('grad-badge-dense0').waitFor({ timeout: 20_000 });
    await p.getByLabel('Open example').selectOption('tied');
    await canvasNode(p, 'dense2').waitFor();
    await waitForText(p.getByTestId('training-panel'), /running/);
    // Events keep arriving; give them time to (wrongly) put badges on tied's dense0 and dense1.
    await p.waitForTimeout(1000);
    assert.equal(await p.locator('[data-testid^="grad-badge-"]').count(), 0);
    await p.getByRole('button', { name: 'Stop', exact: true }).click();
    await waitForText(p.getByTestId('training-panel'), /stopped/);
  },
);

test(
  'an array chosen as Run input for the mlp is dropped when mnist-mlp opens: Run builds its (256, 784) weight, not (256, 20)',
  { skip, timeout: 60_000 },
  async () => {
    const p = page();
    await p.getByLabel('Open example').selectOption('mlp');
    await canvasNode(p, 'dense0').waitFor();
    const npy = path.join(suite.dir(), 'zeros.npy');
    await writeArrayFile(npy, { dtype: 'float64', shape: [3, 20], data: new Float64Array(60) }, { format: 'npy' });
    await p.getByRole('tab', { name: /Parameters/ }).click();
    const panel = p.locator('.parameter-panel');
    if ((await p.getByTestId('param-files').count()) === 0) await panel.getByRole('button', { name: 'Files…', exact: true }).click();
    await p.getByLabel('Parameter or array file').fill(npy);
    await panel.getByRole('button', { name: 'Load arrays', exact: true }).click();
    await p.getByTestId('arrays-list').locator('li[data-array="0"]').getByRole('button', { name: 'Use as Run input' }).click();
    await waitForText(p.getByTestId('run-input'), `0 (3, 20) from ${npy}`);

    await p.getByLabel('Open example').selectOption('mnist-mlp');
    await waitForText(p.getByTestId('doc-title'), 'MNIST');
    await waitForText(p.getByTestId('run-input'), /random/);
    await p.locator('.toolbar').getByRole('button', { name: 'Run', exact: true }).click();
    // Before the fix the (3, 20) zeros ran through mnist-mlp and built dense0 with 20 inputs.
    const row = p.getByTestId('param-table').locator('tr[data-param="dense0_weight"]');
    await waitForText(row, '(256, 784)', 20_000);
    await waitForText(p.getByTestId('run-output'), /output 0: \(1, 10\) float32/);
  },
);

test('quick add says when no layer kind matches what was typed, and Enter then adds nothing', { skip, timeout: 30_000 }, async () => {
  const p = page();
  await p.getByLabel('Open example').selectOption('mlp');
  await canvasNode(p, 'dense0').waitFor();
  const before = await p.locator('.react-flow__node').count();
  const box = await p.locator('.react-flow__pane').boundingBox();
  assert.ok(box);
  await p.mouse.dblclick(box.x + 300, box.y + 60);
  await p.getByLabel('Add a layer by name').fill('xyz');
  await waitForText(p.getByTestId('quick-add-none'), 'No layer kind matches “xyz”');
  await p.keyboard.press('Enter');
  assert.equal(await p.locator('.react-flow__node').count(), before);
  // A match clears the message.
  await p.getByLabel('Add a layer by name').fill('dens');
  await p.getByTestId('quick-add-none').waitFor({ state: 'detached' });
  await p.keyboard.press('Escape');
});

test('the page raised no console errors', { skip }, () => {
  assert.deepEqual(suite.editor().problems, []);
});
