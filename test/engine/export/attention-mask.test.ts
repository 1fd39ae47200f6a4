// MultiHeadAttention's optional ports in a document: a key-padding mask fed from a second Input
// node (N, T) of 0/1 (1 = ignore), combined with the causal mask; the key and value ports left
// open (self-attention). Shape inference with a deferred batch and an error naming the node, the
// ONNX export run in onnxruntime-node, and the PyTorch code run in real torch, both against runModel.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { np, type NDArray } from '../../../engine/index.ts';
import { inferShapes, runModel, type GraphDocument } from '../../../engine/graph/index.ts';
import { exportGraph, exportParameters, prepareModel, pytorchCode } from '../../../engine/export/index.ts';
import { exportOnnx } from '../../../engine/export/onnx/onnx-export.ts';
import { maxRelativeError } from './relative-error.ts';

const T = 5;

/** data (N, T, 8) → MultiHeadAttention (causal, mask from the Input `mask` (N, T)) → Dense(3). */
function maskDocument(maskShape: number[] = [-1, T], connectMask = true): GraphDocument {
  const e = (id: string, from: string, to: string, port = 'data') => ({ id, source: { node: from, port: 'output' }, target: { node: to, port } });
  return {
    format: 'blocksmith.graph',
    version: 2,
    input: { shape: [-1, T, 8], dtype: 'float32' },
    device: 'cpu',
    seed: 7,
    className: 'MaskedAttention',
    nodes: [
      { id: 'in', kind: 'Input', name: 'data' },
      { id: 'm', kind: 'Input', name: 'mask', attrs: { shape: maskShape } },
      { id: 'att', kind: 'MultiHeadAttention', name: 'multiheadattention0', attrs: { heads: 2, causal: true } },
      { id: 'd', kind: 'Dense', name: 'dense0', attrs: { units: 3, flatten: false } },
      { id: 'out', kind: 'Output', name: 'output' },
    ],
    edges: [e('e0', 'in', 'att'), ...(connectMask ? [e('e1', 'm', 'att', 'mask')] : []), e('e2', 'att', 'd'), e('e3', 'd', 'out')],
    blocks: [],
  };
}

// Two rows, no row entirely ignored (PyTorch gives NaN there; the engine's −1e9 gives a plain average).
const MASK = [0, 0, 1, 0, 1, 0, 1, 1, 0, 0];
const inputs = (): [NDArray, NDArray] => [np.random.uniform(-1, 1, [2, T, 8], { seed: 3 }), np.array(MASK).reshape([2, T])];

test('shape inference: the mask port is optional, the batch stays deferred, a wrong mask names the node', () => {
  const ok = inferShapes(maskDocument());
  assert.deepEqual(
    ok.problems.filter((p) => p.severity === 'error'),
    [],
  );
  assert.deepEqual(ok.nodes.att!.outputShapes, [[-1, T, 8]]);
  assert.deepEqual(
    inferShapes(maskDocument([-1, T], false)).problems.filter((p) => p.severity === 'error'),
    [],
  );
  const bad = inferShapes(maskDocument([-1, T + 1])).problems.filter((p) => p.severity === 'error');
  assert.equal(bad.length, 1);
  assert.equal(bad[0]!.nodeId, 'att');
  assert.match(bad[0]!.message, /multiheadattention0: .*key-padding mask must be \(N, S\) = \(-1, 5\), got \(-1, 6\)/);
});

test('the mask changes the output, and an all-zero mask equals no mask', async () => {
  const model = await prepareModel(maskDocument());
  const [x, m] = inputs();
  const masked = runModel(model, [x, m]).outputs[0]!;
  const zero = runModel(model, [x, np.zeros([2, T])]).outputs[0]!;
  const open = await prepareModel(maskDocument([-1, T], false));
  runModel(open, [x, np.zeros([2, T])]); // finishes deferred initialization
  const source = new Map(
    model.net
      .collectParams()
      .values()
      .map((p) => [p.name, p]),
  );
  open.net
    .collectParams()
    .values()
    .forEach((p) => p.setData(source.get(p.name)!.data()));
  const plain = runModel(open, [x, np.zeros([2, T])]).outputs[0]!;
  assert.ok(maxRelativeError(zero.toTyped() as Float32Array, plain.toTyped() as Float32Array) < 1e-6);
  assert.ok(maxRelativeError(masked.toTyped() as Float32Array, plain.toTyped() as Float32Array) > 1e-3);
});

test('ONNX: the masked attention runs in onnxruntime with two inputs and matches runModel', async () => {
  const model = await prepareModel(maskDocument());
  const session = await ort.InferenceSession.create(exportOnnx(exportGraph(model)));
  assert.deepEqual(session.inputNames, ['data', 'mask']);
  const [x, m] = inputs();
  const expected = runModel(model, [x, m]).outputs[0]!;
  const result = await session.run({
    data: new ort.Tensor('float32', x.toTyped() as Float32Array, x.shape),
    mask: new ort.Tensor('float32', m.toTyped() as Float32Array, m.shape),
  });
  assert.deepEqual([...result.output!.dims], expected.shape);
  const err = maxRelativeError(result.output!.data as Float32Array, expected.toTyped() as Float32Array);
  assert.ok(err <= 1e-5, `relative error ${err}`);
});

const RUN_PYTORCH = String.raw`
import importlib.util, json, sys
import torch
spec = importlib.util.spec_from_file_location('generated', sys.argv[1])
mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
xs = [torch.tensor(x['data'], dtype=torch.float32).reshape(x['shape']) for x in json.loads(sys.argv[3])]
model = mod.load_safetensors(mod.MaskedAttention(), sys.argv[2]).eval()
with torch.no_grad():
    y = model(*xs)
print(json.dumps({'shape': list(y.shape), 'data': [float(v) for v in y.reshape(-1).tolist()]}))
`;

test("PyTorch code: nn.MultiheadAttention with key_padding_mask computes runModel's output in torch", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'blocksmith-mask-'));
  try {
    const model = await prepareModel(maskDocument());
    const graph = exportGraph(model);
    const code = pytorchCode(graph, {});
    assert.match(code, /key_padding_mask=mask != 0/);
    writeFileSync(join(dir, 'model.py'), code);
    await exportParameters(model, join(dir, 'model.safetensors'), 'safetensors');
    const xs = inputs();
    const expected = runModel(model, xs).outputs[0]!;
    const wire = JSON.stringify(xs.map((x) => ({ shape: x.shape, data: Array.from(x.toTyped() as Float32Array) })));
    const out = JSON.parse(
      execFileSync('/usr/bin/python3', ['-c', RUN_PYTORCH, join(dir, 'model.py'), join(dir, 'model.safetensors'), wire], { encoding: 'utf8' }),
    ) as { shape: number[]; data: number[] };
    assert.deepEqual(out.shape, expected.shape);
    const err = maxRelativeError(Float32Array.from(out.data), expected.toTyped() as Float32Array);
    assert.ok(err <= 1e-5, `relative error ${err}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
