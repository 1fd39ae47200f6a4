// A code block as a definition like any other: a block definition holding a Code node, used
// twice with its own parameters and twice sharing them, repeated ×3, tied parameter by parameter;
// its gradients under autograd against numpy's hand-derived ones; its parameters saved and loaded;
// the document round-tripping through JSON; documents naming the old built-in kinds upgraded.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autograd, np } from '../../../engine/index.ts';
import { buildModel, inferShapes, parseDocument, type GraphDocument, type GraphNode } from '../../../engine/graph/index.ts';
import { myDenseSource } from '../../../engine/nn/layers/code-examples.ts';
import { trustCode } from '../../../engine/sandbox/trust.ts';
import { compareArrays, runNumpy, toWire, type WireArray } from '../support/numpy-oracle.ts';

trustCode();

// y = tanh(x·W + b), W (in, 4) with `in` from the data.
const TANH_DENSE = `// TanhDense: tanh(x . weight + bias).
export const params = {
  weight: { shape: (x: number[]) => [x[x.length - 1], 4], init: ['uniform', { scale: 0.5 }] },
  bias: { shape: [4], init: 'zeros' },
};
export function forward(self: Self, x: NDArray): NDArray {
  return np.dot(x, self.weight.data()).add(self.bias.data()).tanh();
}
`;

const io = (extra: GraphNode[]): GraphNode[] => [{ id: 'in', kind: 'Input', name: 'data' }, ...extra, { id: 'out', kind: 'Output', name: 'output' }];
const chain = (ids: string[]) => ids.slice(1).map((id, i) => ({ id: `e${i}`, source: { node: ids[i]!, port: 'output' }, target: { node: id, port: 'data' } }));

function documentWith(nodes: GraphNode[]): GraphDocument {
  const ids = ['in', ...nodes.map((n) => n.id), 'out'];
  const json = {
    format: 'blocksmith.graph',
    version: 2,
    input: { shape: [-1, 4], dtype: 'float32' },
    seed: 1,
    nodes: io(nodes),
    edges: chain(ids),
    blocks: [
      {
        id: 'td',
        label: 'TanhDense',
        nodes: io([{ id: 'c', kind: 'Code', name: 'tanhdense0', attrs: { source: TANH_DENSE } }]),
        edges: chain(['in', 'c', 'out']),
      },
    ],
  };
  // Through JSON and the parser, as a saved file is.
  const { document, problems } = parseDocument(JSON.parse(JSON.stringify(json)));
  assert.ok(document, JSON.stringify(problems));
  assert.deepEqual(
    problems.filter((p) => p.severity === 'error'),
    [],
  );
  return document;
}

test('used twice with own parameters, twice shared, and repeated ×3: the parameters are exactly those', () => {
  const doc = documentWith([
    { id: 'a', kind: 'BlockInstance', name: 'own_a', block: 'td', shareParams: false },
    { id: 'b', kind: 'BlockInstance', name: 'own_b', block: 'td', shareParams: false },
    { id: 's1', kind: 'BlockInstance', name: 'shared', block: 'td', shareParams: true },
    { id: 's2', kind: 'BlockInstance', name: 'shared_again', block: 'td', shareParams: true },
    { id: 'r', kind: 'Repeat', name: 'rep', block: 'td', count: 3, shareParams: false },
  ]);
  const report = inferShapes(doc, { inputShape: [5, 4] });
  assert.deepEqual(report.problems, []);
  assert.deepEqual(report.edges.e5!.shape, [5, 4]);
  const { net } = buildModel(doc);
  net.initialize();
  const y = net.call(np.random.uniform(-1, 1, [5, 4]));
  assert.deepEqual(y.shape, [5, 4]);
  const names = net.collectParams().keys();
  // 2 own + 1 shared + 3 repeated copies, each a weight and a bias.
  assert.equal(names.length, 12, names.join(', '));
  assert.equal(new Set(names).size, names.length);
});

test('a tie makes two code nodes hold the very same Parameter', () => {
  const doc = documentWith([
    { id: 'p', kind: 'Code', name: 'first', attrs: { source: TANH_DENSE } },
    { id: 'q', kind: 'Code', name: 'second', attrs: { source: TANH_DENSE }, params: { weight: { tiedTo: { node: 'p', param: 'weight' } } } },
  ]);
  const { net, blocks } = buildModel(doc);
  net.initialize();
  net.call(np.ones([2, 4]));
  // The tied layer holds the target's Parameter under its own short name (Gluon's shared params).
  assert.equal(blocks.get('q')!.collectParams().at('second_weight'), blocks.get('p')!.collectParams().at('first_weight'));
  assert.deepEqual(net.collectParams().keys().sort(), ['first_bias', 'first_weight', 'second_bias']);
});

test("gradients through a code block equal numpy's hand-derived ones; parameters save and load", async () => {
  const doc = documentWith([{ id: 'c', kind: 'Code', name: 'mine', attrs: { source: TANH_DENSE } }]);
  const { net } = buildModel(doc);
  net.initialize();
  const x = np.random.uniform(-1, 1, [6, 4]);
  const c = np.random.uniform(-1, 1, [6, 4]);
  const loss = autograd.record(() => net.call(x).mul(c).sum());
  loss.backward();
  const params = net.collectParams();
  const w = params.at('mine_weight');
  const b = params.at('mine_bias');
  const [want] = runNumpy<Record<string, WireArray>, { w: WireArray; b: WireArray }>(
    'def run(c):\n    x, w, b, k = arr(c["x"]), arr(c["w"]), arr(c["b"]), arr(c["c"])\n    g = k * (1 - np.tanh(x @ w + b) ** 2)\n    return {"w": wire(x.T @ g), "b": wire(g.sum(0))}',
    [{ x: toWire(x), w: toWire(w.data()), b: toWire(b.data()), c: toWire(c) }],
  );
  assert.equal(compareArrays(w.grad(), want!.w, 1e-4, 1e-5), null);
  assert.equal(compareArrays(b.grad(), want!.b, 1e-4, 1e-5), null);

  const dir = mkdtempSync(join(tmpdir(), 'code-block-'));
  try {
    await net.saveParameters(join(dir, 'p.params'));
    const again = buildModel(doc).net;
    await again.loadParameters(join(dir, 'p.params'));
    assert.deepEqual(again.call(x).toArray(), net.call(x).toArray());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('documents naming the former built-in kinds open upgraded to code blocks', () => {
  const json = {
    format: 'blocksmith.graph',
    version: 2,
    input: { shape: [2, 5], dtype: 'float32' },
    nodes: io([{ id: 'm', kind: 'MyDense', name: 'mydense0', attrs: { units: 3, inUnits: 5 }, params: { bias: { init: 'ones' } } }]),
    edges: chain(['in', 'm', 'out']),
  };
  const { document } = parseDocument(json);
  const node = document!.nodes[1]!;
  assert.equal(node.kind, 'Code');
  assert.equal(node.attrs!.source, myDenseSource(3, 5));
  assert.deepEqual(node.params, { bias: { init: 'ones' } });
  const { net } = buildModel(document!);
  net.initialize();
  assert.deepEqual(net.call(np.ones([2, 5])).shape, [2, 3]);
  assert.deepEqual(net.collectParams().at('mydense0_bias').data().toArray(), [1, 1, 1]);
  assert.match(net.toString(), /\(0\): MyDense\(/);
});
