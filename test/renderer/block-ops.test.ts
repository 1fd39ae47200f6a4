// Blocks in the editor's pure graph logic: make block from a selection (ports from the edges that
// cross the boundary), repeat ×N, shared/own parameters, collapsed state, and names that never
// take one the engine gives to repeat copies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { zGraphDocument, type GraphDocument } from '../../engine/protocol/graph-document.ts';
import { loadExample } from '../../engine/graph/examples.ts';
import { validateDocument } from '../../engine/graph/parse.ts';
import { makeBlock, definitionsUsed } from '../../renderer/graph/block-ops.ts';
import { addNode, connect, emptyDocument, removeItems, setAttr } from '../../renderer/graph/document-ops.ts';
import { freshNodeName, storedNames } from '../../renderer/graph/node-names.ts';
import { automaticNamesOf } from '../../renderer/graph/engine-names.ts';
import { inferShapes } from '../../engine/graph/shapes.ts';
import { isCollapsed, repeatInstance, setCollapsed, setRepeatCount, setShareParams } from '../../renderer/graph/repeat-ops.ts';
import { catalog } from './catalog-fixture.ts';

/** Adds nodes of the kinds and wires the pairs given as [from, to] indexes (port data/output). */
function graph(kinds: string[], wires: [number, number, string?][]): { doc: GraphDocument; ids: string[] } {
  let doc = emptyDocument();
  const ids: string[] = [];
  for (const kind of kinds) {
    const added = addNode(doc, catalog, kind, { x: ids.length * 200, y: 0 });
    doc = kind === 'Dense' ? setAttr(added.doc, added.id, 'units', 8) : added.doc;
    ids.push(added.id);
  }
  for (const [a, b, port] of wires) {
    const r = connect(doc, catalog, { node: ids[a]!, port: 'output' }, { node: ids[b]!, port: port ?? 'data' });
    assert.ok(r.ok, r.ok ? '' : r.reason);
    doc = r.doc;
  }
  return { doc, ids };
}

const errorsOf = (doc: GraphDocument) =>
  validateDocument(doc)
    .filter((p) => p.severity === 'error')
    .map((p) => p.message);

test('make block: a chain becomes a definition with data/output ports and an instance wired in its place', () => {
  const { doc } = graph(
    ['Input', 'Dense', 'Dense', 'Output'],
    [
      [0, 1],
      [1, 2],
      [2, 3],
    ],
  );
  const made = makeBlock(doc, ['dense0', 'dense1']);
  assert.ok(made.ok, made.ok ? '' : made.reason);
  const next = made.doc;
  assert.equal(made.blockId, 'block1');
  const def = next.blocks[0]!;
  assert.deepEqual(
    def.nodes.map((n) => [n.kind, n.name]),
    [
      ['Dense', 'dense0'],
      ['Dense', 'dense1'],
      ['Input', 'data'],
      ['Output', 'output'],
    ],
  );
  assert.deepEqual(
    def.edges.map((e) => `${e.source.node}.${e.source.port}→${e.target.node}.${e.target.port}`),
    ['dense0.output→dense1.data', 'in.output→dense0.data', 'dense1.output→out.data'],
  );
  const inst = next.nodes.find((n) => n.id === made.instanceId)!;
  assert.deepEqual([inst.kind, inst.block, inst.shareParams], ['BlockInstance', 'block1', false]);
  assert.deepEqual(
    next.nodes.map((n) => n.id),
    ['data0', 'output0', made.instanceId],
  );
  assert.deepEqual(
    next.edges.map((e) => `${e.source.node}.${e.source.port}→${e.target.node}.${e.target.port}`),
    [`data0.output→${made.instanceId}.data`, `${made.instanceId}.output→output0.data`],
  );
  assert.equal(next.layout?.positions?.dense0, undefined, 'moved into the definition');
  assert.deepEqual(def.layout?.positions?.dense0, { x: 200, y: 0 });
  assert.ok(zGraphDocument.safeParse(next).success);
  assert.deepEqual(errorsOf(next), []);
});

test('make block: one input per outside source, one output per inside port feeding the outside, even when fanned out', () => {
  // data0 → dense0 → {dense1, dense2} → concat0 → output0; block = dense1 + dense2 (two uses of dense0.output, one port).
  const { doc, ids } = graph(
    ['Input', 'Dense', 'Dense', 'Dense', 'Concat', 'Output'],
    [
      [0, 1],
      [1, 2],
      [1, 3],
      [2, 4],
      [3, 4],
      [4, 5],
    ],
  );
  const made = makeBlock(doc, [ids[2]!, ids[3]!]);
  assert.ok(made.ok, made.ok ? '' : made.reason);
  const def = made.doc.blocks[0]!;
  assert.deepEqual(
    def.nodes.filter((n) => n.kind === 'Input').map((n) => n.name),
    ['data'],
  );
  assert.deepEqual(
    def.nodes.filter((n) => n.kind === 'Output').map((n) => n.name),
    ['output', 'output1'],
  );
  const into = made.doc.edges.filter((e) => e.target.node === 'concat0').map((e) => `${e.source.node}.${e.source.port}`);
  assert.deepEqual(into, [`${made.instanceId}.output`, `${made.instanceId}.output1`]);
  assert.deepEqual(errorsOf(made.doc), []);
});

test('make block refuses, with the reason, selections that cannot be a block; the document is untouched', () => {
  const { doc, ids } = graph(
    ['Input', 'Dense', 'Dense', 'Dense', 'Output'],
    [
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 4],
    ],
  );
  const cases: [string[], RegExp][] = [
    [[], /select the nodes/],
    [[ids[0]!, ids[1]!], /data0 is the graph's Input/],
    [[ids[1]!, ids[3]!], /leaves the selection at dense1 and comes back into dense2; add dense1/],
    [['nope'], /not in this graph/],
  ];
  for (const [sel, reason] of cases) {
    const r = makeBlock(doc, sel);
    assert.equal(r.ok, false, sel.join());
    if (!r.ok) assert.match(r.reason, reason);
  }
  const lonely = graph(['Dense'], []).doc;
  const r = makeBlock(lonely, ['dense0']);
  assert.ok(!r.ok && /no edge comes into the selection/.test(r.reason));
});

test('repeat: an instance becomes a collapsed Repeat ×N; counts outside 1..1024 and multi-port blocks are refused', () => {
  const { doc } = graph(
    ['Input', 'Dense', 'Dense', 'Output'],
    [
      [0, 1],
      [1, 2],
      [2, 3],
    ],
  );
  const made = makeBlock(doc, ['dense0', 'dense1']);
  assert.ok(made.ok);
  const rep = repeatInstance(made.doc, made.instanceId, 4);
  assert.ok(rep.ok, rep.ok ? '' : rep.reason);
  const node = rep.doc.nodes.find((n) => n.id === made.instanceId)!;
  assert.deepEqual([node.kind, node.name, node.count, node.block], ['Repeat', 'repeat0', 4, 'block1']);
  assert.equal(isCollapsed(rep.doc, node.id), true);
  assert.equal(isCollapsed(setCollapsed(rep.doc, node.id, false), node.id), false);
  assert.deepEqual(errorsOf(rep.doc), []);
  for (const bad of [0, 1025, 2.5]) {
    const r = repeatInstance(made.doc, made.instanceId, bad);
    assert.ok(!r.ok && /whole number from 1 to 1024/.test(r.reason), String(bad));
    assert.ok(!setRepeatCount(rep.doc, node.id, bad).ok);
  }
  const six = setRepeatCount(rep.doc, node.id, 6);
  assert.ok(six.ok && six.doc.nodes.find((n) => n.id === node.id)!.count === 6);
  const shared = setShareParams(rep.doc, node.id, true);
  assert.ok(shared.ok && shared.doc.nodes.find((n) => n.id === node.id)!.shareParams === true);
  assert.ok(!repeatInstance(made.doc, 'data0', 2).ok, 'an Input is not a block');

  const fan = graph(
    ['Input', 'Dense', 'Dense', 'Dense', 'Concat', 'Output'],
    [
      [0, 1],
      [1, 2],
      [1, 3],
      [2, 4],
      [3, 4],
      [4, 5],
    ],
  );
  const two = makeBlock(fan.doc, [fan.ids[2]!, fan.ids[3]!]);
  assert.ok(two.ok);
  const r = repeatInstance(two.doc, two.instanceId, 2);
  assert.ok(!r.ok && /1 inputs and 2 outputs/.test(r.reason));
});

test('automatic names: the engine names the expansion of rgnet dense2..dense7; a new Dense would be dense9', () => {
  const rg = loadExample('rgnet');
  const auto = automaticNamesOf(inferShapes(rg), storedNames(rg));
  for (let i = 2; i <= 7; i++) assert.ok(auto.has(`dense${i}`), `dense${i}`);
  assert.ok(!auto.has('dense0') && !auto.has('dense8'));
  assert.deepEqual([...auto].sort(), ['dense2', 'dense3', 'dense4', 'dense5', 'dense6', 'dense7'], 'containers name no parameter: not counted');
  assert.equal(freshNodeName(rg, { kind: 'BlockInstance', block: 'block2' }, new Set(), rg, auto), 'sequential0');
  assert.equal(freshNodeName(rg, { kind: 'Dense' }, new Set(), rg, auto), 'dense9');
  assert.equal(freshNodeName(rg, { kind: 'Activation', attrs: { activation: 'relu' } }, new Set(), rg, auto), 'relu0');
  // Without the engine's answer the copies' names are not known: the counter would take dense2.
  assert.equal(freshNodeName(rg, { kind: 'Dense' }, new Set(), rg, new Set()), 'dense2');
});

test('definitionsUsed follows nested definitions', () => {
  const rg = loadExample('rgnet');
  assert.deepEqual(
    definitionsUsed(rg, rg.nodes).map((b) => b.id),
    ['block2', 'block1'],
  );
});

test('deleting a repeat forgets whether it was collapsed', () => {
  const { doc } = graph(
    ['Input', 'Dense', 'Output'],
    [
      [0, 1],
      [1, 2],
    ],
  );
  const made = makeBlock(doc, ['dense0']);
  assert.ok(made.ok);
  const rep = repeatInstance(made.doc, made.instanceId, 2);
  assert.ok(rep.ok);
  assert.deepEqual(rep.doc.layout?.collapsed, { [made.instanceId]: true });
  assert.deepEqual(removeItems(rep.doc, [made.instanceId], []).layout?.collapsed, {});
});

test('automatic names: the engine names the copies also where shapes are unknown (nothing reaches them)', () => {
  const rg = loadExample('rgnet');
  const input = rg.nodes.find((n) => n.kind === 'Input')!;
  const cut = { ...rg, edges: rg.edges.filter((e) => e.source.node !== input.id) };
  const report = inferShapes(cut);
  assert.ok(
    Object.values(report.nodes).every((n) => n.outputShapes.length === 0 || n === report.nodes[input.id]),
    'no shapes past the cut',
  );
  assert.deepEqual([...automaticNamesOf(report, storedNames(cut))].sort(), ['dense2', 'dense3', 'dense4', 'dense5', 'dense6', 'dense7']);
});
