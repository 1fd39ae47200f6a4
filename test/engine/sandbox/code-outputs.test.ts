// A code block with several outputs, declared in its source (`export const outputs = [...]`,
// engine/protocol/code-ports.ts): the node offers one port per name (read from the text, so an
// untrusted document still has them), shape inference gives each port its own shape, and the
// built model returns each array at its port; a forward returning another count is an error on
// the node that says what was declared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np } from '../../../engine/index.ts';
import { buildModel, inferShapes, parseDocument, type GraphDocument } from '../../../engine/graph/index.ts';
import { codeOutputNames } from '../../../engine/protocol/code-ports.ts';
import { nodePorts } from '../../../engine/protocol/node-ports.ts';
import { layerSpec } from '../../../engine/nn/layers/index.ts';
import { GraphBlock } from '../../../engine/graph/graph-block.ts';
import { trustCode } from '../../../engine/sandbox/trust.ts';
import * as ort from 'onnxruntime-node';
import { exportGraph } from '../../../engine/export/export-graph.ts';
import { exportOnnx } from '../../../engine/export/onnx/onnx-export.ts';
import { prepareModel } from '../../../engine/export/prepare-model.ts';

trustCode();

const SPLIT = `// Split: twice the input, and its features mixed into three.
export const outputs = ['twice', 'mixed'];
export function forward(self: Self, x: NDArray): NDArray[] {
  return [x.mul(2), np.dot(x, np.ones([4, 3]))];
}
`;

function documentWith(source: string): GraphDocument {
  const json = {
    format: 'blocksmith.graph',
    version: 2,
    input: { shape: [2, 4], dtype: 'float32' },
    seed: 1,
    blocks: [],
    nodes: [
      { id: 'in', kind: 'Input', name: 'data' },
      { id: 's', kind: 'Code', name: 'split0', attrs: { source } },
      { id: 'a', kind: 'Output', name: 'a' },
      { id: 'b', kind: 'Output', name: 'b' },
    ],
    edges: [
      { id: 'e0', source: { node: 'in', port: 'output' }, target: { node: 's', port: 'data' } },
      { id: 'e1', source: { node: 's', port: 'twice' }, target: { node: 'a', port: 'data' } },
      { id: 'e2', source: { node: 's', port: 'mixed' }, target: { node: 'b', port: 'data' } },
    ],
  };
  const { document, problems } = parseDocument(JSON.parse(JSON.stringify(json)));
  assert.ok(document, JSON.stringify(problems));
  return document;
}

test('the declared outputs are read from the text: names in order, one `output` without a declaration', () => {
  assert.deepEqual(codeOutputNames(SPLIT), ['twice', 'mixed']);
  assert.deepEqual(codeOutputNames('export function forward(self, x) { return x; }'), ['output']);
  assert.deepEqual(codeOutputNames("export const outputs: string[] = [\"y\", 'y', 'not a name', 'g2'];"), ['y', 'g2']);
  const node = documentWith(SPLIT).nodes[1]!;
  assert.deepEqual(
    nodePorts(
      node,
      () => undefined,
      (k) => layerSpec(k),
    )?.outputs,
    ['twice', 'mixed'],
  );
});

test('each port has its own shape, and the built model returns each array at its port', () => {
  const doc = documentWith(SPLIT);
  const report = inferShapes(doc);
  assert.deepEqual(
    report.problems.filter((p) => p.severity === 'error'),
    [],
  );
  assert.deepEqual(report.edges.e1!.shape, [2, 4]);
  assert.deepEqual(report.edges.e2!.shape, [2, 3]);
  const { net } = buildModel(doc);
  net.initialize();
  const xs = [
    [1, -2, 3, 0.5],
    [0, 4, -1, 2],
  ];
  assert.ok(net instanceof GraphBlock);
  const [a, b] = net.callAll(np.array(xs));
  assert.deepEqual(
    [...(a!.toArray() as number[][])],
    xs.map((r) => r.map((v) => 2 * v)),
  );
  // np.dot(x, ones(4, 3)): each row's sum, three times.
  assert.deepEqual(
    [...(b!.toArray() as number[][])],
    xs.map((r) => {
      const s = r.reduce((p, q) => p + q, 0);
      return [s, s, s];
    }),
  );
});

test('a forward returning another number of arrays than declared is an error on the node naming the outputs', () => {
  const doc = documentWith(SPLIT.replace('return [x.mul(2), np.dot(x, np.ones([4, 3]))];', 'return x.mul(2);'));
  const report = inferShapes(doc);
  const p = report.problems.find((q) => q.nodeId === 's');
  assert.ok(p, JSON.stringify(report.problems));
  assert.match(p.message, /forward returned 1 array\(s\), but the block declares 2 output\(s\) \(twice, mixed\)/);
});

test('ONNX: the trace gives one graph output per declared port, equal in onnxruntime to values computed here', async () => {
  const source = SPLIT.replace('np.dot(x, np.ones([4, 3]))', 'x.mul(x)');
  const graph = exportGraph(await prepareModel(documentWith(source)));
  const session = await ort.InferenceSession.create(exportOnnx(graph));
  const xs = [1, -2, 3, 0.5, 0, 4, -1, 2];
  const result = await session.run({ data: new ort.Tensor('float32', Float32Array.from(xs), [2, 4]) });
  assert.deepEqual(session.outputNames, ['a', 'b']);
  assert.deepEqual(
    [...(result.a!.data as Float32Array)],
    xs.map((v) => 2 * v),
  );
  assert.deepEqual(
    [...(result.b!.data as Float32Array)],
    xs.map((v) => v * v),
  );
});
