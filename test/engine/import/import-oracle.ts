// What the import tests share: the models exported by torch-models.py into a temporary folder
// (one python process per test file), the error measure, and the round trip of an imported
// model: its forward (eager and compiled), its ONNX re-export in onnxruntime and its PyTorch
// re-export in torch, each against torch's output on the same input.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { runModel } from '../../../engine/graph/index.ts';
import { exportGraph, exportOnnx, exportParameters, prepareModel, pytorchCode } from '../../../engine/export/index.ts';
import { encodeArrayFile, readArrayFile } from '../../../engine/io/array-file.ts';
import type { HostTensor } from '../../../engine/io/host-tensor.ts';
import { fromHostTensor } from '../../../engine/io/ndarray-files.ts';
import { importOnnx, type OnnxImportResult } from '../../../engine/import/onnx/onnx-import.ts';

/** Exports the named models (torch-models.py) into a fresh folder removed after the file's tests. */
export function exportTorchModels(names: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'blocksmith-import-'));
  test.after(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync('/usr/bin/python3', [join(import.meta.dirname, 'torch-models.py'), dir, names.join(',')], { stdio: ['ignore', 'ignore', 'inherit'] });
  return dir;
}

export const npy = async (dir: string, file: string): Promise<HostTensor> => (await readArrayFile(join(dir, file))) as HostTensor;

/** max|a − b| / max|b|, the measure. */
export function relative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

const RUN_PYTORCH = String.raw`
import importlib.util, sys, numpy as np, torch
spec = importlib.util.spec_from_file_location('generated', sys.argv[1])
mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
model = mod.load_safetensors(getattr(mod, sys.argv[4])(), sys.argv[2]).eval()
with torch.no_grad():
    np.save(sys.argv[5], model(torch.tensor(np.load(sys.argv[3]))).numpy())
`;

/**
 * Imports `<name>.onnx` with its values and checks the forward, the ONNX re-export (onnxruntime;
 * `onnx: false` skips it) and the PyTorch re-export (torch) against torch's output (≤ 1e-4).
 */
export async function roundTrip(dir: string, name: string, options: { onnx?: boolean } = {}): Promise<OnnxImportResult> {
  const imported = importOnnx(readFileSync(join(dir, `${name}.onnx`)));
  const params = join(dir, `${name}.safetensors`);
  writeFileSync(params, encodeArrayFile(params, Object.fromEntries(imported.parameters)));
  const model = await prepareModel(imported.document, { params });
  const x = await npy(dir, `${name}_x.npy`);
  const y = await npy(dir, `${name}_y.npy`);
  const ours = runModel(model, [fromHostTensor(x)]).outputs[0]!;
  assert.deepEqual(ours.shape, y.shape);
  const err = relative(ours.toTyped() as Float32Array, y.data as Float32Array);
  assert.ok(err <= 1e-4, `${name}: engine vs torch: relative error ${err}`);
  // The compiled forward too (hybridize(): net plans with folded batch norms, Winograd 3×3
  // convolutions where they pay, fused attention) on a network nobody here wrote.
  model.net.hybridize();
  const compiled = runModel(model, [fromHostTensor(x)]).outputs[0]!;
  const compiledErr = relative(compiled.toTyped() as Float32Array, y.data as Float32Array);
  const segments = model.net.hybridCache?.describe() ?? [];
  model.net.hybridize(false);
  assert.ok(
    segments.some((line) => line.startsWith('native')),
    `${name}: the compiled forward ran no native plan: ${segments.join('; ')}`,
  );
  assert.ok(compiledErr <= 1e-4, `${name}: compiled forward vs torch: relative error ${compiledErr}`);

  const graph = exportGraph(model);
  if (options.onnx !== false) {
    const session = await ort.InferenceSession.create(exportOnnx(graph));
    const result = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', x.data as Float32Array, x.shape) });
    const onnxErr = relative(result[session.outputNames[0]!]!.data as Float32Array, y.data as Float32Array);
    assert.ok(onnxErr <= 1e-4, `${name}: re-exported ONNX vs torch: relative error ${onnxErr}`);
  }
  const code = join(dir, `${name}_net.py`);
  writeFileSync(code, pytorchCode(graph));
  const st = join(dir, `${name}_torch.safetensors`);
  await exportParameters(model, st, 'safetensors');
  const yTorch = join(dir, `${name}_back.npy`);
  execFileSync('/usr/bin/python3', ['-c', RUN_PYTORCH, code, st, join(dir, `${name}_x.npy`), graph.className, yTorch]);
  const back = await npy(dir, `${name}_back.npy`);
  const torchErr = relative(back.data as Float32Array, y.data as Float32Array);
  assert.ok(torchErr <= 1e-4, `${name}: re-exported PyTorch vs torch: relative error ${torchErr}`);
  return imported;
}
