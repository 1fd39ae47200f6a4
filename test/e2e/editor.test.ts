// Browser tests of the editor's core loop, against the real web host and engine: build the
// chapter's MLP by drag and drop, read live shapes, run it and filter its parameters, undo a bulk
// delete, open an example, see problems as badges. Screenshots go to test-results/screenshots (docs/images with BLOCKSMITH_UPDATE_SCREENSHOTS=1).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  canvasNode,
  clickEmptyCanvas,
  dropFromPalette,
  edgeShapes,
  editorSuite,
  fileMenu,
  fillField,
  screenshot,
  selectNode,
  skip,
  waitForText,
  wire,
} from './editor-harness.ts';

const suite = editorSuite();
const page = suite.page;

const runButton = (p: Page) => p.locator('.toolbar').getByRole('button', { name: 'Run', exact: true });

test('build the MLP by drag and drop and read live shapes on edges and at the output', { skip, timeout: 60_000 }, async () => {
  const p = page();
  await dropFromPalette(p, 'Input', 40, 220);
  await dropFromPalette(p, 'Dense', 240, 220);
  await fillField(p, 'units *', '256');
  await fillField(p, 'activation', 'relu');
  await dropFromPalette(p, 'Dense', 460, 220);
  await fillField(p, 'units *', '10');
  await dropFromPalette(p, 'Output', 680, 220);
  for (const name of ['data0', 'dense0', 'dense1', 'output0']) await canvasNode(p, name).waitFor();
  await wire(p, 'data0', 'dense0');
  await wire(p, 'dense0', 'dense1');
  await wire(p, 'dense1', 'output0');
  assert.equal(await p.locator('.react-flow__edge').count(), 3);

  // Before an input shape is set, unknown dims show as -1.
  await waitForText(p.getByTestId('edge-shape'), '(-1, 256)');

  await clickEmptyCanvas(p);
  await p.getByTestId('document-settings').waitFor();
  await fillField(p, 'input shape', '2×20');
  await waitForText(p.getByTestId('edge-shape'), '(2, 256)');
  const shapes = await edgeShapes(p);
  const fromDense0 = Object.entries(shapes).find(([id]) => id.startsWith('e_dense0_'));
  assert.equal(fromDense0?.[1], '(2, 256)', JSON.stringify(shapes));
  assert.equal(Object.values(shapes).filter((s) => s === '(2, 20)').length, 1);
  await waitForText(p.getByTestId('node-shape-output0'), '(2, 10)');
  // Parameter counts from shape inference: 256·20 + 256 and 10·256 + 10.
  await waitForText(p.getByTestId('node-shape-dense0'), '5,376 params');
  await waitForText(p.getByTestId('node-shape-dense1'), '2,570 params');
  await p.getByTestId('no-problems').waitFor();
  await screenshot(p, 'editor-mlp-light');
});

test('run, then find dense0_weight (256, 20) and filter the parameters with .*weight', { skip, timeout: 60_000 }, async () => {
  const p = page();
  await runButton(p).click();
  const table = p.getByTestId('param-table');
  await table.waitFor({ timeout: 20_000 });
  const row = table.locator('tr[data-param="dense0_weight"]');
  await row.waitFor();
  assert.equal(await row.locator('td').nth(1).textContent(), '(256, 20)');
  assert.equal(await row.locator('td').nth(3).textContent(), 'initialized');
  assert.equal(await table.locator('tbody tr').count(), 4);
  await p.getByLabel('Filter parameters (regex)').fill('.*weight');
  await waitForText(p.getByTestId('param-count'), '2 of 4 parameters');
  const names = await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-param')));
  assert.deepEqual(names, ['dense0_weight', 'dense1_weight']);
  await p.getByTestId('run-output').filter({ hasText: '(2, 10)' }).waitFor();
  await screenshot(p, 'parameters-light');
});

test('the dark theme shows the same graph', { skip, timeout: 30_000 }, async () => {
  const p = page();
  await p.getByRole('button', { name: 'Toggle theme' }).click();
  assert.equal(await p.evaluate(() => document.documentElement.dataset.theme), 'dark');
  await selectNode(p, 'dense0');
  await screenshot(p, 'editor-mlp-dark');
  await p.getByRole('button', { name: 'Toggle theme' }).click();
  await clickEmptyCanvas(p);
});

test('a bad attribute shows an error badge and a problem; clicking the problem selects the node', { skip, timeout: 30_000 }, async () => {
  const p = page();
  await selectNode(p, 'dense1');
  await fillField(p, 'units *', '0');
  const badge = canvasNode(p, 'dense1').getByTestId('problem-badge');
  await badge.waitFor();
  assert.match((await badge.getAttribute('title')) ?? '', /units/);
  await clickEmptyCanvas(p);
  await p.getByRole('tab', { name: /Problems/ }).click();
  const problem = p.getByTestId('problems').locator('li', { hasText: 'E_ATTR_RANGE' });
  await problem.waitFor();
  await problem.locator('button').click();
  assert.equal(await p.getByLabel('Node name').inputValue(), 'dense1');
  await fillField(p, 'units *', '10');
  await badge.waitFor({ state: 'detached' });
});

test('set Constant(42) on dense0_weight in the inspector and read it back after Run', { skip, timeout: 60_000 }, async () => {
  const p = page();
  await selectNode(p, 'dense0');
  await p.getByLabel('weight initializer').selectOption('constant');
  await p.getByLabel('weight value').fill('42');
  await p.getByLabel('weight value').press('Tab');
  await runButton(p).click();
  const row = p.getByTestId('param-table').locator('tr[data-param="dense0_weight"]');
  await p.getByLabel('Filter parameters (regex)').fill('');
  await row.filter({ hasText: '42.00' }).waitFor({ timeout: 20_000 });
  const cells = await row.locator('td').allTextContents();
  assert.match(cells[4]!, /constant/);
  assert.deepEqual(cells.slice(6, 10), ['42.00', '0.000', '42.00', '42.00']);
  await screenshot(p, 'inspector-constant-light');
  // `?` opens the shortcut help (when no text field has the focus).
  await p.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await p.keyboard.press('?');
  await p.getByRole('dialog', { name: 'Keyboard shortcuts' }).filter({ hasText: 'Ctrl+Z' }).waitFor();
  await p.keyboard.press('Escape');
  await p.getByRole('dialog').waitFor({ state: 'detached' });
});

test('delete a multi-selection, then undo and redo it as one step', { skip, timeout: 30_000 }, async () => {
  const p = page();
  await selectNode(p, 'dense0');
  await canvasNode(p, 'dense1')
    .locator('.layer-node-name')
    .click({ modifiers: ['Control'] });
  await p.locator('.react-flow__node.selected').nth(1).waitFor();
  assert.equal(await p.locator('.react-flow__node.selected').count(), 2);
  await p.keyboard.press('Delete');
  await canvasNode(p, 'dense0').waitFor({ state: 'detached' });
  assert.equal(await canvasNode(p, 'dense1').count(), 0);
  assert.equal(await p.locator('.react-flow__edge').count(), 0);
  await p.keyboard.press('Control+z');
  await canvasNode(p, 'dense0').waitFor();
  assert.equal(await canvasNode(p, 'dense1').count(), 1);
  assert.equal(await p.locator('.react-flow__edge').count(), 3);
  await p.keyboard.press('Control+Shift+z');
  await canvasNode(p, 'dense0').waitFor({ state: 'detached' });
  assert.equal(await canvasNode(p, 'dense1').count(), 0);
  await p.getByRole('button', { name: 'Undo' }).click();
  await canvasNode(p, 'dense1').waitFor();
  await waitForText(p.getByTestId('edge-shape'), '(2, 256)');
});

test('download saves the document as JSON with every node', { skip, timeout: 30_000 }, async () => {
  const p = page();
  const [download] = await Promise.all([p.waitForEvent('download'), fileMenu(p, 'Download')]);
  const saved = JSON.parse(await readFile((await download.path())!, 'utf8')) as { nodes: { name: string; attrs?: object }[]; input: { shape: number[] } };
  assert.deepEqual(
    saved.nodes.map((n) => n.name),
    ['data0', 'dense0', 'dense1', 'output0'],
  );
  assert.deepEqual(saved.nodes[1]!.attrs, { units: 256, activation: 'relu' });
  assert.deepEqual(saved.input.shape, [2, 20]);
});

test('open a file with a cycle: the node the problem names carries an error badge', { skip, timeout: 30_000 }, async () => {
  const p = page();
  const doc = {
    format: 'blocksmith.graph',
    version: 2,
    title: 'cycle',
    input: { shape: [2, 4], dtype: 'float32' },
    device: 'cpu',
    seed: 0,
    blocks: [],
    nodes: [
      { id: 'in', kind: 'Input', name: 'data' },
      { id: 'a', kind: 'Dense', name: 'dense0', attrs: { units: 4 } },
      { id: 'b', kind: 'Dense', name: 'dense1', attrs: { units: 4 } },
      { id: 'out', kind: 'Output', name: 'output' },
    ],
    edges: [
      { id: 'e1', source: { node: 'a', port: 'output' }, target: { node: 'b', port: 'data' } },
      { id: 'e2', source: { node: 'b', port: 'output' }, target: { node: 'a', port: 'data' } },
      { id: 'e3', source: { node: 'b', port: 'output' }, target: { node: 'out', port: 'data' } },
    ],
    layout: { positions: { in: { x: 0, y: 0 }, a: { x: 200, y: 0 }, b: { x: 400, y: 0 }, out: { x: 600, y: 0 } } },
  };
  await p.getByTestId('open-file').setInputFiles({ name: 'cycle.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
  await waitForText(p.getByTestId('doc-title'), 'cycle');
  await canvasNode(p, 'dense0').getByTestId('problem-badge').waitFor();
  await p.getByRole('tab', { name: /Problems/ }).click();
  await p.getByTestId('problems').locator('li', { hasText: 'E_CYCLE' }).first().waitFor();
  await screenshot(p, 'problems-light');
});

test('tie two Dense layers: one parameter shown as tied; a tie whose shapes cannot match gets a badge', { skip, timeout: 60_000 }, async () => {
  const p = page();
  const node = (id: string, units: number) => ({ id, kind: 'Dense', name: id, attrs: { units } });
  const doc = {
    format: 'blocksmith.graph',
    version: 2,
    title: 'two dense',
    input: { shape: [2, 8], dtype: 'float32' },
    device: 'cpu',
    seed: 0,
    blocks: [],
    nodes: [{ id: 'data', kind: 'Input', name: 'data' }, node('dense0', 8), node('dense1', 8), { id: 'output', kind: 'Output', name: 'output' }],
    edges: [
      ['data', 'dense0'],
      ['dense0', 'dense1'],
      ['dense1', 'output'],
    ].map(([a, b], i) => ({
      id: `e${i}`,
      source: { node: a, port: 'output' },
      target: { node: b, port: 'data' },
    })),
    layout: { positions: { data: { x: 0, y: 0 }, dense0: { x: 220, y: 0 }, dense1: { x: 440, y: 0 }, output: { x: 660, y: 0 } } },
  };
  await p.getByTestId('open-file').setInputFiles({ name: 'two-dense.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
  await waitForText(p.getByTestId('node-shape-dense1'), '72 params');
  await selectNode(p, 'dense1');
  const tie = p.getByLabel('weight tie to');
  // Only shape-compatible parameters are offered: dense0's (8, 8) weight, not its (8,) bias.
  const options = await tie.locator('option').allTextContents();
  assert.deepEqual(options, ['(own parameter)', 'dense0.weight (8, 8)']);
  await tie.selectOption({ label: 'dense0.weight (8, 8)' });
  await waitForText(p.getByTestId('node-shape-dense1'), '8 params');
  await waitForText(canvasNode(p, 'dense1').getByTestId('node-ties'), 'weight tied to dense0.weight');
  await runButton(p).click();
  await waitForText(p.getByTestId('param-count'), '3 of 3 parameters');
  const row = p.getByTestId('param-table').locator('tr[data-param="dense0_weight"]');
  // The other place the shared parameter is reachable: the layer holding it there and its structural name.
  assert.equal(await row.locator('td').nth(5).textContent(), 'dense1 (1.weight)');
  assert.equal(await p.getByTestId('param-table').locator('tr[data-param="dense1_weight"]').count(), 0);
  await screenshot(p, 'tied-light');
  // Now the shapes cannot match: dense1 would need a (4, 8) weight.
  await fillField(p, 'units *', '4');
  const badge = canvasNode(p, 'dense1').getByTestId('problem-badge');
  await badge.waitFor();
  assert.match((await badge.getAttribute('title')) ?? '', /shape/i);
  await p.getByRole('tab', { name: /Problems/ }).click();
  await p.getByTestId('problems').locator('li', { hasText: 'E_TIE_SHAPE' }).waitFor();
});

test('open the rgnet example and see its 18 parameters after Run', { skip, timeout: 60_000 }, async () => {
  const p = page();
  await p.getByLabel('Open example').selectOption('rgnet');
  await canvasNode(p, 'sequential1').waitFor();
  await waitForText(p.getByTestId('doc-title'), 'rgnet');
  await runButton(p).click();
  await waitForText(p.getByTestId('param-count'), '18 of 18 parameters');
  const names = await p
    .getByTestId('param-table')
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-param')));
  assert.equal(names[0], 'dense0_weight');
  assert.equal(names.at(-1), 'dense8_bias');
  // Auto-layout spreads the chain left to right with room for the shape labels.
  await p.getByRole('button', { name: 'Layout', exact: true }).click();
  await p.waitForTimeout(500);
  const boxes = await Promise.all(['data', 'sequential1', 'dense8', 'output'].map(async (n) => (await canvasNode(p, n).boundingBox())!));
  for (let i = 1; i < boxes.length; i++) assert.ok(boxes[i]!.x >= boxes[i - 1]!.x + boxes[i - 1]!.width + 40, JSON.stringify(boxes));
  assert.equal(Object.keys(await edgeShapes(p)).length, 3);
  await screenshot(p, 'rgnet-light');
});

test('double-click on the canvas adds a layer by name; Ctrl+D duplicates it', { skip, timeout: 30_000 }, async () => {
  const p = page();
  await fileMenu(p, 'New');
  const box = await p.locator('.react-flow__pane').boundingBox();
  assert.ok(box);
  await p.mouse.dblclick(box.x + 200, box.y + 150);
  await p.getByLabel('Add a layer by name').fill('drop');
  await p.keyboard.press('Enter');
  await canvasNode(p, 'dropout0').waitFor();
  assert.equal(await p.getByLabel('Node name').inputValue(), 'dropout0');
  await p.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await p.keyboard.press('Control+d');
  await canvasNode(p, 'dropout1').waitFor();
  assert.equal(await p.locator('.react-flow__node').count(), 2);
});

test('the page raised no console errors (CSP violations included)', { skip }, () => {
  assert.deepEqual(suite.editor().problems, []);
});
