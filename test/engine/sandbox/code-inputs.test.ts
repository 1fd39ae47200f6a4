// A code block with named input ports, declared in its source (`export const inputs = [...]`,
// engine/protocol/code-ports.ts): the node offers one port per name (read from the text, so an
// untrusted document still has them), forward gets the values in port order whatever the edge
// order, shape inference sees each port's shape, an unconnected port or a wrong count is an error
// naming the node and the port(s), a block without the declaration keeps the variadic `data` port,
// and exports carry it (TypeScript: the source and a call with both values; PyTorch: the forward
// translated in port order; ONNX: traced with both).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { np } from '../../../engine/index.ts';
import { buildModel, inferShapes, parseDocument, runModel, validateDocument, type GraphDocument } from '../../../engine/graph/index.ts';
import { codeInputNames } from '../../../engine/protocol/code-ports.ts';
import { nodePorts } from '../../../engine/protocol/node-ports.ts';
import { layerSpec } from '../../../engine/nn/layers/index.ts';
import { CodeBlock } from '../../../engine/nn/layers/code.ts';
import { exportGraph } from '../../../engine/export/export-graph.ts';
import { exportOnnx } from '../../../engine/export/onnx/onnx-export.ts';
import { typescriptCode } from '../../../engine/export/code/typescript.ts';
import { pytorchCode } from '../../../engine/export/code/pytorch.ts';
import { prepareModel } from '../../../engine/export/prepare-model.ts';
import { trustCode } from '../../../engine/sandbox/trust.ts';

trustCode();

// x - 2 * skip: not symmetric, so a swap of the ports shows.
const RESIDUAL = `// Residual: the input less twice the skip connection.
export const inputs = ['x', 'skip'];
export function forward(self: Self, x: NDArray, skip: NDArray): NDArray {
  return x.sub(skip.mul(2));
}
`;

/** data → tanh → skip; data → x; the skip edge first in the document, so port order is not edge order. */
function documentWith(source: string, edges = true): GraphDocument {
  const json = {
    format: 'blocksmith.graph',
    version: 2,
    input: { shape: [2, 3], dtype: 'float32' },
    seed: 1,
    blocks: [],
    nodes: [
      { id: 'in', kind: 'Input', name: 'data' },
      { id: 't', kind: 'Activation', name: 'tanh0', attrs: { activation: 'tanh' } },
      { id: 'r', kind: 'Code', name: 'residual0', attrs: { source } },
      { id: 'out', kind: 'Output', name: 'output' },
    ],
    edges: [
      { id: 'e0', source: { node: 'in', port: 'output' }, target: { node: 't', port: 'data' } },
      { id: 'e1', source: { node: 't', port: 'output' }, target: { node: 'r', port: 'skip' } },
      ...(edges ? [{ id: 'e2', source: { node: 'in', port: 'output' }, target: { node: 'r', port: 'x' } }] : []),
      { id: 'e3', source: { node: 'r', port: 'output' }, target: { node: 'out', port: 'data' } },
    ],
  };
  const { document, problems } = parseDocument(JSON.parse(JSON.stringify(json)));
  assert.ok(document, JSON.stringify(problems));
  return document;
}

const XS = [
  [1, -2, 0.5],
  [0, 3, -1],
];
const expected = XS.map((r) => r.map((v) => v - 2 * Math.tanh(v)));

function assertClose(actual: number[][], want: number[][]): void {
  actual.forEach((r, i) => r.forEach((v, j) => assert.ok(Math.abs(v - want[i]![j]!) < 1e-5, `[${i}][${j}] ${v} vs ${want[i]![j]}`)));
}

test('the declared inputs are read from the text: one port each, in order; none declared keeps the variadic data port', () => {
  assert.deepEqual(codeInputNames(RESIDUAL), ['x', 'skip']);
  assert.equal(codeInputNames('export function forward(self, x) { return x; }'), null);
  const ports = (source: string) =>
    nodePorts(
      { id: 'r', kind: 'Code', name: 'r', attrs: { source } },
      () => undefined,
      (k) => layerSpec(k),
    )?.inputs;
  assert.deepEqual(ports(RESIDUAL), [
    { name: 'x', variadic: false },
    { name: 'skip', variadic: false },
  ]);
  assert.deepEqual(ports('export function forward(self, ...xs) { return xs[0]; }'), [{ name: 'data', variadic: true }]);
});

test('a two-input block is built and run: forward gets x and skip in port order', () => {
  const doc = documentWith(RESIDUAL);
  const report = inferShapes(doc);
  assert.deepEqual(
    report.problems.filter((p) => p.severity === 'error'),
    [],
  );
  assert.deepEqual(report.edges.e3!.shape, [2, 3]);
  const { outputs } = runModel(buildModel(doc), [np.array(XS)]);
  assertClose(outputs[0]!.toArray() as number[][], expected);
});

test("shape inference runs the block on each port's shape", () => {
  // skip goes through a Dense to 5 features; the code broadcasts x's mean against it.
  const source = `export const inputs = ['x', 'skip'];
export function forward(self: Self, x: NDArray, skip: NDArray): NDArray {
  return skip.add(x.mean());
}
`;
  const doc = documentWith(source);
  doc.nodes[1] = { id: 't', kind: 'Dense', name: 'dense0', attrs: { units: 5 } };
  const report = inferShapes(doc);
  assert.deepEqual(
    report.problems.filter((p) => p.severity === 'error'),
    [],
  );
  assert.deepEqual(report.edges.e3!.shape, [2, 5]);
});

test('an unconnected input port is a problem naming the node and the port; a wrong count names the declared ports', () => {
  const problems = validateDocument(documentWith(RESIDUAL, false));
  const p = problems.find((q) => q.nodeId === 'r' && q.port === 'x');
  assert.ok(p, JSON.stringify(problems));
  assert.match(p.message, /residual0's input 'x' is not connected/);
  const block = new CodeBlock(RESIDUAL, { prefix: 'residual1_' });
  block.initialize();
  assert.throws(
    () => block.call(np.array(XS)),
    (e: Error) => /residual1.*got 1 input\(s\), but the block declares 2 input port\(s\) \(x, skip\)/s.test(e.message),
  );
});

test('exports carry the ports: TypeScript the source and a call with x then skip; PyTorch translated in port order; ONNX traced with both, equal in onnxruntime', async () => {
  const doc = documentWith(RESIDUAL);
  const model = await prepareModel(doc);
  const graph = exportGraph(model);
  const ts = typescriptCode(graph, { engineImport: '../engine/index.ts' });
  assert.ok(ts.includes(JSON.stringify(RESIDUAL)), 'the source goes along verbatim');
  // x is the document's input, skip the tanh: port order, not edge order.
  assert.match(ts, /this\.residual0\.call\(data, tanh0\)/);
  // PyTorch: the forward translated inline, x (the input) less twice skip (the tanh).
  assert.match(pytorchCode(graph), /residual0 = \(data - \(tanh0 \* 2\)\)/);
  const session = await ort.InferenceSession.create(exportOnnx(graph));
  const result = await session.run({ data: new ort.Tensor('float32', Float32Array.from(XS.flat()), [2, 3]) });
  const y = [...(result.output!.data as Float32Array)];
  assertClose([y.slice(0, 3), y.slice(3)], expected);
});
