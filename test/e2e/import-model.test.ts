// Importing a model nobody here wrote, in the browser against the real web host and engine:
// torchvision's resnet18 (random weights), exported with torch.onnx.export into the scratch folder
// by test/engine/import/torch-models.py, opened with File › Import model…. The canvas shows the
// stem, layer1 as a Repeat ×2 and the other residual units as block instances, all collapsed, a
// shape on every edge of the main graph, and the Parameters tab counts torchvision's 11,689,512
// trainable values (running statistics are state). torchvision's state_dict (.npz) maps onto it in
// the Files form: the mapping shown first (matched, unexpected), applied once ignore extra is ticked.
// The import lays a long main graph out in bands, so the fit on opening shows all of it, resnet18's
// 16 nodes and mobilenet_v2's 24, at a readable zoom in a 1440×900 window, without panning.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { MIN_FIT_ZOOM } from '../../renderer/canvas/view-fit.ts';
import { canvasNode, edgeShapes, editorSuite, fileMenu, repoRoot, screenshot, skip, waitForText } from './editor-harness.ts';

const suite = editorSuite({ tempDir: 'import-e2e' });
const page = suite.page;

/**
 * Checks the view shows the whole graph at a readable zoom, without panning: every node inside the
 * canvas, clear of the minimap, none overlapping another. Answers the nodes seen (name →
 * aria-expanded of its collapse toggle): the canvas renders only the nodes in view.
 */
async function wholeGraphInView(p: Page, when: string): Promise<Map<string, string | null>> {
  await p.waitForTimeout(400);
  const zoom = await p.locator('.react-flow__viewport').evaluate((e) => new DOMMatrixReadOnly(getComputedStyle(e).transform).a);
  assert.ok(zoom >= MIN_FIT_ZOOM - 1e-6, `${when}: zoom ${zoom} is below the readable ${MIN_FIT_ZOOM}`);
  const pane = await p.locator('.react-flow__pane').boundingBox();
  const minimap = await p.locator('.react-flow__minimap').boundingBox();
  assert.ok(pane && minimap);
  const seen = await p.locator('.react-flow__node').evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return {
        name:
          e
            .querySelector('[data-testid^="node-"]')
            ?.getAttribute('data-testid')
            ?.replace(/^node-/, '') ?? '',
        expanded: e.querySelector('button[aria-expanded]')?.getAttribute('aria-expanded') ?? null,
        box: { x: r.x, y: r.y, right: r.right, bottom: r.bottom },
      };
    }),
  );
  for (const { name, box } of seen)
    assert.ok(
      box.x >= pane.x && box.y >= pane.y && box.right <= pane.x + pane.width && box.bottom <= pane.y + pane.height,
      `${when}: ${name} ${JSON.stringify(box)} is outside the canvas ${JSON.stringify(pane)}`,
    );
  for (const { name, box } of seen)
    assert.ok(box.right <= minimap.x || box.bottom <= minimap.y, `${when}: ${name} is under the minimap ${JSON.stringify({ box, minimap, pane, zoom })}`);
  for (const [i, a] of seen.entries())
    for (const b of seen.slice(i + 1))
      assert.ok(
        a.box.right <= b.box.x || b.box.right <= a.box.x || a.box.bottom <= b.box.y || b.box.bottom <= a.box.y,
        `${when}: ${a.name} and ${b.name} overlap`,
      );
  return new Map(seen.map(({ name, expanded }) => [name, expanded]));
}

test(
  'File › Import model… opens torchvision mobilenet_v2: its 24-node main graph in view at a readable zoom, without panning',
  { skip, timeout: 180_000 },
  async () => {
    // First in the file: the canvas has the size a fresh window gives it (the resnet18 test below
    // opens the Files form, which makes the bottom panel taller).
    const p = page();
    execFileSync('/usr/bin/python3', [path.join(repoRoot, 'test/engine/import/torch-models.py'), suite.dir(), 'mobilenet_v2'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await fileMenu(p, 'Import model…');
    const dialog = p.getByRole('dialog', { name: 'Open a document' });
    await dialog.waitFor();
    await dialog.getByLabel('File path').fill(path.join(suite.dir(), 'mobilenet_v2.onnx'));
    await dialog.getByLabel('File path').press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await canvasNode(p, 'features_18').waitFor({ timeout: 60_000 });
    const nodes = await wholeGraphInView(p, 'opened');
    // data, features.0-18 as block instances, the pooling, flatten, classifier.1 and output.
    assert.equal(nodes.size, 24, [...nodes.keys()].join(', '));
    assert.ok(['data', 'features_0', 'features_18', 'classifier_1', 'output'].every((n) => nodes.has(n)));
    await p.locator('.react-flow__controls-fitview').click();
    assert.equal((await wholeGraphInView(p, 'fit view')).size, 24);
    await screenshot(p, 'import-mobilenet_v2');
  },
);

test(
  'File › Import model… opens torchvision resnet18: blocks collapsed, shapes on every edge, 11,689,512 values; its state_dict mapped, then applied',
  { skip, timeout: 180_000 },
  async () => {
    const p = page();
    execFileSync('/usr/bin/python3', [path.join(repoRoot, 'test/engine/import/torch-models.py'), suite.dir(), 'resnet18'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const model = path.join(suite.dir(), 'resnet18.onnx');
    await fileMenu(p, 'Import model…');
    const dialog = p.getByRole('dialog', { name: 'Open a document' });
    await dialog.waitFor();
    await dialog.getByLabel('File path').fill(model);
    await dialog.getByLabel('File path').press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await canvasNode(p, 'layer1').waitFor({ timeout: 60_000 });
    await waitForText(canvasNode(p, 'layer1'), '×2');

    // The import lays the 16-node chain out in bands (engine/import/onnx/layout.ts), so the fit on
    // opening shows the whole main graph at a readable zoom without panning; so does the fit-view control.
    const nodes = await wholeGraphInView(p, 'opened');
    const shapes = await edgeShapes(p);
    await p.locator('.react-flow__controls-fitview').click();
    assert.deepEqual([...(await wholeGraphInView(p, 'fit view')).keys()].sort(), [...nodes.keys()].sort());
    await screenshot(p, 'import-resnet18');
    const names = [
      'data',
      'conv1',
      'bn1',
      'relu',
      'maxpool',
      'layer1',
      'layer2_0',
      'layer2_1',
      'layer3_0',
      'layer3_1',
      'layer4_0',
      'layer4_1',
      'avgpool',
      'flatten',
      'fc',
      'output',
    ];
    assert.deepEqual([...nodes.keys()].sort(), [...names].sort(), 'the main graph: stem, layer1 ×2, six residual units, head');
    // Collapsed: each block is one node (none of its layers on the main graph, the exact list above),
    // and the Repeat does not list its copies.
    assert.equal(nodes.get('layer1'), 'false', 'layer1 ×2 collapsed');
    // A shape on every edge: 16 nodes in a chain, 15 edges.
    assert.equal(Object.keys(shapes).length, 15, JSON.stringify(shapes));
    assert.ok(
      Object.values(shapes).every((s) => /^\(1, \d+/.test(s)),
      JSON.stringify(shapes),
    );
    assert.ok(Object.values(shapes).includes('(1, 1000)'), JSON.stringify(shapes));

    // The values came with the import: the Parameters tab counts torchvision's parameters.
    await p.getByRole('tab', { name: /Parameters/ }).click();
    await waitForText(p.getByTestId('param-values'), /^11,689,512 values$/, 60_000);
    // The run that counted them filled the tab and the bottom panel grew: the view, fitted and not
    // moved since, is fitted again to the smaller canvas (the last row not under the minimap).
    assert.deepEqual([...(await wholeGraphInView(p, 'after the run')).keys()].sort(), [...nodes.keys()].sort());
    await screenshot(p, 'import-resnet18-parameters');

    // torchvision's state_dict (.npz) mapped onto the imported model, shown before it is applied.
    await p.getByRole('button', { name: 'Files…' }).click();
    await p.getByLabel('Parameter or array file').fill(path.join(suite.dir(), 'resnet18_state.npz'));
    await p.getByRole('button', { name: 'Map foreign weights' }).click();
    const report = p.getByTestId('file-report');
    await report.and(p.locator('[data-action="mapped"]')).waitFor();
    const statuses = async () =>
      (await report.locator('li').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).reduce<Record<string, number>>(
        (n, st) => ({ ...n, [st!]: (n[st!] ?? 0) + 1 }),
        {},
      );
    assert.deepEqual(await statuses(), { extra: 20, read: 102 }, 'every parameter matched; num_batches_tracked ×20 unexpected');
    assert.match((await report.locator('li[data-entry="layer1.1.conv2.weight"]').textContent()) ?? '', /read — → conv\d*_weight$/);
    // Applying refuses the 20 unexpected keys until ignore extra is ticked.
    await p.getByRole('button', { name: 'Apply mapping' }).click();
    await waitForText(p.getByTestId('file-error'), /20 key\(s\) that fill nothing/);
    await p.getByRole('button', { name: 'Map foreign weights' }).click();
    await p.getByLabel('ignore extra').check();
    await p.getByRole('button', { name: 'Apply mapping' }).click();
    await report.and(p.locator('[data-action="applied"]')).waitFor();
    assert.deepEqual(await statuses(), { extra: 20, loaded: 102 });
    await screenshot(p, 'import-resnet18-weights');
  },
);
