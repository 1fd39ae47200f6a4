// Browser tests of code blocks in the editor (issue 18), against the real web host and engine:
// a person adds a Code block, writes a scaled residual x + alpha * dense(x) (alpha a declared
// parameter) in the inspector's code editor with the keyboard, using completion for np. and for
// the declared parameters; an engine error and a type error show on the line they name; the shape comes out on the
// edge; the block trains on spirals from the Training tab (the loss falls from about ln 2) and
// exports through File › Export… (ONNX by tracing, read back by onnxruntime). A block declaring two
// outputs draws a handle per port, each edge with its shape. And a document with
// code opened by path or by upload asks before running it: no shapes, a banner and problems that
// say why, until "Trust and run". Screenshots: code-editor-light, code-trust-prompt-light,
// code-two-outputs-light.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { clickEmptyCanvas, dropFromPalette, editorSuite, fileMenu, fillField, screenshot, selectNode, skip, waitForText, wire } from './editor-harness.ts';

const suite = editorSuite({ tempDir: 'code-e2e' });
const page = suite.page;

const editor = (p: Page) => p.getByTestId('code-editor');
const content = (p: Page) => editor(p).locator('.cm-content');
const completion = (p: Page) => p.locator('.cm-tooltip-autocomplete');

/** Types a line as a person would: the editor indents it and closes brackets; Escape first so Enter does not take a completion. */
async function typeLine(p: Page, text: string, enter = true): Promise<void> {
  await p.keyboard.type(text, { delay: 5 });
  await p.keyboard.press('Escape');
  if (enter) await p.keyboard.press('Enter');
}

/** The 1-based numbers of the editor lines that carry an error mark. */
async function errorLines(p: Page): Promise<number[]> {
  return content(p)
    .locator('.cm-line')
    .evaluateAll((lines) => lines.flatMap((l, i) => (l.querySelector('.cm-lintRange-error') ? [i + 1] : [])));
}

async function waitForErrorLines(p: Page, expected: number[]): Promise<void> {
  let lines: number[] = [];
  for (let i = 0; i < 60; i++) {
    lines = await errorLines(p);
    if (JSON.stringify(lines) === JSON.stringify(expected)) return;
    await p.waitForTimeout(250);
  }
  assert.deepEqual(lines, expected, 'the lines marked as errors');
}

async function clearEditor(p: Page): Promise<void> {
  await content(p).click();
  await p.keyboard.press('Control+a');
  await p.keyboard.press('Delete');
}

test(
  'write a scaled residual in the code editor: completion, an error on its line, the shape on the edge; train on spirals; export',
  { skip, timeout: 180_000 },
  async () => {
    const p = page();
    await fileMenu(p, 'New');
    await dropFromPalette(p, 'Input', 40, 200);
    await dropFromPalette(p, 'Dense', 200, 200);
    await fillField(p, 'units *', '16');
    await fillField(p, 'activation', 'relu');
    await dropFromPalette(p, 'Code', 400, 200);
    await dropFromPalette(p, 'Dense', 600, 200);
    await fillField(p, 'units *', '2');
    await dropFromPalette(p, 'Output', 800, 200);
    await wire(p, 'data0', 'dense0');
    await wire(p, 'dense0', 'code0');
    await wire(p, 'code0', 'dense1');
    await wire(p, 'dense1', 'output0');
    await clickEmptyCanvas(p);
    await fillField(p, 'input shape', '2×2');
    // The template is the identity: (2, 16) passes through.
    await waitForText(p.getByTestId('node-shape-output0'), '(2, 2)');

    await selectNode(p, 'code0');
    await editor(p).waitFor();
    // An engine error names line 2: the editor marks that line.
    await clearEditor(p);
    await typeLine(p, 'export function forward(self: Self, x: NDArray): NDArray {');
    await typeLine(p, 'return np.dot(x, np.ones([3, 3]));', false);
    await waitForErrorLines(p, [2]);
    await waitForText(p.locator('.inspector-problems'), /line 2/);
    // A type error the engine's run would not see (types are stripped): TypeScript's checker marks it.
    await clearEditor(p);
    await typeLine(p, 'export function forward(self: Self, x: NDArray): NDArray {');
    await typeLine(p, 'const y: number = x;');
    await typeLine(p, 'return x;', false);
    await waitForErrorLines(p, [2]);

    // The scaled residual, typed; completion offers np's functions and the declared parameters.
    await clearEditor(p);
    await typeLine(p, '// ScaledResidual: x + alpha * dense(x), alpha a learned scalar.');
    await typeLine(p, 'export const params = {');
    await typeLine(p, "weight: { shape: (x: number[]) => [x[x.length - 1], x[x.length - 1]], init: 'xavier' },");
    await typeLine(p, "bias: { shape: (x: number[]) => [x[x.length - 1]], init: 'zeros' },");
    await typeLine(p, "alpha: { shape: [1], init: ['constant', { value: 0.5 }] },", false);
    // Past the closing brace the editor put there.
    await p.keyboard.press('ArrowDown');
    await p.keyboard.press('End');
    await p.keyboard.press('Enter');
    await p.keyboard.press('Enter');
    await typeLine(p, 'export function forward(self: Self, x: NDArray): NDArray {');
    await p.keyboard.type('const dense = np.do', { delay: 5 });
    await completion(p).getByText('dot', { exact: true }).waitFor();
    // CodeMirror ignores Enter on a completion list younger than 75 ms (a key meant for the line).
    await p.waitForTimeout(200);
    await p.keyboard.press('Enter');
    await p.keyboard.type('(x, self.', { delay: 5 });
    for (const name of ['weight', 'bias', 'alpha']) await completion(p).getByText(name, { exact: true }).waitFor();
    await p.keyboard.type('weight.data()).add(self.bias.data());', { delay: 5 });
    await p.keyboard.press('Escape');
    await p.keyboard.press('Enter');
    await typeLine(p, 'return x.add(self.alpha.data().mul(dense));', false);
    await clickEmptyCanvas(p);

    // The residual keeps dense0's width: (2, 16) on the edge into dense1, and alpha is a parameter.
    await waitForText(p.getByTestId('node-shape-code0'), '273 params', 15_000);
    const intoDense1 = await p.locator('[data-testid="edge-shape"]').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    assert.ok(intoDense1.includes('(2, 16)'), intoDense1.join(' | '));
    await selectNode(p, 'code0');
    await waitForErrorLines(p, []);
    const source = await content(p).evaluate((el) => (el as HTMLElement).innerText);
    assert.match(source, /alpha: \{ shape: \[1\], init: \['constant', \{ value: 0\.5 \}\] \},/);
    assert.match(source, /const dense = np\.dot\(x, self\.weight\.data\(\)\)\.add\(self\.bias\.data\(\)\);/);
    await screenshot(p, 'code-editor-light');

    // Train on spirals: two classes, so fresh parameters give about ln 2; the residual learns.
    await p.getByRole('tab', { name: /Training/ }).click();
    const settings = p.getByTestId('training-settings');
    await settings.getByLabel('data', { exact: true }).selectOption('spirals');
    await settings.getByLabel('optimizer', { exact: true }).selectOption('adam');
    await settings.getByLabel('learning rate', { exact: true }).fill('0.02');
    await settings.getByLabel('epochs', { exact: true }).fill('30');
    await p.getByRole('button', { name: 'Start fresh', exact: true }).click();
    await p.waitForFunction(() => Number(document.querySelector('[data-testid="loss-chart"]')?.getAttribute('data-points')) >= 1, null, { timeout: 30_000 });
    const first = Number(await p.getByTestId('loss-readout').textContent());
    await p
      .getByTestId('training-state')
      .filter({ hasText: /^finished$/ })
      .waitFor({ timeout: 120_000 });
    const last = Number(await p.getByTestId('loss-readout').textContent());
    assert.ok(first > 0.4, `first loss ${first}`);
    assert.ok(last < first * 0.8, `the loss fell from ${first} to ${last}`);

    // Export: ONNX by tracing the code; the report names the file.
    const onnx = path.join(suite.dir(), 'residual.onnx');
    await fileMenu(p, 'Export…');
    const dialog = p.getByRole('dialog', { name: 'Export the model' });
    await dialog.locator('input[type="radio"][value="onnx"]').check();
    await dialog.getByLabel('Export path').fill(onnx);
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    await waitForText(dialog.getByTestId('export-report'), /onnx/, 30_000);
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(onnx);
    const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', new Float32Array([0.1, -0.2, 0.3, 0.4]), [2, 2]) });
    assert.deepEqual(out[session.outputNames[0]!]!.dims, [2, 2]);
    await dialog
      .getByRole('button', { name: /Close|Cancel/ })
      .first()
      .click();
  },
);

const UNTRUSTED = `// Doubler: someone else's code (${Date.now()}).
export function forward(self: Self, x: NDArray): NDArray {
  return x.mul(2);
}
`;

function codeDocument(title: string) {
  return {
    format: 'blocksmith.graph',
    version: 2,
    title,
    seed: 0,
    input: { shape: [2, 3], dtype: 'float32' },
    blocks: [],
    nodes: [
      { id: 'in', kind: 'Input', name: 'data' },
      { id: 'c', kind: 'Code', name: 'doubler0', attrs: { source: UNTRUSTED } },
      { id: 'out', kind: 'Output', name: 'output' },
    ],
    edges: [
      { id: 'e1', source: { node: 'in', port: 'output' }, target: { node: 'c', port: 'data' } },
      { id: 'e2', source: { node: 'c', port: 'output' }, target: { node: 'out', port: 'data' } },
    ],
  };
}

test('a document with code asks before running it: no shapes and a banner until Trust and run', { skip, timeout: 90_000 }, async () => {
  const p = page();
  const file = path.join(suite.dir(), 'doubler.json');
  await writeFile(file, JSON.stringify(codeDocument('doubler')));
  await fileMenu(p, 'Open…');
  const open = p.getByRole('dialog', { name: 'Open a document' });
  await open.getByLabel('File path').fill(file);
  await open.getByLabel('File path').press('Enter');

  await p.waitForTimeout(3000);
  await screenshot(p, 'dbg2');
  const prompt = p.getByTestId('trust-prompt');
  await prompt.waitFor({ timeout: 15_000 });
  assert.match((await prompt.textContent()) ?? '', /doubler0/);
  assert.match((await prompt.locator('pre').textContent()) ?? '', /return x\.mul\(2\);/);
  await screenshot(p, 'code-trust-prompt-light');
  // Nothing ran: the engine's problem on the node says why, and no shape reaches the output.
  assert.equal(await p.getByTestId('node-shape-output').textContent(), '?', 'no shape reaches the output');

  await prompt.getByRole('button', { name: 'Keep restricted' }).click();
  await p.getByRole('tab', { name: /Problems/ }).click();
  await waitForText(p.getByTestId('problems'), /doubler0.*trust/);
  const banner = p.getByTestId('restricted-banner');
  await waitForText(banner, /Restricted mode: the code in doubler0 has not run/);
  // Run is refused while restricted.
  await p.keyboard.press('Control+Enter');
  await waitForText(p.getByTestId('notice'), /doubler0|trust/i);
  assert.equal(await p.getByTestId('node-shape-output').textContent(), '?', 'no shape reaches the output');

  await banner.getByRole('button', { name: 'Review code…' }).click();
  await prompt.getByRole('button', { name: 'Trust and run' }).click();
  await waitForText(p.getByTestId('node-shape-output'), '(2, 3)', 15_000);
  await banner.waitFor({ state: 'detached' });

  // By upload, another document with other code: asked again. A shipped example is not.
  const other = codeDocument('doubler-upload');
  other.nodes[1]!.attrs = { source: UNTRUSTED.replace('mul(2)', 'mul(3)') };
  await p.getByTestId('open-file').setInputFiles({ name: 'uploaded.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(other)) });
  await prompt.waitFor({ timeout: 15_000 });
  assert.match((await prompt.locator('pre').textContent()) ?? '', /mul\(3\)/);
  await prompt.getByRole('button', { name: 'Keep restricted' }).click();
  await p.getByLabel('Open example').selectOption('centered');
  await p.waitForTimeout(1000);
  assert.equal(await prompt.count(), 0);
  assert.equal(await p.getByTestId('restricted-banner').count(), 0);
});

test('a code block declaring two outputs has a handle per port on the canvas, each edge with its own shape', { skip, timeout: 60_000 }, async () => {
  const p = page();
  const source = `// Split: twice the input, and its features mixed into five (${Date.now()}).
export const outputs = ['twice', 'mixed'];
export function forward(self: Self, x: NDArray): NDArray[] {
  return [x.mul(2), np.dot(x, np.ones([3, 5]))];
}
`;
  const doc = {
    format: 'blocksmith.graph',
    version: 2,
    title: 'split',
    seed: 0,
    input: { shape: [2, 3], dtype: 'float32' },
    blocks: [],
    nodes: [
      { id: 'in', kind: 'Input', name: 'data' },
      { id: 's', kind: 'Code', name: 'split0', attrs: { source } },
      { id: 'a', kind: 'Output', name: 'a' },
      { id: 'b', kind: 'Output', name: 'b' },
    ],
    edges: [
      { id: 'e0', source: { node: 'in', port: 'output' }, target: { node: 's', port: 'data' } },
      { id: 'e1', source: { node: 's', port: 'twice' }, target: { node: 'a', port: 'data' } },
      { id: 'e2', source: { node: 's', port: 'mixed' }, target: { node: 'b', port: 'data' } },
    ],
    layout: { positions: { in: { x: 0, y: 100 }, s: { x: 250, y: 100 }, a: { x: 550, y: 0 }, b: { x: 550, y: 200 } } },
  };
  await p.getByTestId('open-file').setInputFiles({ name: 'split.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
  const prompt = p.getByTestId('trust-prompt');
  await prompt.waitFor({ timeout: 15_000 });
  // The ports are read from the text: drawn before anything runs.
  const handles = () =>
    p
      .getByTestId('node-split0')
      .locator('.react-flow__handle.source')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-handleid')));
  assert.deepEqual(await handles(), ['twice', 'mixed']);
  await prompt.getByRole('button', { name: 'Trust and run' }).click();
  await waitForText(p.getByTestId('node-shape-a'), '(2, 3)', 15_000);
  await waitForText(p.getByTestId('node-shape-b'), '(2, 5)');
  const labels = await p
    .locator('[data-testid="edge-shape"]')
    .evaluateAll((els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-edge'), e.textContent])));
  assert.equal(labels.e1, '(2, 3)');
  assert.equal(labels.e2, '(2, 5)');
  await screenshot(p, 'code-two-outputs-light');
  // The code editor's styles and everything above ran under the page's CSP without a violation.
  assert.deepEqual(
    suite.editor().problems.filter((m) => /Content Security Policy|Refused to/i.test(m)),
    [],
  );
});
