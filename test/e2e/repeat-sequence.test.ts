// A Repeat written with an inline `sequence` (as a file may have it), in the browser against the
// real web host and engine: it expands like a block repeat (the copies by the engine's names);
// double-click makes its layers a definition (block1) and opens it, with the layers' shapes;
// after Run the parameter names are the sequence's; one undo gives the sequence back on the main
// graph. A repeat with a tie inside lists each copy by the engine's names (not the tied weight's owner), and
// none one by one while the graph leaves them unnamed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { canvasNode, editorSuite, expectTexts, skip, waitForText } from './editor-harness.ts';

const suite = editorSuite();
const page = suite.page;

/** Input (2, 6) → repeat0 ×3 of [dense5 Dense(8, relu), dense7 Dense(6)] → dense9 Dense(3) → Output. */
const DOC = {
  format: 'blocksmith.graph',
  version: 2,
  title: 'sequence',
  input: { shape: [2, 6], dtype: 'float32' },
  seed: 0,
  nodes: [
    { id: 'in', kind: 'Input', name: 'data' },
    {
      id: 'r',
      kind: 'Repeat',
      name: 'repeat0',
      count: 3,
      sequence: [
        { kind: 'Dense', name: 'dense5', attrs: { units: 8, activation: 'relu' } },
        { kind: 'Dense', name: 'dense7', attrs: { units: 6 } },
      ],
    },
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
  await waitForText(p.getByTestId('doc-title'), 'sequence');
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

/** Input (2, 6) → repeat1 ×3 of `tied` [dense0 Dense(6), dense1 Dense(6) whose weight is dense0's] → Output; own parameters per copy. */
const TIED = {
  format: 'blocksmith.graph',
  version: 2,
  title: 'tied repeat',
  input: { shape: [2, 6], dtype: 'float32' },
  seed: 0,
  nodes: [
    { id: 'in', kind: 'Input', name: 'data' },
    { id: 'r', kind: 'Repeat', name: 'repeat1', count: 3, block: 'tied', shareParams: false },
    { id: 'out', kind: 'Output', name: 'output' },
  ],
  edges: [
    { id: 'e0', source: { node: 'in', port: 'output' }, target: { node: 'r', port: 'data' } },
    { id: 'e1', source: { node: 'r', port: 'output' }, target: { node: 'out', port: 'data' } },
  ],
  layout: { positions: { in: { x: 0, y: 0 }, r: { x: 260, y: 0 }, out: { x: 620, y: 0 } } },
  blocks: [
    {
      id: 'tied',
      nodes: [
        { id: 'bin', kind: 'Input', name: 'data' },
        { id: 'a', kind: 'Dense', name: 'dense0', attrs: { units: 6 } },
        { id: 'b', kind: 'Dense', name: 'dense1', attrs: { units: 6 }, params: { weight: { tiedTo: { node: 'a', param: 'weight' } } } },
        { id: 'bout', kind: 'Output', name: 'output' },
      ],
      edges: [
        { id: 'x0', source: { node: 'bin', port: 'output' }, target: { node: 'a', port: 'data' } },
        { id: 'x1', source: { node: 'a', port: 'output' }, target: { node: 'b', port: 'data' } },
        { id: 'x2', source: { node: 'b', port: 'output' }, target: { node: 'bout', port: 'data' } },
      ],
    },
  ],
};

test("Expand copies of a repeat with a tie lists each copy's own layer names, as the engine names them", { skip, timeout: 90_000 }, async () => {
  const p = page();
  await p.getByTestId('open-file').setInputFiles({ name: 'tied-repeat.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(TIED)) });
  await waitForText(p.getByTestId('doc-title'), 'tied-repeat');
  await canvasNode(p, 'repeat1').waitFor();
  // The oracle: the model's own parameters. Every layer owns its bias (the weight of the second is the first's).
  const names = await runAndReadNames(p);
  const layers = names.filter((n) => n.endsWith('_bias')).map((n) => n.slice(0, -'_bias'.length));
  assert.equal(layers.length, 6);
  const expected = [0, 1, 2].map((i) => `${layers[2 * i]} → ${layers[2 * i + 1]}`);
  assert.deepEqual(expected, ['dense0 → dense1', 'dense2 → dense3', 'dense4 → dense5']);
  await p.getByTestId('repeat-toggle-repeat1').click();
  await expectTexts(p.getByTestId('repeat-copies-repeat1').getByTestId('repeat-copy'), expected);

  // Cut off from its input the graph has an error, yet the engine still names every layer: the copies keep their own names.
  const cut = { ...TIED, edges: TIED.edges.filter((e) => e.id !== 'e0') };
  await p.getByTestId('open-file').setInputFiles({ name: 'tied-cut.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(cut)) });
  await waitForText(p.getByTestId('doc-title'), 'tied-cut');
  await canvasNode(p, 'repeat1').getByTestId('problem-badge').waitFor();
  await p.getByTestId('repeat-toggle-repeat1').click();
  await expectTexts(p.getByTestId('repeat-copies-repeat1').getByTestId('repeat-copy'), expected);
  assert.equal(await p.getByTestId('repeat-copies-unnamed').count(), 0);
});
