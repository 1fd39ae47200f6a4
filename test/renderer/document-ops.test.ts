// The editor's pure graph logic: naming, adding, wiring with port checks, deleting, renaming.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { zGraphDocument } from '../../engine/protocol/graph-document.ts';
import { paletteGroups } from '../../renderer/graph/catalog.ts';
import { addNode, connect, emptyDocument, moveNodes, removeItems, renameNode, setAttr, setParamSettings } from '../../renderer/graph/document-ops.ts';
import { nodePorts } from '../../renderer/graph/ports.ts';
import { bodyView } from '../../renderer/graph/body-view.ts';
import { loadExample } from '../../engine/graph/examples.ts';
import { catalog } from './catalog-fixture.ts';
import { engineAnswered, engineForgotten } from './engine-answer.ts';

function mlp() {
  let doc = emptyDocument();
  const ids: string[] = [];
  for (const kind of ['Input', 'Dense', 'Dense', 'Output']) {
    const added = addNode(doc, catalog, kind, { x: ids.length * 200, y: 0 });
    doc = added.doc;
    ids.push(added.id);
  }
  for (let i = 0; i + 1 < ids.length; i++) {
    const r = connect(doc, catalog, { node: ids[i]!, port: i === 0 ? 'output' : 'output' }, { node: ids[i + 1]!, port: 'data' });
    assert.ok(r.ok, r.ok ? '' : r.reason);
    doc = r.doc;
  }
  return { doc, ids };
}

test('new nodes get Gluon names from the document (dense0, dense1) and stable ids', () => {
  const { doc, ids } = mlp();
  assert.deepEqual(
    doc.nodes.map((n) => n.name),
    ['data0', 'dense0', 'dense1', 'output0'],
  );
  assert.deepEqual(ids, ['data0', 'dense0', 'dense1', 'output0']);
  assert.deepEqual(doc.layout?.positions?.dense1, { x: 400, y: 0 });
  // Still a valid document by the engine's schema.
  assert.ok(zGraphDocument.safeParse(doc).success);
});

test('a name freed by a rename is reused, a taken one is not; ids never collide', () => {
  const { doc } = mlp();
  const renamed = renameNode(doc, 'dense0', 'hidden');
  assert.ok(renamed.ok);
  const added = addNode(renamed.doc, catalog, 'Dense', { x: 0, y: 0 });
  assert.equal(added.doc.nodes.at(-1)!.name, 'dense0');
  assert.equal(added.id, 'dense0_1');
});

test('renaming refuses non-identifiers and names in use', () => {
  const { doc } = mlp();
  const taken = renameNode(doc, 'dense0', 'dense1');
  assert.equal(taken.ok, false);
  assert.match(taken.ok ? '' : taken.reason, /taken/);
  assert.equal(renameNode(doc, 'dense0', '1abc').ok, false);
});

test("renaming inside a definition refuses a main-graph name; a name the engine gives a repeat's copy is refused too", () => {
  const rg = loadExample('rgnet');
  // Editing block1 (a body view): dense8 lives in the main graph, which the view's nodes do not hold.
  const block1 = bodyView(rg, 'block1')!;
  const inside = renameNode(block1, 'd32', 'dense8');
  assert.equal(inside.ok, false);
  assert.match(inside.ok ? '' : inside.reason, /taken/);
  // The repeat's later copies are named dense2 … dense7 by the engine; taking dense3 would shift
  // their parameter names (dense8_weight would then be a copy's).
  engineAnswered(rg);
  const auto = renameNode(rg, 'd10', 'dense3');
  engineForgotten();
  assert.equal(auto.ok, false);
  assert.match(auto.ok ? '' : auto.reason, /dense3.*automatically/);
  assert.ok(renameNode(rg, 'd10', 'dense9').ok);
  assert.ok(renameNode(rg, 'd10', 'dense8').ok, 'keeping its own name is not a conflict');
  assert.ok(renameNode(block1, 'd32', 'hidden').ok);
});

test('a required enum starts at its first choice; other required attributes stay unset', () => {
  const { doc } = addNode(emptyDocument(), catalog, 'Activation', { x: 0, y: 0 });
  assert.deepEqual(doc.nodes[0]!.attrs, { activation: 'relu' });
  assert.equal(doc.nodes[0]!.name, 'relu0');
  const dense = addNode(emptyDocument(), catalog, 'Dense', { x: 0, y: 0 }).doc.nodes[0]!;
  assert.equal(dense.attrs, undefined);
});

test('connect refuses cycles, self-loops, a second edge into a single-input port and unknown ports', () => {
  const { doc } = mlp();
  const cycle = connect(doc, catalog, { node: 'dense1', port: 'output' }, { node: 'dense0', port: 'data' });
  assert.equal(cycle.ok, false);
  assert.match(cycle.ok ? '' : cycle.reason, /cycle|already has one/);
  const { doc: withExtra } = addNode(doc, catalog, 'Dense', { x: 0, y: 0 });
  const back = connect(withExtra, catalog, { node: 'dense1', port: 'output' }, { node: 'dense2', port: 'data' });
  assert.ok(back.ok);
  const loop = connect(back.doc, catalog, { node: 'dense2', port: 'output' }, { node: 'dense0', port: 'data' });
  assert.equal(loop.ok, false);
  const cycleOnly = removeItems(back.doc, [], [back.doc.edges.find((e) => e.target.node === 'dense0')!.id]);
  const closing = connect(cycleOnly, catalog, { node: 'dense2', port: 'output' }, { node: 'dense0', port: 'data' });
  assert.equal(closing.ok, false);
  assert.match(closing.ok ? '' : closing.reason, /cycle/);
  assert.equal(connect(doc, catalog, { node: 'dense0', port: 'output' }, { node: 'dense0', port: 'data' }).ok, false);
  assert.equal(connect(doc, catalog, { node: 'dense0', port: 'nope' }, { node: 'dense1', port: 'data' }).ok, false);
  assert.equal(connect(doc, catalog, { node: 'output0', port: 'output' }, { node: 'dense1', port: 'data' }).ok, false);
});

test('a variadic port takes several edges', () => {
  let doc = emptyDocument();
  for (const kind of ['Input', 'Dense', 'Dense', 'Concat']) doc = addNode(doc, catalog, kind, { x: 0, y: 0 }).doc;
  for (const d of ['dense0', 'dense1']) {
    const a = connect(doc, catalog, { node: 'data0', port: 'output' }, { node: d, port: 'data' });
    assert.ok(a.ok);
    const b = connect(a.doc, catalog, { node: d, port: 'output' }, { node: 'concat0', port: 'data' });
    assert.ok(b.ok);
    doc = b.doc;
  }
  assert.equal(doc.edges.filter((e) => e.target.node === 'concat0').length, 2);
});

test('removing nodes removes their edges, positions and ties to them', () => {
  const { doc } = mlp();
  const tied = setParamSettings(doc, 'dense1', 'weight', { tiedTo: { node: 'dense0', param: 'weight' }, constant: true });
  const after = removeItems(tied, ['dense0'], []);
  assert.deepEqual(
    after.nodes.map((n) => n.id),
    ['data0', 'dense1', 'output0'],
  );
  assert.deepEqual(
    after.edges.map((e) => `${e.source.node}->${e.target.node}`),
    ['dense1->output0'],
  );
  assert.equal(after.layout?.positions?.dense0, undefined);
  assert.deepEqual(after.nodes[1]!.params, { weight: { constant: true } });
  assert.equal(doc.nodes.length, 4, 'the original document is untouched');
});

test('attributes and parameter settings are set and cleared without mutating', () => {
  const { doc } = mlp();
  const a = setAttr(doc, 'dense0', 'units', 256);
  assert.deepEqual(a.nodes[1]!.attrs, { units: 256 });
  assert.equal(doc.nodes[1]!.attrs, undefined);
  assert.equal(setAttr(a, 'dense0', 'units', undefined).nodes[1]!.attrs, undefined);
  const p = setParamSettings(a, 'dense0', 'weight', { init: ['constant', { value: 42 }] });
  assert.deepEqual(p.nodes[1]!.params, { weight: { init: ['constant', { value: 42 }] } });
  assert.equal(setParamSettings(p, 'dense0', 'weight', { init: undefined }).nodes[1]!.params, undefined);
  assert.deepEqual(moveNodes(a, { dense0: { x: 5, y: 6 } }).layout?.positions?.dense0, { x: 5, y: 6 });
});

test('ports: Input/Output, layers from the catalog, a block instance from its definition', () => {
  const { doc } = mlp();
  assert.deepEqual(nodePorts(doc.nodes[0]!, doc, catalog), { inputs: [], outputs: ['output'] });
  assert.deepEqual(nodePorts(doc.nodes[3]!, doc, catalog), { inputs: [{ name: 'data', variadic: false }], outputs: [] });
  const withBlock = {
    ...doc,
    blocks: [
      {
        id: 'b',
        nodes: [
          { id: 'i', kind: 'Input', name: 'x' },
          { id: 'o', kind: 'Output', name: 'y' },
        ],
        edges: [],
      },
    ],
  };
  assert.deepEqual(nodePorts({ id: 'n', kind: 'BlockInstance', name: 'seq0', block: 'b' }, withBlock, catalog), {
    inputs: [{ name: 'x', variadic: false }],
    outputs: ['y'],
  });
});

test('the palette groups the catalog by category, leaves out bare containers, and searches', () => {
  const groups = paletteGroups(catalog);
  assert.deepEqual(
    groups.map((g) => g.title),
    ['Input / output', 'Layers', 'Activations', 'Structure'],
  );
  assert.ok(!groups.flatMap((g) => g.entries).some((e) => e.kind === 'Sequential'));
  assert.deepEqual(
    paletteGroups(catalog, 'dens').flatMap((g) => g.entries.map((e) => e.kind)),
    ['Dense'],
  );
});
