// Browser tests of File › Export… and of opening model files, against the real web host and
// engine. The chapter's MLP (one weight edited to 7 in the tensor view, so values a fresh build
// would not have) is exported to every target the CLI has, each chosen explicitly; a name whose
// extension belongs to another format is refused with the corrected one (mnist.onnx is never
// written as MXNet bytes). Every file is read back by another reader: the .npz by numpy, the ONNX
// in onnxruntime-node and the PyTorch code in PyTorch (both against numpy's forward on the .npz
// values), the TypeScript code run with tsx, the Gluon code compiled, the .params by its magic.
// The .safetensors opens as a model by File › Open and by a file dropped on the editor, with its
// values (the 7 included); the Parameters tab's .safetensors carries the graph too; a refused Run
// names and selects the first problem; the bottom panel is resized by its edge, remembered and
// maximized. Screenshot: export-dialog-light.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { after, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import type { Page } from 'playwright-core';
import { canvasNode, clickEmptyCanvas, editorSuite, fileMenu, fillField, repoRoot, screenshot, selectNode, skip, waitForText } from './editor-harness.ts';

const suite = editorSuite({ tempDir: 'export-e2e' });
const page = suite.page;
const PYTHON = '/usr/bin/python3';

const dialog = (p: Page) => p.getByRole('dialog', { name: 'Export the model' });
const paramRow = (p: Page, name: string) => p.getByTestId('param-table').locator(`tr[data-param="${name}"]`);
const cell = (p: Page, r: number, c: number) => p.getByTestId('tensor-table').locator(`td[data-cell="${r},${c}"]`);

/** The TypeScript export runs inside the repository (test-results/ is ignored), as an ES module next to the engine. */
let tsDir = '';
after(async () => {
  if (tsDir) await rm(tsDir, { recursive: true, force: true });
});

/** Chooses a format, types the path and exports; answers the report (or the refusal). */
async function exportAs(p: Page, target: string, file: string): Promise<{ report: string; error: string }> {
  if (!(await dialog(p).isVisible())) await fileMenu(p, 'Export…');
  await dialog(p).locator(`input[type="radio"][value="${target}"]`).check();
  await dialog(p).getByLabel('Export path').fill(file);
  await dialog(p).getByRole('button', { name: 'Export', exact: true }).click();
  const answer = dialog(p).locator('[data-testid="export-report"], [data-testid="export-error"]').first();
  await answer.waitFor({ timeout: 20_000 });
  await dialog(p).getByRole('button', { name: 'Export', exact: true }).and(p.locator(':enabled')).waitFor();
  const report =
    (await dialog(p)
      .getByTestId('export-report')
      .textContent({ timeout: 500 })
      .catch(() => '')) ?? '';
  const error =
    (await dialog(p)
      .getByTestId('export-error')
      .textContent({ timeout: 500 })
      .catch(() => '')) ?? '';
  return { report, error };
}

/** numpy's view of an .npz file: each array's shape and the forward of the chapter's MLP on x. */
function numpyForward(npz: string, x: number[][]): { shapes: Record<string, number[]>; y: number[][]; w01: number } {
  const code = String.raw`
import json, sys
import numpy as np
f = np.load(sys.argv[1])
x = np.array(json.loads(sys.argv[2]), dtype=np.float64)
h = np.maximum(x @ f['dense0_weight'].T + f['dense0_bias'], 0)
y = h @ f['dense1_weight'].T + f['dense1_bias']
print(json.dumps({'shapes': {k: list(f[k].shape) for k in f.files}, 'y': y.tolist(), 'w01': float(f['dense0_weight'][0, 1])}))
`;
  return JSON.parse(execFileSync(PYTHON, ['-c', code, npz, JSON.stringify(x)], { encoding: 'utf8' })) as ReturnType<typeof numpyForward>;
}

function assertClose(actual: number[][], expected: number[][], what: string, tolerance = 1e-4): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((row, i) =>
    row.forEach((v, j) => {
      const e = expected[i]![j]!;
      assert.ok(Math.abs(v - e) <= tolerance * (1 + Math.abs(e)), `${what}[${i}][${j}]: ${v} vs numpy's ${e}`);
    }),
  );
}

// Three samples of the MLP's 20 inputs (fixed values: the oracle and the readers get the same).
const X = Array.from({ length: 3 }, (_, i) => Array.from({ length: 20 }, (_, j) => Math.sin(i * 20 + j)));

test('File › Export… writes every CLI target as chosen; each file reads back in another reader', { skip, timeout: 240_000 }, async () => {
  const p = page();
  const dir = suite.dir();
  await p.getByLabel('Open example').selectOption('mlp');
  await canvasNode(p, 'dense1').waitFor();
  await p.locator('.toolbar').getByRole('button', { name: 'Run', exact: true }).click();
  await paramRow(p, 'dense0_weight').waitFor({ timeout: 20_000 });
  // net[0].weight.data()[0, 1] = 7: a value no fresh build has, so reading it back proves the values travel.
  await paramRow(p, 'dense0_weight').getByRole('button', { name: 'dense0_weight', exact: true }).click();
  await cell(p, 0, 1).click();
  await p.getByLabel('value [0, 1]').fill('7');
  await p.getByLabel('value [0, 1]').press('Enter');
  await waitForText(cell(p, 0, 1), /^7$/);

  // The wrong extension for the chosen format is refused, with the right name offered; nothing is written.
  const wrong = await exportAs(p, 'mxnet', path.join(dir, 'mnist.onnx'));
  assert.match(wrong.error, /MXNet \.params files end in \.params, not \.onnx/);
  await assert.rejects(stat(path.join(dir, 'mnist.onnx')));
  await dialog(p)
    .getByRole('button', { name: `Use ${path.join(dir, 'mnist.params')}` })
    .click();
  assert.equal(await dialog(p).getByLabel('Export path').inputValue(), path.join(dir, 'mnist.params'));
  await dialog(p).getByRole('button', { name: 'Export', exact: true }).click();
  await waitForText(dialog(p).getByTestId('export-report'), /^mxnet → /);
  // MXNet's NDArray list file starts with its magic number 0x112 (little-endian uint64).
  const params = await readFile(path.join(dir, 'mnist.params'));
  assert.equal(params.readBigUInt64LE(0), 0x112n);
  // Choosing another format switches the path's extension with it.
  await dialog(p).locator('input[type="radio"][value="onnx"]').check();
  assert.equal(await dialog(p).getByLabel('Export path').inputValue(), path.join(dir, 'mnist.onnx'));

  const npz = path.join(dir, 'mlp.npz');
  assert.match((await exportAs(p, 'npz', npz)).report, /dense0_weight \(256, 20\) float32/);
  const oracle = numpyForward(npz, X);
  assert.deepEqual(oracle.shapes, { dense0_weight: [256, 20], dense0_bias: [256], dense1_weight: [10, 256], dense1_bias: [10] });
  assert.equal(oracle.w01, 7);

  const onnxFile = path.join(dir, 'mlp.onnx');
  assert.match((await exportAs(p, 'onnx', onnxFile)).report, /^onnx → .*mlp\.onnx · [\d,]+ bytes/);
  await screenshot(p, 'export-dialog-light');
  const session = await ort.InferenceSession.create(onnxFile);
  const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', Float32Array.from(X.flat()), [3, 20]) });
  const y = Array.from(out[session.outputNames[0]!]!.data as Float32Array);
  assertClose(
    [0, 1, 2].map((i) => y.slice(i * 10, i * 10 + 10)),
    oracle.y,
    'onnxruntime',
  );

  const safetensors = path.join(dir, 'mlp.safetensors');
  assert.match((await exportAs(p, 'safetensors', safetensors)).report, /^safetensors → /);
  const torchFile = path.join(dir, 'mlp_torch.py');
  assert.match((await exportAs(p, 'pytorch', torchFile)).report, /^pytorch → /);
  const runTorch = String.raw`
import importlib.util, inspect, json, sys
import torch
spec = importlib.util.spec_from_file_location('generated', sys.argv[1])
mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
cls = [c for _, c in inspect.getmembers(mod, inspect.isclass) if issubclass(c, torch.nn.Module) and c.__module__ == 'generated'][-1]
model = mod.load_safetensors(cls(), sys.argv[2]).eval()
with torch.no_grad():
    print(json.dumps(model(torch.tensor(json.loads(sys.argv[3]), dtype=torch.float32)).tolist()))
`;
  const torchY = JSON.parse(execFileSync(PYTHON, ['-c', runTorch, torchFile, safetensors, JSON.stringify(X)], { encoding: 'utf8' })) as number[][];
  assertClose(torchY, oracle.y, 'PyTorch');

  const gluonFile = path.join(dir, 'mlp_gluon.py');
  assert.match((await exportAs(p, 'gluon', gluonFile)).report, /^gluon → /);
  execFileSync(PYTHON, ['-m', 'py_compile', gluonFile], { env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  assert.match(await readFile(gluonFile, 'utf8'), /^class MLP\(nn\.(Hybrid)?Block\):$/m);

  await mkdir(path.join(repoRoot, 'test-results'), { recursive: true });
  tsDir = await mkdtemp(path.join(repoRoot, 'test-results', 'export-e2e-'));
  const tsFile = path.join(tsDir, 'mlp.ts');
  assert.match((await exportAs(p, 'typescript', tsFile)).report, /^typescript → /);
  const runTs = `
const mod = await import(${JSON.stringify(tsFile)});
const { np } = await import(${JSON.stringify(path.join(repoRoot, 'engine/index.ts'))});
const load = Object.entries(mod).find(([k]) => k.startsWith('load'))[1];
const net = await load(${JSON.stringify(npz)});
console.log(JSON.stringify(net.call(np.array(${JSON.stringify(X)})).toArray()));`;
  const tsY = JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', runTs], { cwd: repoRoot, encoding: 'utf8' }),
  ) as number[][];
  assertClose(tsY, oracle.y, 'the TypeScript export');
  await dialog(p).getByRole('button', { name: 'Close' }).click();
  await dialog(p).waitFor({ state: 'detached' });
});

/** Exports the open model's values to an .npz by the dialog and answers numpy's reading of it. */
async function valuesNow(p: Page, file: string) {
  const { report, error } = await exportAs(p, 'npz', file);
  assert.equal(error, '', error);
  assert.match(report, /^npz → /);
  await dialog(p).getByRole('button', { name: 'Close' }).click();
  return numpyForward(file, X);
}

test('File › Open reads a .safetensors model with its values', { skip, timeout: 90_000 }, async () => {
  const p = page();
  const dir = suite.dir();
  const before = numpyForward(path.join(dir, 'mlp.npz'), X);
  await fileMenu(p, 'New');
  await canvasNode(p, 'dense0').waitFor({ state: 'detached' });
  await fileMenu(p, 'Open…');
  const ask = p.getByRole('dialog', { name: 'Open a document' });
  await ask.getByLabel('File path').fill(path.join(dir, 'mlp.safetensors'));
  await ask.getByLabel('File path').press('Enter');
  await waitForText(p.getByTestId('notice'), /Opened the model in .*mlp\.safetensors with its 4 parameter value/, 30_000);
  await canvasNode(p, 'dense1').waitFor();
  // Save must not write JSON over the weight file: the document is mlp.json with no path yet.
  await waitForText(p.getByTestId('doc-title'), /^mlp\.json/);
  const after = await valuesNow(p, path.join(dir, 'reopened.npz'));
  assert.equal(after.w01, 7);
  assertClose(after.y, before.y, 'the reopened model', 0);
});

test('a .safetensors model dropped on the editor opens with its values', { skip, timeout: 90_000 }, async () => {
  const p = page();
  const dir = suite.dir();
  await fileMenu(p, 'New');
  await canvasNode(p, 'dense0').waitFor({ state: 'detached' });
  const bytes = (await readFile(path.join(dir, 'mlp.safetensors'))).toString('base64');
  // What the browser hands the page when a file is dragged from the desktop and dropped.
  const transfer = await p.evaluateHandle((b64) => {
    const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([data], 'mlp.safetensors', { type: 'application/octet-stream' }));
    return dt;
  }, bytes);
  const pane = p.locator('.react-flow__pane');
  await pane.dispatchEvent('dragover', { dataTransfer: transfer });
  await pane.dispatchEvent('drop', { dataTransfer: transfer });
  await waitForText(p.getByTestId('notice'), /Opened the model in mlp\.safetensors with its 4 parameter value/, 30_000);
  await canvasNode(p, 'dense1').waitFor();
  const after = await valuesNow(p, path.join(dir, 'dropped.npz'));
  assert.equal(after.w01, 7);
  assertClose(after.y, numpyForward(path.join(dir, 'mlp.npz'), X).y, 'the dropped model', 0);
});

test("the Parameters tab's .safetensors carries the graph: it reopens as a model", { skip, timeout: 60_000 }, async () => {
  const p = page();
  const file = path.join(suite.dir(), 'from-parameters-tab.safetensors');
  await p.getByRole('tab', { name: /Parameters/ }).click();
  await p.locator('.parameter-panel').getByRole('button', { name: 'Files…', exact: true }).click();
  await p.getByLabel('Parameter or array file').fill(file);
  await p.getByRole('button', { name: 'Save parameters', exact: true }).click();
  await p.getByTestId('file-report').and(p.locator('[data-action="saved"]')).waitFor({ timeout: 20_000 });
  assert.equal(await p.getByTestId('file-error').count(), 0);
  await fileMenu(p, 'New');
  await fileMenu(p, 'Open…');
  const ask = p.getByRole('dialog', { name: 'Open a document' });
  await ask.getByLabel('File path').fill(file);
  await ask.getByLabel('File path').press('Enter');
  await waitForText(p.getByTestId('notice'), /Opened the model in .*from-parameters-tab\.safetensors/, 30_000);
  await canvasNode(p, 'dense1').waitFor();
});

test('a refused Run names the first problem and selects its node', { skip, timeout: 60_000 }, async () => {
  const p = page();
  await p.getByLabel('Open example').selectOption('mlp');
  await canvasNode(p, 'dense1').waitFor();
  await selectNode(p, 'dense1');
  // units 0 is out of range: the document cannot be built.
  await fillField(p, 'units *', '0');
  await clickEmptyCanvas(p);
  await p.locator('.toolbar').getByRole('button', { name: 'Run', exact: true }).click();
  await waitForText(p.getByTestId('notice'), /^Run: fix the problems first\. dense1: /);
  assert.equal(await canvasNode(p, 'dense1').evaluate((el) => el.closest('.react-flow__node')?.classList.contains('selected')), true);
  assert.equal(await p.getByRole('tab', { name: /Problems/ }).getAttribute('aria-selected'), 'true');
});

test('the bottom panel: dragged taller, remembered after a reload, maximized and restored', { skip, timeout: 60_000 }, async () => {
  const p = page();
  const panelBox = async () => (await p.locator('.bottom-panel').boundingBox())!;
  const canvasHeight = async () => (await p.getByTestId('canvas').boundingBox())!.height;
  const before = await panelBox();
  const handle = await p.getByTestId('panel-resize').boundingBox();
  assert.ok(handle);
  await p.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await p.mouse.down();
  await p.mouse.move(handle.x + handle.width / 2, handle.y - 150, { steps: 6 });
  await p.mouse.up();
  const dragged = await panelBox();
  assert.ok(Math.abs(dragged.height - (before.height + 150)) <= 8, `dragged 150 px up: ${before.height} → ${dragged.height}`);
  // The canvas is short now: the minimap gives way rather than cover nodes.
  if ((await canvasHeight()) <= 360) assert.equal(await p.locator('.minimap').isVisible(), false);

  await p.reload();
  await p.getByTestId('palette-Dense').waitFor({ timeout: 20_000 });
  // The edits above were never saved: the page offers them back first.
  const offer = p.getByRole('dialog', { name: 'Recover unsaved changes' });
  if (
    await offer.waitFor({ timeout: 5000 }).then(
      () => true,
      () => false,
    )
  )
    await offer.getByRole('button', { name: 'Discard' }).click();
  assert.ok(Math.abs((await panelBox()).height - dragged.height) <= 2, 'the height is remembered');

  await p.locator('.bottom-panel').getByRole('button', { name: 'Maximize' }).click();
  await p.waitForFunction(() => (document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect().height ?? 999) <= 100);
  assert.ok((await panelBox()).height > 600);
  await p.locator('.bottom-panel').getByRole('button', { name: 'Restore' }).click();
  await p.waitForFunction((h) => Math.abs((document.querySelector('.bottom-panel')?.getBoundingClientRect().height ?? 0) - h) <= 2, dragged.height);
});
