// A Repeat written with an inline `sequence` (as a file may have it), in the browser against the
// real web host and engine: it expands like a block repeat (the copies by the engine's names);
// double-click makes its layers a definition (block1) and opens it, with the layers' shapes;
// after Run the parameter names are the sequence's; one undo gives the sequence back on the main
// graph.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { canvasNode, editorSuite, expectTexts, skip } from './editor-harness.ts';

const suite = editorSuite();
const page = suite.page;

/** Input (2, 6) → repeat0 ×3 of [dense5 Dense(8, relu), dense7 Dense(6)] → dense9 Dense(3) → Output. */
const DOC = {
  format: 'blocksmith.graph', version: 2, title: 'sequence', input: { shape: [2, 6], dtype: 'float32' }, seed: 0,
  nodes: [
    { id: 'in', kind: 'Input', name: 'data' },
    { id: 'r', kind: 'Repeat', name: 'repeat0', count: 3, sequence: [
      { kind: 'Dense', name: 'dense5', attrs: { units: 8, activation: 'relu' } },
      { kind: 'Dense', name: 'dense7', attrs: { units: 6 } },
    ] },
    { id: 'last', kind: 'Dense', name: 'dense9', attrs: { units: 3 } },
    { id: 'out', kind: 'Output', name: 'output' },
  ],
  edges: [
    { id: 'e0', source: { node: 'in', port: 'output' }, target: { node: 'r', port: 'data' } },
    { id: 'e1', source: { node: 'r', port: 'output' }, target: { node: 'last', port: 'data' } },
    { id: 'e2', source: { node: 'last', port: 'output' }, target: { node: 'out', port: 'data' } },
  ],
  layout: { positions: { in: { x: 0, y: 0 }, r: { x: 240, y: 0 }, last: { x: 520, y: 0 }, out: { x: 760, y: 0 } } },
  blocks: [],
};

async function runAndReadNames(p: Page): Promise<string[]> {
  await p.locator('.toolbar').getByRole('button', { name: 'Run', exact: true }).click();
  await p.getByRole('tab', { name: /Parameters/ }).click();
  const rows = p.getByTestId('param-table').locator('tr[data-param]');
  await rows.first().waitFor({ timeout: 20_000 });
  return rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-param') ?? ''));
}

test('an inline sequence repeat expands, and double-click makes it a definition and opens it (one undo step)', { skip, timeout: 90_000 }, async () => {
  const p = page();
  await p.getByTestId('open-file').setInputFiles({ name: 'sequence.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(DOC)) });
  await canvasNode(p, 'repeat0').waitFor();
  const before = await runAndReadNames(p);
  assert.deepEqual(before.slice(0, 4), ['dense5_weight', 'dense5_bias', 'dense7_weight', 'dense7_bias']);

  await p.getByTestId('repeat-toggle-repeat0').click();
  await expectTexts(p.getByTestId('repeat-copies-repeat0').getByTestId('repeat-copy'), ['dense5 → dense7', 'dense0 → dense1', 'dense2 → dense3']);
  await p.getByTestId('repeat-toggle-repeat0').click();

  await canvasNode(p, 'repeat0').locator('.layer-node-name').dblclick();
  const crumb = p.getByTestId('breadcrumb');
  await crumb.filter({ hasText: /main\s*›\s*block1/ }).waitFor();
  await canvasNode(p, 'dense5').waitFor();
  await canvasNode(p, 'dense7').waitFor();
  await p.getByTestId('node-shape-dense5').filter({ hasText: '56 params' }).waitFor({ timeout: 10_000 });
  // Back on the main graph the same parameters, by the same names.
  await crumb.getByRole('button', { name: 'main' }).click();
  assert.deepEqual(await runAndReadNames(p), before);

  // One undo: the sequence is back (the inspector says so).
  const inspector = p.getByTestId('block-inspector');
  await canvasNode(p, 'repeat0').locator('.layer-node-name').click();
  await inspector.filter({ hasText: 'definition block1' }).waitFor();
  await p.keyboard.press('Control+z');
  await inspector.filter({ hasText: 'definition (inline sequence)' }).waitFor();
  // The inspector's button does what double-click does; its undo leaves the definition too.
  await inspector.getByRole('button', { name: 'Make a definition and open it' }).click();
  await crumb.filter({ hasText: /main\s*›\s*block1/ }).waitFor();
  await canvasNode(p, 'dense5').waitFor();
  await p.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await p.keyboard.press('Control+z');
  await crumb.waitFor({ state: 'detached' });
  await canvasNode(p, 'repeat0').locator('.layer-node-name').click();
  await inspector.filter({ hasText: 'definition (inline sequence)' }).waitFor();
  assert.deepEqual(suite.editor().problems, []);
});
