// ONNX import of models nobody here wrote: torchvision's resnet18, squeezenet1_1 and mobilenet_v2
// (random weights, no download) exported by torch.onnx.export in this file, imported into
// documents whose forward equals torch's (max|Δ|/max|y| ≤ 1e-4), whose residual / Fire /
// inverted-residual units are block instances of shared definitions, and which export back to
// ONNX (run in onnxruntime) and PyTorch (run in torch) with torch's output. A model with operators
// no kind reads (Sin, CumSum) is refused with every operator listed, and --partial keeps the rest
// with the gaps as problems.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runModel, validateDocument } from '../../../engine/graph/index.ts';
import { openModelFile, prepareModel } from '../../../engine/export/index.ts';
import type { GraphDocument } from '../../../engine/protocol/graph-document.ts';
import { readArrayFile } from '../../../engine/io/array-file.ts';
import type { HostTensor } from '../../../engine/io/host-tensor.ts';
import { fromHostTensor } from '../../../engine/io/ndarray-files.ts';
import { ImportError } from '../../../engine/import/import-error.ts';
import { importOnnx } from '../../../engine/import/onnx/onnx-import.ts';
import { applyForeignWeights, mapForeignWeights } from '../../../engine/import/weights/foreign-weights.ts';
import { exportTorchModels, npy as npyIn, relative, roundTrip } from './import-oracle.ts';

const dir = exportTorchModels([
  'resnet18',
  'squeezenet1_1',
  'mobilenet_v2',
  'transformer',
  'transformer_opset14',
  'transformer_masked',
  'transformer_masked_last',
  'odd',
]);
const npy = (file: string): Promise<HostTensor> => npyIn(dir, file);

// Block instances per model: resnet18's 8 BasicBlocks, squeezenet1_1's 8 Fire modules, and
// mobilenet_v2's 19 members of `features` (the stem and last 1×1 convolutions and 17 inverted
// residuals; the repeated ones with equal widths share definitions: 5-6, 8-10, 12-13, 15-16).
// The TransformerEncoder (d_model 32, 4 heads, 2 layers, batch_first): its 2 layers share one;
// exported at opset 17 (LayerNormalization) and 14 (LayerNorm spelled out in ReduceMean, Sub, ...),
// and with a causal mask (inside a module `enc`: MultiHeadAttention(causal), the Repeat enc_layers).
const INSTANCES: Record<string, number> = { resnet18: 8, squeezenet1_1: 8, mobilenet_v2: 19, transformer: 2, transformer_opset14: 2, transformer_masked: 2 };
const REPEATS: Record<string, [string, number][]> = {
  resnet18: [['layer1', 2]],
  transformer: [['layers', 2]],
  transformer_opset14: [['layers', 2]],
  transformer_masked: [['enc_layers', 2]],
};
const PARAMETERS: Record<string, number> = {
  resnet18: 11_689_512,
  squeezenet1_1: 1_235_496,
  mobilenet_v2: 3_504_872,
  transformer: 17_088,
  transformer_opset14: 17_088,
  transformer_masked: 17_088,
};

for (const name of ['resnet18', 'squeezenet1_1', 'mobilenet_v2', 'transformer', 'transformer_opset14', 'transformer_masked']) {
  test(`${name}: imported from torch.onnx.export, forward equals torch, units are blocks, ONNX and PyTorch re-exports agree`, async () => {
    const { document, report } = await roundTrip(dir, name);
    assert.deepEqual(report.unsupported, []);
    assert.equal(report.parameterCount, PARAMETERS[name], `${name}'s parameter count (torch's)`);
    assert.deepEqual(
      validateDocument(document).filter((p) => p.severity === 'error'),
      [],
    );

    // Structure: the units became instances (a Repeat ×N for a container's chained equal members
    // from index 0); some definitions serve several of them.
    const instances = document.nodes.filter((n) => n.kind === 'BlockInstance');
    const repeats = document.nodes.filter((n) => n.kind === 'Repeat');
    const uses = new Map<string, number>();
    for (const n of [...instances, ...repeats]) uses.set(n.block!, (uses.get(n.block!) ?? 0) + (n.count ?? 1));
    assert.equal(
      [...uses.values()].reduce((a, b) => a + b, 0),
      INSTANCES[name],
    );
    assert.equal(report.blockInstances, INSTANCES[name]);
    assert.deepEqual(
      repeats.map((n) => [n.name, n.count]),
      REPEATS[name] ?? [],
    );
    assert.ok(
      [...uses.values()].some((n) => n >= 2),
      `a definition used more than once: ${JSON.stringify([...uses])}`,
    );
    if (name === 'resnet18') {
      assert.equal(document.nodes.filter((n) => n.kind === 'BatchNorm').length, 1, "the stem's BatchNorm (the others are inside the blocks)");
      const labels = instances.map((n) => document.blocks.find((b) => b.id === n.block)!.label);
      // layer1.0 and layer1.1 share one definition: the Repeat layer1 ×2; the others differ (downsample, widths).
      assert.deepEqual(
        instances.map((n) => n.name),
        ['layer2_0', 'layer2_1', 'layer3_0', 'layer3_1', 'layer4_0', 'layer4_1'],
      );
      assert.equal(new Set(labels).size, 6);
      assert.equal(document.blocks.find((b) => b.id === repeats[0]!.block)!.label, 'layer1.0');
      assert.ok(
        instances.every((n) => document.layout?.collapsed?.[n.id] === true),
        'blocks collapsed',
      );
    }
    if (name === 'mobilenet_v2') {
      assert.equal(uses.size, 14, 'definitions');
      assert.deepEqual([...uses.values()].filter((n) => n > 1).sort(), [2, 2, 2, 3]);
      const clips = document.blocks.flatMap((b) => b.nodes).filter((n) => n.kind === 'Clip');
      assert.ok(clips.length > 0 && clips.every((n) => n.attrs?.min === 0 && n.attrs?.max === 6), 'ReLU6 as Clip(0, 6)');
    }
    if (name.startsWith('transformer')) {
      // The attention subgraph (some forty nodes per layer) is one MultiHeadAttention; LayerNormalization a LayerNorm.
      assert.equal(uses.size, 1);
      const layer = document.blocks[0]!.nodes.filter((n) => n.kind !== 'Input' && n.kind !== 'Output');
      assert.deepEqual(
        layer.map((n) => n.kind),
        ['MultiHeadAttention', 'Add', 'LayerNorm', 'Dense', 'Dense', 'Add', 'LayerNorm'],
      );
      assert.deepEqual(
        [0, 2, 3, 4, 6].map((i) => layer[i]!.name),
        ['self_attn', 'norm1', 'linear1', 'linear2', 'norm2'],
      );
      assert.equal(layer[0]!.attrs?.heads, 4);
      assert.equal(layer[0]!.attrs?.causal, name === 'transformer_masked', 'the causal mask added to the scores');
      assert.equal(layer[3]!.attrs?.activation, 'relu');
    }
  });
}

test('operators no kind reads: refused with each listed with its count and node names; --partial keeps the rest as problems', () => {
  const bytes = readFileSync(join(dir, 'odd.onnx'));
  assert.throws(
    () => importOnnx(bytes),
    (e: unknown) => {
      assert.ok(e instanceof ImportError);
      assert.equal(e.code, 'E_IMPORT_UNSUPPORTED');
      assert.match(e.message, /Sin ×1 \(\/Sin\)/);
      assert.match(e.message, /CumSum ×1 \(\/CumSum\)/);
      return true;
    },
  );
  const { document, report } = importOnnx(bytes, { partial: true });
  assert.deepEqual(
    report.unsupported.map((u) => [u.opType, u.count]),
    [
      ['Sin', 1],
      ['CumSum', 1],
    ],
  );
  assert.deepEqual(
    document.nodes.filter((n) => n.kind.startsWith('Unsupported_')).map((n) => n.kind),
    ['Unsupported_Sin', 'Unsupported_CumSum'],
  );
  assert.ok(document.nodes.some((n) => n.kind === 'Conv2D') && document.nodes.some((n) => n.kind === 'Dense'), 'the rest imported');
  const problems = validateDocument(document).filter((p) => p.severity === 'error');
  assert.ok(problems.length > 0 && problems.every((p) => /Unsupported_(Sin|CumSum)/.test(p.message)), JSON.stringify(problems.slice(0, 2)));
});

test('attention with a mask other than the causal one is not taken as MultiHeadAttention (it would drop the mask): refused, its nodes listed', () => {
  assert.throws(
    () => importOnnx(readFileSync(join(dir, 'transformer_masked_last.onnx'))),
    (e: unknown) => {
      assert.ok(e instanceof ImportError);
      assert.equal(e.code, 'E_IMPORT_UNSUPPORTED');
      for (const op of ['Slice ×6', 'Shape ×2', 'Gather ×2']) assert.ok(e.message.includes(op), `${op} in: ${e.message}`);
      assert.match(e.message, /\/enc\/layers\.0\/self_attn\/Slice/);
      return true;
    },
  );
});

test('blocksmith import: the document and a .safetensors that opens as the model; unsupported models exit 1 naming the operators', async () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [join(import.meta.dirname, '../../../scripts/blocksmith.mjs'), ...args], { encoding: 'utf8', timeout: 120000, cwd: dir });
  const ok = cli('import', join(dir, 'squeezenet1_1.onnx'), '--out', join(dir, 'sq.json'));
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /8 block instances of \d+ definitions, 1,235,496 parameters/);
  const document = JSON.parse(readFileSync(join(dir, 'sq.json'), 'utf8')) as GraphDocument;
  const { model } = await openModelFile(join(dir, 'sq.safetensors'));
  assert.deepEqual(model.document.nodes, document.nodes);
  const y = await npy('squeezenet1_1_y.npy');
  const ours = runModel(model, [fromHostTensor(await npy('squeezenet1_1_x.npy'))]).outputs[0]!;
  assert.ok(relative(ours.toTyped() as Float32Array, y.data as Float32Array) <= 1e-4);
  const refused = cli('import', join(dir, 'odd.onnx'), '--out', join(dir, 'odd.json'));
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /Sin ×1/);
  const partial = cli('import', join(dir, 'odd.onnx'), '--out', join(dir, 'odd.json'), '--partial');
  assert.equal(partial.status, 0, partial.stderr);
  assert.match(partial.stdout, /gap: CumSum ×1/);
});

test("foreign weights: resnet18's PyTorch state_dict (.npz) maps onto the imported document, shown first, then gives torch's output", async () => {
  const { document } = importOnnx(readFileSync(join(dir, 'resnet18.onnx')));
  const model = await prepareModel(document); // fresh random values
  const state = (await readArrayFile(join(dir, 'resnet18_state.npz'))) as Record<string, HostTensor>;
  const mapping = mapForeignWeights(model, state);
  assert.deepEqual(mapping.missing, []);
  assert.deepEqual(mapping.shapeMismatches, []);
  assert.ok(mapping.unexpected.length === 20 && mapping.unexpected.every((k) => k.endsWith('.num_batches_tracked')), mapping.unexpected.join(', '));
  assert.ok(mapping.matched.some((m) => m.key === 'layer2.0.downsample.1.running_var'));
  applyForeignWeights(model, state, mapping);
  const ours = runModel(model, [fromHostTensor(await npy('resnet18_x.npy'))]).outputs[0]!;
  const y = await npy('resnet18_y.npy');
  assert.ok(relative(ours.toTyped() as Float32Array, y.data as Float32Array) <= 1e-4);

  // A file for another model: every mismatch is listed before anything is applied.
  const wrong = { ...state, 'fc.weight': { dtype: 'float32' as const, shape: [10, 512], data: new Float32Array(5120) }, 'head.weight': state['fc.weight']! };
  delete (wrong as Record<string, HostTensor>)['conv1.weight'];
  const m2 = mapForeignWeights(model, wrong);
  assert.deepEqual(
    m2.shapeMismatches.map((m) => [m.key, m.fileShape, m.shape]),
    [['fc.weight', [10, 512], [1000, 512]]],
  );
  // Missing parameters are shown by the PyTorch key that would fill them: the key taken out.
  assert.deepEqual(m2.missing, ['conv1.weight']);
  assert.ok(m2.unexpected.includes('head.weight'));
});

test("foreign weights through a Repeat: the TransformerEncoder's state_dict fills layers ×2 copy by copy (layers.1.self_attn.in_proj_weight)", async () => {
  const { document } = importOnnx(readFileSync(join(dir, 'transformer.onnx')));
  const model = await prepareModel(document);
  const state = (await readArrayFile(join(dir, 'transformer_state.npz'))) as Record<string, HostTensor>;
  const mapping = mapForeignWeights(model, state);
  assert.deepEqual([mapping.missing, mapping.unexpected, mapping.shapeMismatches], [[], [], []]);
  assert.ok(mapping.matched.some((m) => m.key === 'layers.1.self_attn.in_proj_weight'));
  // Keys taken out of torch's state_dict come back as missing under those keys, Repeat copies
  // included, not as the engine's automatic names of the copies' layers (`dense1_weight`).
  const gone = ['layers.0.norm2.bias', 'layers.1.linear1.weight', 'layers.1.self_attn.out_proj.weight'];
  const partial = Object.fromEntries(Object.entries(state).filter(([k]) => !gone.includes(k)));
  assert.deepEqual(mapForeignWeights(model, partial).missing.sort(), gone);
  applyForeignWeights(model, state, mapping);
  const ours = runModel(model, [fromHostTensor(await npy('transformer_x.npy'))]).outputs[0]!;
  const err = relative(ours.toTyped() as Float32Array, (await npy('transformer_y.npy')).data as Float32Array);
  assert.ok(err <= 1e-4, `relative error ${err}`);
});

test('blocksmith map-weights: the mapping printed first, then applied and written; a file for another model refused with every difference', async () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [join(import.meta.dirname, '../../../scripts/blocksmith.mjs'), ...args], { encoding: 'utf8', timeout: 120000, cwd: dir });
  const imported = cli('import', join(dir, 'transformer.onnx'), '--out', join(dir, 'tr.json'));
  assert.equal(imported.status, 0, imported.stderr);
  const state = join(dir, 'transformer_state.npz');
  const shown = cli('map-weights', join(dir, 'tr.json'), state);
  assert.equal(shown.status, 0, shown.stderr);
  assert.match(shown.stdout, /24 matched, 0 missing, 0 unexpected, 0 shape mismatch/);
  const out = join(dir, 'tr_mapped.safetensors');
  const applied = cli('map-weights', join(dir, 'tr.json'), state, '--out', out);
  assert.equal(applied.status, 0, applied.stderr);
  const { model } = await openModelFile(out);
  const ours = runModel(model, [fromHostTensor(await npy('transformer_x.npy'))]).outputs[0]!;
  assert.ok(relative(ours.toTyped() as Float32Array, (await npy('transformer_y.npy')).data as Float32Array) <= 1e-4, "the written values are torch's");

  // resnet18's weights onto the transformer: nothing fits, and nothing is written.
  const refused = cli('map-weights', join(dir, 'tr.json'), join(dir, 'resnet18_state.npz'), '--out', join(dir, 'tr_wrong.safetensors'));
  assert.equal(refused.status, 1);
  assert.match(refused.stdout, /0 matched, \d+ missing, 122 unexpected/);
  // The missing lines name torch's keys, inside the Repeat's copies too.
  assert.match(refused.stdout, /^missing: layers\.0\.self_attn\.in_proj_weight$/m);
  assert.doesNotMatch(refused.stdout, /^missing: [a-z]+\d+_/m);
  assert.match(refused.stderr, /was not applied: .*parameter\(s\) the file does not fill \(allowMissing\), 122 key\(s\) that fill nothing/);
});
