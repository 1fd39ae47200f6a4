// The page's reader of a dropped .safetensors model against the engine's writer: the bytes
// encodeArrayFile writes (several dtypes, NaN and infinities included) read back as the same
// arrays and the same embedded document; a file without a document, or cut short, is refused
// naming the file.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeArrayFile } from '../../engine/io/array-file.ts';
import { GRAPH_FORMAT } from '../../engine/protocol/graph-document.ts';
import { NotAModelFile, readSafetensorsModel } from '../../renderer/files/safetensors-model.ts';

const doc = { format: GRAPH_FORMAT, version: 2, title: 'tiny', nodes: [], edges: [] };

test('arrays and the document come back as the engine wrote them', () => {
  const weight = Float32Array.from([0.5, -1.25, Number.NaN, Number.POSITIVE_INFINITY, 3, -0]);
  const bytes = encodeArrayFile(
    'm.safetensors',
    {
      dense0_weight: { dtype: 'float32', shape: [2, 3], data: weight },
      dense0_bias: { dtype: 'float64', shape: [2], data: Float64Array.from([1e-300, 2]) },
      steps: { dtype: 'int32', shape: [1], data: Int32Array.from([-7]) },
    },
    { format: 'safetensors', metadata: { format: GRAPH_FORMAT, document: JSON.stringify(doc) } },
  );
  const model = readSafetensorsModel(bytes, 'm.safetensors');
  assert.deepEqual(model.document, doc);
  const byName = Object.fromEntries(model.arrays.map((a) => [a.name, a]));
  assert.deepEqual(byName.dense0_weight, { name: 'dense0_weight', dtype: 'float32', shape: [2, 3], data: [...weight] });
  assert.deepEqual(byName.dense0_bias?.data, [1e-300, 2]);
  assert.deepEqual(byName.steps, { name: 'steps', dtype: 'int32', shape: [1], data: [-7] });
});

test('a file of values only, or one cut short, is refused naming it', () => {
  const plain = encodeArrayFile('v.safetensors', { x: { dtype: 'float32', shape: [1], data: Float32Array.from([1]) } }, { format: 'safetensors' });
  assert.throws(
    () => readSafetensorsModel(plain, 'v.safetensors'),
    (e: unknown) => e instanceof NotAModelFile && /v\.safetensors carries no graph document/.test(e.message),
  );
  assert.throws(
    () => readSafetensorsModel(plain.subarray(0, 12), 'cut.safetensors'),
    (e: unknown) => e instanceof NotAModelFile && /cut\.safetensors/.test(e.message),
  );
});
