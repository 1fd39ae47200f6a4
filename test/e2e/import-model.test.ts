// Importing a model nobody here wrote, in the browser against the real web host and engine:
// torchvision's resnet18 (random weights), exported with torch.onnx.export into the scratch folder
// by test/engine/import/torch-models.py, opened with File › Import model…. The canvas shows the
// stem, layer1 as a Repeat ×2 and the other residual units as block instances, all collapsed, a
// shape on every edge of the main graph, and the Parameters tab counts torchvision's 11,689,512
// trainable values (running statistics are state). torchvision's state_dict (.npz) maps onto it in
// the Files form: the mapping shown first (matched, unexpected), applied once ignore extra is ticked.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { canvasNode, edgeShapes, editorSuite, fileMenu, repoRoot, screenshot, skip, waitForText } from './editor-harness.ts';

const suite = editorSuite({ tempDir: 'import-e2e' });
const page = suite.page;

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

    // The canvas draws only what is in view and the chain is wider than the smallest zoom: pan
    // across it, gathering the nodes, their collapse toggles and the edges' shapes.
    await p.locator('.react-flow__controls-fitview').click();
    const nodes = new Map<string, string | null>();
    const shapes: Record<string, string> = {};
    const pane = await p.locator('.react-flow__pane').boundingBox();
    assert.ok(pane);
    for (const dx of [0, 500, 500, -1500, -500]) {
      const y = pane.y + pane.height - 40;
      await p.mouse.move(pane.x + pane.width / 2, y);
      await p.mouse.down();
      await p.mouse.move(pane.x + pane.width / 2 + dx, y, { steps: 5 });
      await p.mouse.up();
      await p.waitForTimeout(300);
      const seen = await p.locator('.react-flow__node').evaluateAll((els) =>
        els.map(
          (e) =>
            [
              e
                .querySelector('[data-testid^="node-"]')
                ?.getAttribute('data-testid')
                ?.replace(/^node-/, '') ?? '',
              e.querySelector('button[aria-expanded]')?.getAttribute('aria-expanded') ?? null,
            ] as [string, string | null],
        ),
      );
      for (const [name, expanded] of seen) nodes.set(name, expanded);
      Object.assign(shapes, await edgeShapes(p));
    }
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
