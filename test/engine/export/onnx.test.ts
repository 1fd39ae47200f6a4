// ONNX round trip: every exportable document exported, run in onnxruntime-node (software nobody
// here wrote) and compared with the engine's runModel on the same parameters and input.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { runModel } from '../../../engine/graph/index.ts';
import { exportGraph } from '../../../engine/export/export-graph.ts';
import { ExportError } from '../../../engine/export/export-error.ts';
import { exportOnnx } from '../../../engine/export/onnx/onnx-export.ts';
import { prepareModel } from '../../../engine/export/prepare-model.ts';
import { allDocuments, documentInput, NOT_EXPORTABLE } from './export-documents.ts';
import { maxRelativeError } from './relative-error.ts';

const RELATIVE_TOLERANCE = 1e-5;

for (const [name, doc] of allDocuments()) {
  if (name in NOT_EXPORTABLE) continue;
  test(`ONNX: ${name} runs in onnxruntime and matches runModel (relative error <= 1e-5)`, async () => {
    const model = await prepareModel(doc);
    const bytes = exportOnnx(exportGraph(model));
    const session = await ort.InferenceSession.create(bytes);
    assert.deepEqual(session.inputNames, ['data']);
    assert.deepEqual(session.outputNames, ['output']);
    const shape = doc.input.shape.map((d) => (d < 0 ? 3 : d));
    const x = documentInput(doc, shape, 11);
    const expected = runModel(model, [x]).outputs[0]!;
    const result = await session.run({ data: new ort.Tensor(x.dtype, x.toTyped() as Float32Array, shape) });
    const y = result.output!;
    assert.deepEqual([...y.dims], expected.shape);
    const err = maxRelativeError(y.data as Float32Array, expected.toTyped() as Float32Array);
    assert.ok(err <= RELATIVE_TOLERANCE, `relative error ${err}`);
  });
}

for (const [name, nodeName] of Object.entries(NOT_EXPORTABLE)) {
  test(`ONNX: ${name} is refused with an error naming ${nodeName}`, async () => {
    const doc = allDocuments().find(([n]) => n === name)![1];
    const model = await prepareModel(doc);
    assert.throws(
      () => exportOnnx(exportGraph(model)),
      (e: unknown) => {
        assert.ok(e instanceof ExportError);
        assert.equal(e.code, 'E_EXPORT_UNSUPPORTED');
        assert.match(e.message, new RegExp(`'${nodeName}'`));
        assert.match(e.message, /control flow/);
        return true;
      },
    );
  });
}
