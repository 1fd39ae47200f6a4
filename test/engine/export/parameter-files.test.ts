// Parameter exports read back: MXNet .params (structural keys as Gluon's save_parameters writes,
// or Gluon names), .npz (also by numpy), and .safetensors with the document embedded, which opens
// as a model that reproduces the outputs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { np } from '../../../engine/index.ts';
import { GRAPH_FORMAT, runModel } from '../../../engine/graph/index.ts';
import { readArrayFileInfo } from '../../../engine/io/array-file.ts';
import type { HostTensor } from '../../../engine/io/host-tensor.ts';
import { ExportError, exportParameters, openModelFile, parameterEntries, prepareModel } from '../../../engine/export/index.ts';
import { allDocuments } from './export-documents.ts';

const dir = mkdtempSync(join(tmpdir(), 'blocksmith-params-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const doc = (name: string) => allDocuments().find(([n]) => n === name)![1];

test('.params: structural keys by default (save_parameters), values and shapes exact; Gluon names on request', async () => {
  const model = await prepareModel(doc('nest-mlp'));
  const file = join(dir, 'nest.params');
  const written = await exportParameters(model, file, 'mxnet');
  const info = await readArrayFileInfo(file);
  assert.equal(info.format, 'mxnet');
  const content = info.content as Record<string, HostTensor>;
  assert.deepEqual(Object.keys(content), ['net.0.weight', 'net.0.bias', 'net.1.weight', 'net.1.bias', 'dense.weight', 'dense.bias']);
  assert.deepEqual(
    written.map((e) => e.key),
    Object.keys(content),
  );
  for (const [key, p] of parameterEntries(model, 'structural')) {
    assert.deepEqual(content[key]!.shape, p.data().shape);
    assert.deepEqual([...content[key]!.data], [...p.data().toTyped()]);
  }
  await exportParameters(model, file, 'mxnet', { keys: 'gluon' });
  assert.deepEqual(Object.keys((await readArrayFileInfo(file)).content), model.net.collectParams().keys());
});

test('tied parameters are written once, under the first name', async () => {
  const model = await prepareModel(doc('tied'));
  const file = join(dir, 'tied.params');
  await exportParameters(model, file, 'mxnet', { keys: 'gluon' });
  const keys = Object.keys((await readArrayFileInfo(file)).content);
  assert.deepEqual(keys, ['dense1_weight', 'dense1_bias', 'dense0_weight', 'dense0_bias', 'dense3_weight', 'dense3_bias']);
});

test('.npz: numpy reads the keys, shapes and values we wrote', async () => {
  const model = await prepareModel(doc('rgnet'));
  const file = join(dir, 'rgnet.npz');
  await exportParameters(model, file, 'npz');
  const seen = JSON.parse(
    execFileSync(
      'python3',
      [
        '-c',
        'import json,sys,numpy as np\nz=np.load(sys.argv[1])\nprint(json.dumps({k:[list(z[k].shape),str(z[k].dtype),float(z[k].sum())] for k in z.files}))',
        file,
      ],
      { encoding: 'utf8' },
    ),
  ) as Record<string, [number[], string, number]>;
  const entries = parameterEntries(model, 'gluon');
  assert.deepEqual(Object.keys(seen).sort(), entries.map(([k]) => k).sort());
  for (const [key, p] of entries) {
    assert.deepEqual(seen[key]![0], p.data().shape);
    assert.equal(seen[key]![1], 'float32');
    const sum = [...(p.data().toTyped() as Float32Array)].reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(seen[key]![2] - sum) < 1e-3, key);
  }
});

for (const name of ['mlp', 'rgnet', 'tied', 'chimera', 'branches']) {
  test(`.safetensors with the document: ${name} opens as a model and reproduces the outputs`, async () => {
    const model = await prepareModel(doc(name));
    const file = join(dir, `${name}.safetensors`);
    await exportParameters(model, file, 'safetensors');
    const info = await readArrayFileInfo(file);
    assert.equal(info.metadata?.format, GRAPH_FORMAT);
    assert.deepEqual(JSON.parse(info.metadata!.document!), JSON.parse(JSON.stringify(model.document)));
    const x = np.random.uniform(
      0,
      1,
      model.document.input.shape.map((d) => (d < 0 ? 2 : d)),
      { seed: 3 },
    );
    const expected = runModel(model, [x]).outputs[0]!.toArray();
    const opened = await openModelFile(file);
    assert.deepEqual(opened.document, model.document);
    assert.deepEqual(runModel(opened.model, [x]).outputs[0]!.toArray(), expected);
  });
}

test('a .safetensors file without a document is not a model, and says so', async () => {
  const model = await prepareModel(doc('mlp'));
  const file = join(dir, 'bare.safetensors');
  await exportParameters(model, file, 'safetensors', { embedDocument: false });
  assert.equal((await readArrayFileInfo(file)).metadata, undefined);
  await assert.rejects(openModelFile(file), (e: unknown) => e instanceof ExportError && /carries no graph document/.test(e.message));
  const json = join(dir, 'doc.json');
  writeFileSync(json, '{}');
  await assert.rejects(openModelFile(json), /not a recognised array file/);
});
