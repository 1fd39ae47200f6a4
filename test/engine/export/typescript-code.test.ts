// The generated TypeScript is run: imported with tsx, loaded with the exported parameters (.npz
// with Gluon names) and called on the same input as runModel — the outputs must be identical,
// since it is the same model written with the same engine API.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Block } from '../../../engine/index.ts';
import { runModel } from '../../../engine/graph/index.ts';
import { ExportError, engineImportFor, exportGraph, exportParameters, prepareModel, typescriptCode } from '../../../engine/export/index.ts';
import { allDocuments, NOT_EXPORTABLE, tiedDocument, documentInput } from './export-documents.ts';
import { FANCY_MLP_SOURCE } from '../../../engine/nn/layers/code-examples.ts';

// Inside the repository (test-results/ is ignored): a .ts file outside a "type": "module" package
// would load as CommonJS and get a second copy of the engine's modules.
const results = fileURLToPath(new URL('../../../test-results/', import.meta.url));
mkdirSync(results, { recursive: true });
const dir = mkdtempSync(join(results, 'export-ts-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

// Every document, the chimera too: code blocks go into TypeScript as the very code they hold.
for (const [name, doc] of allDocuments()) {
  test(`TypeScript code for ${name}: runs and reproduces runModel exactly`, async () => {
    const model = await prepareModel(doc);
    const graph = exportGraph(model);
    const file = join(dir, `${name}.ts`);
    const code = typescriptCode(graph, { title: doc.title, engineImport: engineImportFor(file) });
    writeFileSync(file, code);
    assert.match(code, new RegExp(`^export class ${graph.className} extends Block \\{$`, 'm'));
    const params = join(dir, `${name}.npz`);
    await exportParameters(model, params, 'npz', { keys: 'gluon' });
    const mod = (await import(pathToFileURL(file).href)) as Record<string, (path: string) => Promise<Block>>;
    const net = await mod[`load${graph.className}`]!(params);
    const x = documentInput(
      doc,
      doc.input.shape.map((d) => (d < 0 ? 3 : d)),
      9,
    );
    const expected = runModel(model, [x]).outputs[0]!;
    const y = net.call(x);
    assert.deepEqual(y.shape, expected.shape);
    assert.deepEqual(y.toArray(), expected.toArray());
    // Same names as the document's model: the parameter files interchange.
    assert.deepEqual(net.collectParams().keys().sort(), model.net.collectParams().keys().sort());
  });
}

test("TypeScript code for chimera carries FancyMLP's code block source", async () => {
  const graph = exportGraph(await prepareModel(allDocuments().find(([n]) => n === 'chimera')![1]));
  const code = typescriptCode(graph, { engineImport: '../engine/index.ts' });
  assert.ok(code.includes(`new CodeBlock(${JSON.stringify(FANCY_MLP_SOURCE)}, { prefix: '${NOT_EXPORTABLE.chimera}_' })`), code);
});

test('TypeScript code: a fully tied layer with its own activation shares params; a partial tie is refused', async () => {
  const full = typescriptCode(exportGraph(await prepareModel(tiedDocument(['weight', 'bias'], 'tanh'))), { engineImport: 'x' });
  assert.match(full, /new Dense\(4, \{ activation: 'tanh', inUnits: 4, params: this\.dense0\.params, prefix: 'dense1_' \}\)/);
  const partial = exportGraph(await prepareModel(tiedDocument(['weight'], 'relu')));
  assert.throws(
    () => typescriptCode(partial, { engineImport: 'x' }),
    (e: unknown) => e instanceof ExportError && e.message.includes("'dense1'"),
  );
});
