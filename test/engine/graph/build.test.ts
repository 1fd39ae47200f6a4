// buildModel: every example gives the Block tree the chapter builds by hand (reprs before and
// after the first batch, parameter names and shapes), names from the document, ties as the same
// Parameter objects, repeats as fresh copies, DAGs as a GraphBlock, per-parameter settings applied.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np, type NDArray } from '../../../engine/index.ts';
import { Dense, type Block } from '../../../engine/index.ts';
import {
  buildModel,
  exampleNames,
  GraphBlock,
  inferShapes,
  GraphError,
  GRAPH_FORMAT,
  GRAPH_VERSION,
  loadExample,
  parseDocument,
  runModel,
  type GraphDocument,
} from '../../../engine/graph/index.ts';
import { HAND_BUILT, NOT_HAND_BUILT, handBuilt, paramTable } from './chapter-models.ts';

const inputFor = (doc: GraphDocument): NDArray =>
  np.random.uniform(
    0,
    1,
    doc.input.shape.map((d) => (d < 0 ? 2 : d)),
    { seed: 11 },
  );

test("there is a hand-built counterpart for every example, and an example for each of the chapter's models", () => {
  assert.deepEqual(
    exampleNames().filter((n) => !NOT_HAND_BUILT.includes(n)),
    Object.keys(HAND_BUILT).sort(),
  );
});

for (const name of Object.keys(HAND_BUILT)) {
  test(`example ${name}: same repr, parameter names and shapes as the hand-built chapter model`, () => {
    const doc = loadExample(name);
    const model = buildModel(doc);
    const hand = handBuilt(name);
    assert.equal(String(model.net), String(hand), 'repr before the first batch');
    assert.equal(model.net.prefix, hand.prefix);
    assert.deepEqual(paramTable(model.net), paramTable(hand), 'deferred shapes');
    const x = inputFor(doc);
    runModel(model, [x]);
    hand.initialize();
    hand.call(x);
    assert.equal(String(model.net), String(hand), 'repr after the first batch');
    assert.deepEqual(paramTable(model.net), paramTable(hand), 'shapes after the first batch');
    assert.equal(model.net.collectParams().toString(), hand.collectParams().toString());
  });
}

test('rgnet: 18 parameters, dense0_weight (32, 20) first and dense8_bias (10,) last, block2 holding 4 copies of block1', () => {
  const model = buildModel(loadExample('rgnet'));
  runModel(model, [np.random.uniform(0, 1, [2, 20])]);
  const table = paramTable(model.net);
  assert.equal(table.length, 18);
  assert.deepEqual(table[0], ['dense0_weight', [32, 20]]);
  assert.deepEqual(table[17], ['dense8_bias', [10]]);
  const block2 = model.net.at(0);
  assert.equal(block2.children.size, 4);
  // Fresh parameters per copy, like the chapter's loop.
  assert.notEqual(block2.at(0).at<Dense>(0).weight, block2.at(1).at<Dense>(0).weight);
  assert.equal(model.blocks.get('b2'), block2);
  assert.equal(model.blocks.get('b2/rep#3/d16')!.name, 'dense7');
});

test("tied: the third Dense holds the second one's very Parameter objects, listed once", () => {
  const model = buildModel(loadExample('tied'));
  const net = model.net;
  assert.equal(net.at<Dense>(1).weight, net.at<Dense>(2).weight);
  assert.equal(net.at<Dense>(1).bias, net.at<Dense>(2).bias);
  assert.deepEqual(net.collectParams().keys(), ['dense1_weight', 'dense1_bias', 'dense0_weight', 'dense0_bias', 'dense3_weight', 'dense3_bias']);
  runModel(model, [np.random.uniform(0, 1, [2, 20])]);
  assert.deepEqual(net.at<Dense>(2).weight.shape, [8, 8]);
});

test('names come from the document: renaming a node renames its parameters, and builds start counting at 0', () => {
  const doc = loadExample('mlp');
  doc.nodes[1]!.name = 'encoder';
  const model = buildModel(doc);
  assert.deepEqual(model.net.collectParams().keys(), ['encoder_weight', 'encoder_bias', 'dense1_weight', 'dense1_bias']);
  // A second build of the same document gets the same names (a fresh naming scope per document).
  assert.equal(buildModel(doc).net.prefix, 'mlp0_');
});

test('an invalid document refuses to build with a coded error listing the problems', () => {
  const doc = loadExample('mlp');
  doc.nodes[1]!.attrs = { units: 0 };
  assert.throws(
    () => buildModel(doc),
    (e: unknown) =>
      e instanceof GraphError &&
      e.code === 'E_GRAPH_INVALID' &&
      e.problems.some((p) => p.code === 'E_ATTR_RANGE' && p.nodeId === 'hidden') &&
      /units/.test(e.message),
  );
});

function graph(nodes: GraphDocument['nodes'], edges: [string, string, string?, string?][], extra: Partial<GraphDocument> = {}): GraphDocument {
  const { document, problems } = parseDocument({
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    input: { shape: [-1, 6] },
    nodes,
    edges: edges.map(([s, t, sp, tp], i) => ({ id: `e${i}`, source: { node: s, port: sp ?? 'output' }, target: { node: t, port: tp ?? 'data' } })),
    ...extra,
  });
  assert.deepEqual(
    problems.filter((p) => p.severity === 'error'),
    [],
  );
  return document!;
}
const io = [
  { id: 'in', kind: 'Input', name: 'data' },
  { id: 'out', kind: 'Output', name: 'output' },
];

test('a DAG (one input feeding two heads) becomes a GraphBlock with one output per Output node', () => {
  const doc = graph(
    [
      ...io,
      { id: 'out2', kind: 'Output', name: 'output2' },
      { id: 'trunk', kind: 'Dense', name: 'dense0', attrs: { units: 5, activation: 'relu' } },
      { id: 'h1', kind: 'Dense', name: 'dense1', attrs: { units: 3 } },
      { id: 'h2', kind: 'Dense', name: 'dense2', attrs: { units: 2 } },
    ],
    [
      ['in', 'trunk'],
      ['trunk', 'h1'],
      ['trunk', 'h2'],
      ['h1', 'out'],
      ['h2', 'out2'],
    ],
  );
  const model = buildModel(doc);
  assert.ok(model.net instanceof GraphBlock);
  assert.equal(
    String(model.net),
    'GraphBlock(\n  (dense0): Dense(-1 -> 5, Activation(relu))\n  (dense1): Dense(-1 -> 3, linear)\n  (dense2): Dense(-1 -> 2, linear)\n)',
  );
  const x = np.random.uniform(0, 1, [4, 6]);
  const { outputs, edgeShapes } = runModel(model, [x]);
  assert.deepEqual(
    outputs.map((o) => o.shape),
    [
      [4, 3],
      [4, 2],
    ],
  );
  assert.deepEqual(edgeShapes, { e0: [4, 6], e1: [4, 5], e2: [4, 5], e3: [4, 3], e4: [4, 2] });
  // The same values as the layers run by hand.
  const blocks = (id: string): Block => model.blocks.get(id)!;
  const h = blocks('trunk').call(x);
  assert.deepEqual(outputs[1]!.toArray(), blocks('h2').call(h).toArray());
});

test('Repeat of an inline sequence, shared instances, per-parameter init and constant settings', () => {
  const def = {
    id: 'pair',
    nodes: [...io, { id: 'a', kind: 'Dense', name: 'dense0', attrs: { units: 6 } }],
    edges: [
      { id: 'x1', source: { node: 'in', port: 'output' }, target: { node: 'a', port: 'data' } },
      { id: 'x2', source: { node: 'a', port: 'output' }, target: { node: 'out', port: 'data' } },
    ],
  };
  const doc = graph(
    [
      ...io,
      { id: 'r', kind: 'Repeat', name: 'repeat0', count: 3, sequence: [{ kind: 'Dense', name: 'dense5', attrs: { units: 6, activation: 'tanh' } }] },
      { id: 's1', kind: 'BlockInstance', name: 'sequential1', block: 'pair', shareParams: true },
      { id: 's2', kind: 'BlockInstance', name: 'sequential2', block: 'pair', shareParams: true },
      {
        id: 'last',
        kind: 'Dense',
        name: 'dense9',
        attrs: { units: 2 },
        params: { weight: { init: ['constant', { value: 0.5 }], constant: true }, bias: { init: 'ones' } },
      },
    ],
    [
      ['in', 'r'],
      ['r', 's1'],
      ['s1', 's2'],
      ['s2', 'last'],
      ['last', 'out'],
    ],
    { blocks: [def] },
  );
  const model = buildModel(doc);
  const net = model.net;
  // Three fresh copies spliced into the chain, named dense5 and then the next free dense names.
  assert.deepEqual(
    [0, 1, 2].map((i) => net.at(i).name),
    ['dense5', 'dense1', 'dense2'],
  );
  assert.equal(net.at(3), net.at(4), 'shared instances are the one block');
  const { outputs } = runModel(model, [np.ones([2, 6])]);
  const last = net.at<Dense>(5);
  assert.equal(last.weight.gradReq, 'null');
  assert.ok((last.weight.data().toArray() as number[][]).flat().every((v) => v === 0.5));
  assert.ok((last.bias!.data().toArray() as number[]).every((v) => v === 1));
  assert.deepEqual(outputs[0]!.shape, [2, 2]);
  assert.equal(
    net
      .collectParams()
      .keys()
      .filter((k) => k.startsWith('dense0_')).length,
    2,
  );
  // Shape inference counts the shared instances' one set of parameters once.
  const report = inferShapes(doc, { inputShape: [2, 6] });
  const total = Object.entries(report.nodes)
    .filter(([k]) => !k.includes('/'))
    .reduce((s, [, n]) => s + n.paramCount, 0);
  assert.equal(
    total,
    net
      .collectParams()
      .values()
      .reduce((s, p) => s + p.shape!.reduce((a, b) => a * b, 1), 0),
  );
  const observed = runModel(model, [np.ones([2, 6])]).edgeShapes;
  assert.deepEqual(Object.fromEntries(Object.entries(report.edges).map(([k, v]) => [k, v.shape])), observed);
});

test('a tie of one parameter only (weight) shares it and lists it once', () => {
  const doc = graph(
    [
      ...io,
      { id: 'a', kind: 'Dense', name: 'dense0', attrs: { units: 6 } },
      { id: 'b', kind: 'Dense', name: 'dense1', attrs: { units: 6 }, params: { weight: { tiedTo: { node: 'a', param: 'weight' } } } },
    ],
    [
      ['in', 'a'],
      ['a', 'b'],
      ['b', 'out'],
    ],
  );
  const net = buildModel(doc).net;
  assert.equal(net.at<Dense>(0).weight, net.at<Dense>(1).weight);
  assert.notEqual(net.at<Dense>(0).bias, net.at<Dense>(1).bias);
  assert.deepEqual(net.collectParams().keys(), ['dense0_weight', 'dense0_bias', 'dense1_bias']);
});

test('branches merged by Concat (a variadic port): GraphBlock runs them, shapes inferred as observed', () => {
  const doc = graph(
    [
      ...io,
      { id: 'a', kind: 'Dense', name: 'dense0', attrs: { units: 5, activation: 'relu' } },
      { id: 'b', kind: 'Dense', name: 'dense1', attrs: { units: 3 } },
      { id: 'cat', kind: 'Concat', name: 'concat0' },
      { id: 'head', kind: 'Dense', name: 'dense2', attrs: { units: 2 } },
    ],
    [
      ['in', 'a'],
      ['in', 'b'],
      ['a', 'cat'],
      ['b', 'cat'],
      ['cat', 'head'],
      ['head', 'out'],
    ],
  );
  const model = buildModel(doc);
  assert.ok(model.net instanceof GraphBlock);
  const x = np.random.uniform(0, 1, [4, 6]);
  const { outputs, edgeShapes } = runModel(model, [x]);
  const b = (id: string): Block => model.blocks.get(id)!;
  const byHand = b('head').call(np.concat([b('a').call(x), b('b').call(x)], 1));
  assert.deepEqual(outputs[0]!.toArray(), byHand.toArray());
  const report = inferShapes(doc, { inputShape: [4, 6] });
  assert.deepEqual(report.nodes.cat!.outputShapes, [[4, 8]]);
  assert.deepEqual(Object.fromEntries(Object.entries(report.edges).map(([k, v]) => [k, v.shape])), edgeShapes);
  assert.deepEqual(report.nodes.head!.params[0], { name: 'dense2_weight', shape: [2, 8] });
  // Mismatched branches are named with both shapes.
  const bad = structuredClone(doc);
  bad.nodes.find((n) => n.id === 'cat')!.attrs = { axis: 0 };
  const p = inferShapes(bad, { inputShape: [4, 6] }).problems.find((q) => q.code === 'E_SHAPE_MISMATCH');
  assert.ok(p && p.nodeId === 'cat' && /\(4, 5\), \(4, 3\)/.test(p.message), JSON.stringify(p));
});

test("a repeat with a tie inside: each copy's layers are named as the model names them, not by the tied parameter", () => {
  // Copy i: dense(2i) and dense(2i+1), whose weight is dense(2i)'s (the parameter table's view).
  const def = {
    id: 'tied',
    nodes: [
      ...io,
      { id: 'a', kind: 'Dense', name: 'dense0', attrs: { units: 6 } },
      { id: 'b', kind: 'Dense', name: 'dense1', attrs: { units: 6 }, params: { weight: { tiedTo: { node: 'a', param: 'weight' } } } },
    ],
    edges: [
      { id: 'x1', source: { node: 'in', port: 'output' }, target: { node: 'a', port: 'data' } },
      { id: 'x2', source: { node: 'a', port: 'output' }, target: { node: 'b', port: 'data' } },
      { id: 'x3', source: { node: 'b', port: 'output' }, target: { node: 'out', port: 'data' } },
    ],
  };
  const doc = graph(
    [...io, { id: 'r', kind: 'Repeat', name: 'repeat0', count: 3, block: 'tied', shareParams: false }],
    [
      ['in', 'r'],
      ['r', 'out'],
    ],
    { blocks: [def] },
  );
  const report = inferShapes(doc, { inputShape: [2, 6] });
  const copies = [0, 1, 2].map((i) => [report.nodes[`r#${i}/a`]?.name, report.nodes[`r#${i}/b`]?.name]);
  // The oracle: the built model's own parameter names, copy by copy.
  const names = buildModel(doc).net.collectParams().keys();
  assert.deepEqual(
    names.filter((n) => n.endsWith('_bias')),
    copies.flat().map((n) => `${n}_bias`),
  );
  assert.deepEqual(copies, [
    ['dense0', 'dense1'],
    ['dense2', 'dense3'],
    ['dense4', 'dense5'],
  ]);
  // The tied weight is reported under its owner's name, which is why a copy's layer name cannot come from it.
  assert.equal(report.nodes['r#1/b']!.params[0]!.name, 'dense2_weight');
});
