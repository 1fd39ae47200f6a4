// Shape inference without kernels: for every example it equals the shapes a real forward sees,
// parameter shapes and names match the built model, FLOPs follow Dense's 2·batch·in·out, and
// mismatches name the node and both shapes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np } from '../../../engine/index.ts';
import { buildModel, exampleNames, inferShapes, loadExample, runModel } from '../../../engine/graph/index.ts';

for (const name of exampleNames()) {
  test(`example ${name}: inferred edge shapes and parameter shapes equal those of a real forward`, () => {
    const doc = loadExample(name);
    const shape = doc.input.shape.map((d) => (d < 0 ? 3 : d));
    const report = inferShapes(doc, { inputShape: shape });
    assert.deepEqual(
      report.problems.filter((p) => p.severity === 'error'),
      [],
    );
    const model = buildModel(doc);
    const { edgeShapes } = runModel(model, [np.random.uniform(0, 1, shape)]);
    const inferred = Object.fromEntries(Object.entries(report.edges).map(([k, v]) => [k, v.shape]));
    assert.deepEqual(inferred, edgeShapes);
    // The input's dtype on the edges out of the Input (int32 ids for the sequence examples), float32 after the first layer.
    const fromInput = new Set(doc.edges.filter((e) => e.source.node === doc.nodes.find((n) => n.kind === 'Input')!.id).map((e) => e.id));
    assert.ok(Object.entries(report.edges).every(([id, e]) => e.dtype === (fromInput.has(id) ? doc.input.dtype : 'float32')));
    // Every main-graph layer node: the parameters it reports are the built block's, by name and shape.
    for (const node of doc.nodes) {
      const block = model.blocks.get(node.id);
      if (!block || node.kind === 'BlockInstance') continue;
      const actual = block
        .collectParams()
        .values()
        .map((p) => ({ name: p.name, shape: [...p.shape!] }));
      assert.deepEqual(report.nodes[node.id]!.params, actual, node.id);
    }
    // The whole model: parameter counts add up to the scalars it really holds.
    const total = Object.entries(report.nodes)
      .filter(([k]) => !k.includes('/'))
      .reduce((s, [, n]) => s + n.paramCount, 0);
    const real = model.net
      .collectParams()
      .values()
      .reduce((s, p) => s + p.shape!.reduce((a, b) => a * b, 1), 0);
    assert.equal(total, real);
  });
}

test('without a batch size the batch stays -1; FLOPs count 2 per multiply-add (batch 1)', () => {
  const report = inferShapes(loadExample('mlp'));
  assert.deepEqual(report.edges.e1!.shape, [-1, 20]);
  assert.deepEqual(report.edges.e3!.shape, [-1, 10]);
  assert.deepEqual(report.nodes.hidden, {
    outputShapes: [[-1, 256]],
    paramCount: 256 * 20 + 256,
    flops: 2 * 20 * 256,
    params: [
      { name: 'dense0_weight', shape: [256, 20] },
      { name: 'dense0_bias', shape: [256] },
    ],
    name: 'dense0',
  });
  assert.equal(inferShapes(loadExample('mlp'), { inputShape: [8, 20] }).nodes.output!.flops, 2 * 8 * 256 * 10);
});

test('rgnet: instance and repeat nodes aggregate their insides', () => {
  const report = inferShapes(loadExample('rgnet'), { inputShape: [2, 20] });
  assert.equal(report.nodes.b2!.params.length, 16);
  assert.deepEqual(report.nodes.b2!.params[0], { name: 'dense0_weight', shape: [32, 20] });
  assert.deepEqual(report.nodes['b2/rep#3/d16']!.params[0], { name: 'dense7_weight', shape: [16, 32] });
  assert.deepEqual(report.nodes.d10!.params[1], { name: 'dense8_bias', shape: [10] });
  assert.deepEqual(report.nodes.b2!.outputShapes, [[2, 16]]);
});

test("the tied network reports the shared parameter under its owner's name and counts it once", () => {
  const report = inferShapes(loadExample('tied'), { inputShape: [2, 20] });
  assert.deepEqual(
    report.nodes.tied!.params.map((p) => p.name),
    ['dense0_weight', 'dense0_bias'],
  );
  assert.equal(report.nodes.tied!.paramCount, 0);
});

test('a mismatch names the node and both shapes', () => {
  const doc = loadExample('mlp');
  doc.nodes[1]!.attrs = { units: 256, activation: 'relu', inUnits: 30 };
  const report = inferShapes(doc, { inputShape: [2, 20] });
  const p = report.problems.find((q) => q.code === 'E_SHAPE_MISMATCH');
  assert.ok(p, JSON.stringify(report.problems));
  assert.equal(p.nodeId, 'hidden');
  assert.match(p.message, /dense0.*\(256, 30\).*\(256, 20\)/);
  const fancy = loadExample('chimera');
  fancy.nodes.find((n) => n.id === 'd20')!.attrs = { units: 7 };
  const q = inferShapes(fancy, { inputShape: [2, 20] }).problems.find((r) => r.code === 'E_SHAPE_MISMATCH');
  // FancyMLP is a code block: the error is the code's, at the line that multiplies (its dense
  // layer reads its own 20-wide output, so a 7-wide input cannot fit).
  assert.ok(q && q.nodeId === 'fancy' && /line 10: .*\[2,20\] and \[7,20\]/.test(q.message), JSON.stringify(q));
  const my = loadExample('my-dense');
  assert.equal(inferShapes(my, { inputShape: [2, 10] }).problems[0]!.nodeId, 'md8');
});

test('a half-drawn graph gets shapes wherever they can be known', () => {
  const doc = loadExample('mlp');
  doc.edges.pop(); // the Output is not connected yet
  let report = inferShapes(doc, { inputShape: [2, 20] });
  assert.ok(report.problems.some((p) => p.code === 'E_PORT_UNCONNECTED' && p.nodeId === 'out'));
  assert.deepEqual(report.edges.e2!.shape, [2, 256]);
  assert.deepEqual(report.nodes.output!.outputShapes, [[2, 10]]);
  // A node with a bad attribute stops the shapes after it, not before.
  const rg = loadExample('rgnet');
  rg.blocks.find((b) => b.id === 'block1')!.nodes[2]!.attrs = { units: -16 };
  report = inferShapes(rg, { inputShape: [2, 20] });
  assert.ok(report.problems.some((p) => p.code === 'E_ATTR_RANGE' && p.blockId === 'block1'));
  assert.deepEqual(report.edges['b2/rep#0/e2']!.shape, [2, 32]);
  assert.equal(report.edges['b2/rep#0/e3'], undefined);
  assert.equal(report.edges.e3, undefined);
  // Errors that belong to no node leave nothing to infer from.
  const bad = loadExample('mlp');
  bad.input.shape = [0, 20];
  assert.deepEqual(inferShapes(bad).edges, {});
});

test('a 1000-node chain is inferred in well under a second (the bench reports the real time)', () => {
  const doc = loadExample('mlp');
  const nodes = [
    doc.nodes[0]!,
    ...Array.from({ length: 998 }, (_, i) => ({ id: `n${i}`, kind: 'Dense', name: `dense${i}`, attrs: { units: 16, activation: 'relu' } })),
    doc.nodes[3]!,
  ];
  doc.nodes = nodes;
  doc.edges = nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: { node: nodes[i]!.id, port: 'output' }, target: { node: n.id, port: 'data' } }));
  const t = performance.now();
  const report = inferShapes(doc, { inputShape: [2, 20] });
  assert.ok(performance.now() - t < 1000);
  assert.deepEqual(report.edges.e998!.shape, [2, 16]);
});
