// The generated Python: PyTorch and Gluon modules compile (python3 -m py_compile) and have the
// document's structure. The PyTorch module runs in real PyTorch (Debian's python3-torch, called as
// /usr/bin/python3) on the exported .safetensors and must match runModel: the loader's keys and
// transposes, the modules, the forward's order and every layer's math. MXNet is not installed
// here, so the Gluon module is checked for structure only.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { np } from '../../../engine/index.ts';
import { runModel } from '../../../engine/graph/index.ts';
import { readArrayFile } from '../../../engine/io/array-file.ts';
import type { HostTensor } from '../../../engine/io/host-tensor.ts';
import { ExportError, exportGraph, exportParameters, gluonCode, prepareModel, pytorchCode } from '../../../engine/export/index.ts';
import type { ExportOp } from '../../../engine/export/export-graph.ts';
import { allDocuments, documentInput, NOT_EXPORTABLE, tiedDocument } from './export-documents.ts';
import { maxRelativeError } from './relative-error.ts';

const dir = mkdtempSync(join(tmpdir(), 'blocksmith-python-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const python = (args: string[]): string => execFileSync('/usr/bin/python3', args, { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });

/** How forward() starts the line binding an op's output (a layer whose final states are read unpacks several: `y, (hn, cn) = `). */
const bound = (o: ExportOp): string => `${o.output}${o.outputs.slice(1).some(Boolean) ? ', ' : ' = '}`;

/** Asserts `needles` occur in `text` in this order. */
function assertInOrder(text: string, needles: string[]): void {
  let at = -1;
  for (const n of needles) {
    const i = text.indexOf(n, at + 1);
    assert.ok(i > at, `'${n}' should follow the previous statement`);
    at = i;
  }
}

// Runs the generated module in PyTorch: load_safetensors, then forward (eval mode) on the given input.
const RUN_PYTORCH = String.raw`
import importlib.util, json, sys
import torch
spec = importlib.util.spec_from_file_location('generated', sys.argv[1])
mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
x = json.loads(sys.argv[3])
model = mod.load_safetensors(getattr(mod, sys.argv[4])(), sys.argv[2]).eval()
with torch.no_grad():
    y = model(torch.tensor(x['data'], dtype=torch.long if x.get('int') else torch.float32).reshape(x['shape']))
print(json.dumps({'shape': list(y.shape), 'data': [float(v) for v in y.reshape(-1).tolist()]}))
`;

for (const [name, doc] of allDocuments()) {
  if (name in NOT_EXPORTABLE) continue;
  test(`PyTorch code for ${name}: compiles, has the document's layers in order, and computes runModel's output`, async () => {
    const model = await prepareModel(doc);
    const graph = exportGraph(model);
    const code = pytorchCode(graph, { title: doc.title });
    const file = join(dir, `${name.replace(/-/g, '_')}_torch.py`);
    writeFileSync(file, code);
    python(['-m', 'py_compile', file]);
    assert.match(code, new RegExp(`^class ${graph.className}\\(nn\\.Module\\):$`, 'm'));
    const dense = graph.ops.filter((o) => o.kind === 'Dense' || o.kind === 'MyDense');
    for (const op of new Set(dense.map((o) => o.name))) assert.ok(code.includes(`self.${op} = nn.Linear(`) || code.includes(`shares`), op);
    assertInOrder(code.slice(code.indexOf('def forward')), graph.ops.map(bound));

    // The loader's keys are exactly the exported file's, read back with our reader.
    const st = join(dir, `${name}.safetensors`);
    await exportParameters(model, st, 'safetensors');
    const tensors = (await readArrayFile(st)) as Record<string, HostTensor>;
    const keys = [...code.matchAll(/^ {4}'([A-Za-z0-9_]+)': \('([A-Za-z0-9_.]+)', (True|False)\),$/gm)];
    assert.deepEqual(keys.map((k) => k[1]).sort(), Object.keys(tensors).sort());

    const shape = doc.input.shape.map((d) => (d < 0 ? 2 : d));
    const x = documentInput(doc, shape, 7);
    const expected = runModel(model, [x]).outputs[0]!;
    const wire = { shape, data: Array.from(x.toTyped() as Float32Array, Number), int: !x.dtype.startsWith('float') };
    const out = JSON.parse(python(['-c', RUN_PYTORCH, file, st, JSON.stringify(wire), graph.className])) as { shape: number[]; data: number[] };
    assert.deepEqual(out.shape, expected.shape);
    const err = maxRelativeError(out.data, expected.toTyped() as Float32Array);
    assert.ok(err <= 1e-5, `relative error ${err}`);
  });

  test(`Gluon code for ${name}: compiles, prefixes children with the document's names, forward in order`, async () => {
    const model = await prepareModel(doc);
    const graph = exportGraph(model);
    const code = gluonCode(graph, { title: doc.title });
    const file = join(dir, `${name.replace(/-/g, '_')}_gluon.py`);
    writeFileSync(file, code);
    python(['-m', 'py_compile', file]);
    assert.match(code, new RegExp(`^class ${graph.className}\\(nn\\.Block\\):$`, 'm'));
    for (const op of graph.ops.filter((o) => o.kind === 'Dense')) {
      assert.ok(code.includes(`prefix='${op.name}_'`) || code.includes(`# ${op.name} shares`), `${op.name} is a child named ${op.name}_`);
    }
    assertInOrder(code.slice(code.indexOf('def forward')), graph.ops.map(bound));
    assert.match(code, /net\.collect_params\(\)\.load\(path/);
  });
}

test('tied layers: PyTorch calls the shared module, Gluon and the loader list the parameters once', async () => {
  const doc = allDocuments().find(([n]) => n === 'tied')![1];
  const graph = exportGraph(await prepareModel(doc));
  const torch = pytorchCode(graph);
  assert.match(torch, /# dense2 shares dense0's parameters/);
  assert.match(torch, /dense2 = F\.relu\(self\.dense0\(dense0\)\)/);
  assert.equal((torch.match(/'dense0_weight':/g) ?? []).length, 1);
  assert.doesNotMatch(torch, /self\.dense2 = /);
  assert.match(gluonCode(graph), /# dense2 shares dense0's parameters: the same child/);
});

for (const [name, nodeName] of Object.entries(NOT_EXPORTABLE)) {
  test(`code for ${name}: PyTorch and Gluon write ${nodeName}'s code block as a marked stub holding the original code`, async () => {
    const doc = allDocuments().find(([n]) => n === name)![1];
    const graph = exportGraph(await prepareModel(doc));
    for (const [generate, suffix] of [
      [pytorchCode, 'torch'],
      [gluonCode, 'gluon'],
    ] as const) {
      const code = generate(graph);
      assert.match(code, /^# STUB: code block class CodeStub_[0-9a-f]{8} is not translated: .*item\(\).*control flow/m);
      assert.ok(code.includes('    #     while (Number(x.abs().sum().item()) > 1) x = x.div(2);'), 'the original code, commented');
      assert.match(code, new RegExp(`self\\.${nodeName} = CodeStub_`));
      assert.match(code, /raise NotImplementedError/);
      const file = join(dir, `${name}_stub_${suffix}.py`);
      writeFileSync(file, code);
      python(['-m', 'py_compile', file]);
    }
  });
}

test('only the weight tied: PyTorch ties the tensor (TIED_KEYS) and still matches; Gluon refuses, naming the node', async () => {
  const model = await prepareModel(tiedDocument(['weight'], 'relu'));
  const graph = exportGraph(model);
  const code = pytorchCode(graph);
  assert.match(code, /self\.dense1\.weight = self\.dense0\.weight {2}# tied/);
  assert.match(code, /'dense1\.weight': 'dense0\.weight',/);
  const file = join(dir, 'partial_tie_torch.py');
  writeFileSync(file, code);
  const st = join(dir, 'partial-tie.safetensors');
  await exportParameters(model, st, 'safetensors');
  const x = np.random.uniform(-1, 1, [2, 4], { seed: 2 });
  const expected = runModel(model, [x]).outputs[0]!;
  const out = JSON.parse(
    python(['-c', RUN_PYTORCH, file, st, JSON.stringify({ shape: [2, 4], data: [...(x.toTyped() as Float32Array)] }), graph.className]),
  ) as { data: number[] };
  assert.ok(maxRelativeError(out.data, expected.toTyped() as Float32Array) <= 1e-5);
  assert.throws(
    () => gluonCode(graph),
    (e: unknown) => e instanceof ExportError && e.message.includes("'dense1'") && /tied/.test(e.message),
  );
});
