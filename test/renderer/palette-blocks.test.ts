// Blocks from the palette and "unmake block", in the editor's pure graph logic: a definition of
// the document dropped as a new instance (own parameters, so the engine counts twice as many),
// recursion refused, the structure entries (Block, Repeat, Sequential, Concurrent) built and run
// by the engine, and unmaking an instance back into its layers with their names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildModel, inferShapes, runModel } from '../../engine/graph/index.ts';
import { validateDocument } from '../../engine/graph/parse.ts';
import { zGraphDocument, type GraphDocument } from '../../engine/protocol/graph-document.ts';
import { commandForKey, runCommand } from '../../renderer/commands/index.ts';
import { makeBlock, unmakeBlock } from '../../renderer/graph/block-ops.ts';
import { bodyView, withBody } from '../../renderer/graph/body-view.ts';
import { addNode, connect, emptyDocument, removeItems, setAttr, setDocumentFields } from '../../renderer/graph/document-ops.ts';
import {
  addBlockInstance,
  addStructure,
  currentLabel,
  definitionEntries,
  paletteDropText,
  parsePaletteDrop,
  recursionProblem,
  type PaletteDrop,
} from '../../renderer/graph/palette-blocks.ts';
import { repeatInstance, setShareParams } from '../../renderer/graph/repeat-ops.ts';
import { createEditorStore } from '../../renderer/store/editor-store.ts';
import { catalog } from './catalog-fixture.ts';

const errorsOf = (doc: GraphDocument) =>
  validateDocument(doc)
    .filter((p) => p.severity === 'error')
    .map((p) => p.message);
const edgeText = (doc: Pick<GraphDocument, 'edges'>) => doc.edges.map((e) => `${e.source.node}.${e.source.port}→${e.target.node}.${e.target.port}`);

function wired(doc: GraphDocument, pairs: [string, string, string?][]): GraphDocument {
  for (const [a, b, port] of pairs) {
    const r = connect(doc, catalog, { node: a, port: 'output' }, { node: b, port: port ?? 'data' });
    assert.ok(r.ok, r.ok ? '' : r.reason);
    doc = r.doc;
  }
  return doc;
}

function add(doc: GraphDocument, kind: string, units?: number): { doc: GraphDocument; id: string } {
  const added = addNode(doc, catalog, kind, { x: doc.nodes.length * 200, y: 0 });
  return units === undefined ? added : { doc: setAttr(added.doc, added.id, 'units', units), id: added.id };
}

/** Input 2×20 → Dense(32) → Dense(16) → Output, the two Dense layers made into block1. */
function chainWithBlock(): { doc: GraphDocument; instanceId: string } {
  let doc = setDocumentFields(emptyDocument(), { input: { shape: [2, 20], dtype: 'float32' } });
  for (const [kind, units] of [['Input'], ['Dense', 32], ['Dense', 16], ['Output']] as const) doc = add(doc, kind, units).doc;
  doc = wired(doc, [
    ['data0', 'dense0'],
    ['dense0', 'dense1'],
    ['dense1', 'output0'],
  ]);
  const made = makeBlock(doc, ['dense0', 'dense1']);
  assert.ok(made.ok, made.ok ? '' : made.reason);
  return { doc: made.doc, instanceId: made.instanceId };
}

function share(doc: GraphDocument, id: string): GraphDocument {
  const r = setShareParams(doc, id, true);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.doc;
}

const totalParams = (doc: GraphDocument) =>
  Object.entries(inferShapes(doc, {}).nodes)
    .filter(([k]) => !k.includes('/'))
    .reduce((sum, [, n]) => sum + n.paramCount, 0);

test('a palette drag carries a layer kind, a definition or a structure entry, and reads back the same', () => {
  const drops: PaletteDrop[] = [
    { type: 'layer', kind: 'Dense' },
    { type: 'block', blockId: 'block1' },
    { type: 'structure', structure: 'Concurrent' },
  ];
  for (const d of drops) assert.deepEqual(parsePaletteDrop(paletteDropText(d)), d);
  assert.equal(parsePaletteDrop(''), null);
  assert.equal(parsePaletteDrop('structure:Nope'), null);
  assert.equal(parsePaletteDrop('block:'), null);
});

test('"Blocks in this document": every definition with its label, port counts and uses, filtered by the search', () => {
  const { doc } = chainWithBlock();
  const labelled: GraphDocument = {
    ...doc,
    blocks: [
      ...doc.blocks,
      {
        id: 'block9',
        label: 'Two heads',
        nodes: [
          { id: 'i', kind: 'Input', name: 'x' },
          { id: 'o1', kind: 'Output', name: 'a' },
          { id: 'o2', kind: 'Output', name: 'b' },
        ],
        edges: [],
      },
    ],
  };
  assert.deepEqual(definitionEntries(labelled), [
    { blockId: 'block1', title: 'block1', inputs: 1, outputs: 1, uses: 1 },
    { blockId: 'block9', title: 'Two heads', inputs: 1, outputs: 2, uses: 0 },
  ]);
  assert.deepEqual(
    definitionEntries(labelled, 'heads').map((e) => e.blockId),
    ['block9'],
  );
});

test("a definition's label reads the body's repeat counts as they are now, not as stored", () => {
  const body = (count: number) =>
    [
      { id: 'in', kind: 'Input', name: 'data' },
      { id: 'r', kind: 'Repeat', name: 'sequential0', block: 'block1', count },
      { id: 'out', kind: 'Output', name: 'output' },
    ] as GraphDocument['nodes'];
  assert.equal(currentLabel({ label: 'block2: block1 ×4', nodes: body(4) }), 'block2: block1 ×4');
  assert.equal(currentLabel({ label: 'block2: block1 ×4', nodes: body(3) }), 'block2: block1 ×3');
  // A repeat the body does not have, or plain text, stays as written; no label stays none.
  assert.equal(currentLabel({ label: 'block2: block9 ×4 (Dense ×2)', nodes: body(3) }), 'block2: block9 ×4 (Dense ×2)');
  assert.equal(currentLabel({ label: 'Two heads', nodes: body(3) }), 'Two heads');
  assert.equal(currentLabel({ nodes: body(3) }), undefined);
  // The same block repeated twice in the body: which count the label means is unknown.
  assert.equal(
    currentLabel({ label: 'block1 ×4', nodes: [...body(3), { id: 'r2', kind: 'Repeat', name: 'sequential1', block: 'block1', count: 2 }] }),
    'block1 ×4',
  );
});

test('a definition dropped from the palette is a second instance with its own parameters: the engine counts twice as many', () => {
  const { doc, instanceId } = chainWithBlock();
  const one = totalParams(doc);
  assert.equal(one, 32 * 20 + 32 + 16 * 32 + 16);
  const added = addBlockInstance(doc, 'block1', { x: 300, y: 200 }, undefined);
  assert.ok(added.ok, added.ok ? '' : added.reason);
  const node = added.doc.nodes.find((n) => n.id === added.id)!;
  assert.deepEqual([node.kind, node.block, node.shareParams, node.name], ['BlockInstance', 'block1', false, 'block1_1']);
  assert.deepEqual(added.doc.layout?.positions?.[added.id], { x: 300, y: 200 });
  // In the chain between the first instance and the output: 16 features in, so its first Dense is (32, 16).
  const edge = added.doc.edges.find((e) => e.source.node === instanceId)!;
  let doc2 = removeItems(added.doc, [], [edge.id]);
  doc2 = wired(doc2, [
    [instanceId, added.id],
    [added.id, 'output0'],
  ]);
  assert.deepEqual(errorsOf(doc2), []);
  assert.equal(totalParams(doc2), one + 32 * 16 + 32 + 16 * 32 + 16);
  const run = runModel(buildModel(doc2), []);
  assert.deepEqual(run.outputs[0]!.shape, [2, 16]);
  assert.equal(buildModel(doc2).net.collectParams().keys().length, 8, 'own parameters: two sets of four');
  // Side by side (both fed by the input, joined by a Concat): own parameters count twice; shared,
  // both uses are the one block holding one set.
  const joined = add(removeItems(added.doc, [], [edge.id]), 'Concat');
  const side = wired(joined.doc, [
    ['data0', added.id],
    [instanceId, joined.id],
    [added.id, joined.id],
    [joined.id, 'output0'],
  ]);
  assert.deepEqual(errorsOf(side), []);
  assert.equal(buildModel(side).net.collectParams().keys().length, 8);
  assert.equal(totalParams(side), 2 * one);
  const sharedSide = share(share(side, instanceId), added.id);
  assert.deepEqual(runModel(buildModel(sharedSide), []).outputs[0]!.shape, [2, 32]);
  assert.equal(buildModel(sharedSide).net.collectParams().keys().length, 4);
  assert.equal(totalParams(sharedSide), one);
});

test('a definition cannot be dropped into itself or into a definition it contains; elsewhere it can', () => {
  const { doc, instanceId } = chainWithBlock();
  // block2 holds the block1 instance.
  const outer = makeBlock(doc, [instanceId]);
  assert.ok(outer.ok);
  const whole = outer.doc;
  const inBlock1 = bodyView(whole, 'block1')!;
  const self = addBlockInstance(inBlock1, 'block1', { x: 0, y: 0 }, 'block1');
  assert.ok(!self.ok && /block1, the block being edited; a block cannot contain itself/.test(self.reason), JSON.stringify(self));
  const parent = addBlockInstance(inBlock1, 'block2', { x: 0, y: 0 }, 'block1');
  assert.ok(!parent.ok && /block2, which contains block1, the block being edited/.test(parent.reason));
  assert.equal(recursionProblem(whole, ['block2'], undefined), null, 'the main graph contains any block');
  // block1 into block2 is fine: a second use inside it.
  const inBlock2 = bodyView(whole, 'block2')!;
  const ok = addBlockInstance(inBlock2, 'block1', { x: 0, y: 0 }, 'block2');
  assert.ok(ok.ok, ok.ok ? '' : ok.reason);
  const written = withBody(whole, 'block2', ok.doc);
  assert.equal(written.blocks.find((b) => b.id === 'block2')!.nodes.filter((n) => n.block === 'block1').length, 2);
  assert.ok(!addBlockInstance(whole, 'nope', { x: 0, y: 0 }, undefined).ok);
});

test('structure entries: Block is an empty Input → Output block, Repeat ×2, Sequential a chain class, Concurrent branches joined by Concat; each builds and runs', () => {
  let doc = setDocumentFields(emptyDocument(), { input: { shape: [2, 4], dtype: 'float32' } });
  doc = add(doc, 'Input').doc;
  doc = add(doc, 'Output').doc;
  const block = addStructure(doc, 'Block', { x: 200, y: 0 });
  assert.ok(block.ok);
  assert.equal(block.blockId, 'block1');
  const def = block.doc.blocks[0]!;
  assert.deepEqual(
    def.nodes.map((n) => [n.kind, n.name]),
    [
      ['Input', 'data'],
      ['Output', 'output'],
    ],
  );
  assert.deepEqual(edgeText(def), ['in.output→out.data']);
  const placed = wired(block.doc, [
    ['data0', block.id],
    [block.id, 'output0'],
  ]);
  assert.deepEqual(errorsOf(placed), []);
  assert.ok(zGraphDocument.safeParse(placed).success);
  assert.deepEqual(runModel(buildModel(placed), []).outputs[0]!.shape, [2, 4], 'a passthrough');

  const repeat = addStructure(block.doc, 'Repeat', { x: 200, y: 100 });
  assert.ok(repeat.ok);
  const rep = repeat.doc.nodes.find((n) => n.id === repeat.id)!;
  assert.deepEqual([rep.kind, rep.name, rep.count, rep.block, rep.shareParams], ['Repeat', 'repeat0', 2, 'block2', false]);
  // Two copies of an empty block, chained: still a passthrough.
  const repeated = wired(removeItems(repeat.doc, [block.id], []), [
    ['data0', repeat.id],
    [repeat.id, 'output0'],
  ]);
  assert.deepEqual(errorsOf(repeated), []);
  assert.deepEqual(runModel(buildModel(repeated), []).outputs[0]!.shape, [2, 4]);

  const seq = addStructure(doc, 'Sequential', { x: 0, y: 0 });
  assert.ok(seq.ok);
  assert.equal(seq.doc.blocks[0]!.className, 'Sequential');
  // Inside the Sequential: Input → Dense(3) → Output; it prints as Sequential.
  let body = bodyView(seq.doc, seq.blockId)!;
  const dense = add(removeItems(body, [], ['e_in_out']), 'Dense', 3);
  body = wired(dense.doc, [
    ['in', dense.id],
    [dense.id, 'out'],
  ]);
  const seqDoc = wired(withBody(seq.doc, seq.blockId, body), [
    ['data0', seq.id],
    [seq.id, 'output0'],
  ]);
  assert.deepEqual(errorsOf(seqDoc), []);
  const seqModel = buildModel(seqDoc);
  assert.deepEqual(runModel(seqModel, []).outputs[0]!.shape, [2, 3]);
  assert.match(String(seqModel.net), /\(0\): Sequential\(\n\s+\(0\): Dense\(4 -> 3, linear\)/);

  const conc = addStructure(doc, 'Concurrent', { x: 0, y: 0 });
  assert.ok(conc.ok);
  const cdef = conc.doc.blocks[0]!;
  assert.equal(cdef.className, 'Concurrent');
  assert.deepEqual(
    cdef.nodes.map((n) => n.kind),
    ['Input', 'Concat', 'Output'],
  );
  // Two Dense branches into the Concat (3 + 5 features) instead of the input itself.
  let cb = removeItems(bodyView(conc.doc, conc.blockId)!, [], ['e_in_concat']);
  const d1 = add(cb, 'Dense', 3);
  const d2 = add(d1.doc, 'Dense', 5);
  cb = wired(d2.doc, [
    ['in', d1.id],
    ['in', d2.id],
    [d1.id, 'concat'],
    [d2.id, 'concat'],
  ]);
  const concDoc = wired(withBody(conc.doc, conc.blockId, cb), [
    ['data0', conc.id],
    [conc.id, 'output0'],
  ]);
  assert.deepEqual(errorsOf(concDoc), []);
  const concModel = buildModel(concDoc);
  assert.match(String(concModel.net), /Concurrent\(/);
  assert.deepEqual(runModel(concModel, []).outputs[0]!.shape, [2, 8]);
});

test('unmake block: the only instance gives its layers back with their names and wiring, and the definition goes', () => {
  const { doc, instanceId } = chainWithBlock();
  const un = unmakeBlock(doc, instanceId, undefined);
  assert.ok(un.ok, un.ok ? '' : un.reason);
  assert.equal(un.removedDefinition, true);
  assert.deepEqual(un.doc.blocks, []);
  assert.deepEqual(
    un.doc.nodes.map((n) => [n.id, n.name]),
    [
      ['data0', 'data0'],
      ['output0', 'output0'],
      ['dense0', 'dense0'],
      ['dense1', 'dense1'],
    ],
  );
  assert.deepEqual(un.ids, ['dense0', 'dense1']);
  assert.deepEqual(edgeText(un.doc).sort(), ['data0.output→dense0.data', 'dense0.output→dense1.data', 'dense1.output→output0.data']);
  assert.deepEqual(un.doc.layout?.positions?.[instanceId], undefined);
  assert.deepEqual(errorsOf(un.doc), []);
  // The same parameters as before the block was made.
  assert.deepEqual(buildModel(un.doc).net.collectParams().keys().sort(), ['dense0_bias', 'dense0_weight', 'dense1_bias', 'dense1_weight']);
});

test('unmake block with other uses: the definition stays, the inlined layers take fresh names', () => {
  const { doc, instanceId } = chainWithBlock();
  const second = addBlockInstance(doc, 'block1', { x: 0, y: 300 }, undefined);
  assert.ok(second.ok);
  const un = unmakeBlock(second.doc, instanceId, undefined);
  assert.ok(un.ok, un.ok ? '' : un.reason);
  assert.equal(un.removedDefinition, false);
  assert.deepEqual(
    un.doc.blocks.map((b) => b.id),
    ['block1'],
  );
  const inlined = un.doc.nodes.filter((n) => un.ids.includes(n.id)).map((n) => n.name);
  assert.equal(inlined.length, 2);
  for (const name of inlined) assert.ok(!['dense0', 'dense1'].includes(name), `${name} is the definition's`);
  // The second instance was dropped but not wired: that is the only problem.
  assert.deepEqual(errorsOf(un.doc), ["block1_1's input 'data' is not connected."]);
});

test('unmake block refuses shared parameters and repeats with the reason; a passthrough block wires input to output', () => {
  const { doc, instanceId } = chainWithBlock();
  const shared = unmakeBlock(share(doc, instanceId), instanceId, undefined);
  assert.ok(!shared.ok && /shares block1's parameters; inlined, its layers would own parameters of their own/.test(shared.reason));
  const rep = repeatInstance(doc, instanceId, 3);
  assert.ok(rep.ok);
  const r = unmakeBlock(rep.doc, instanceId, undefined);
  assert.ok(!r.ok && /is a repeat \(×3\)/.test(r.reason));
  assert.ok(!unmakeBlock(doc, 'data0', undefined).ok);

  let plain = setDocumentFields(emptyDocument(), { input: { shape: [2, 4], dtype: 'float32' } });
  plain = add(add(plain, 'Input').doc, 'Output').doc;
  const block = addStructure(plain, 'Block', { x: 0, y: 0 });
  assert.ok(block.ok);
  const placed = wired(block.doc, [
    ['data0', block.id],
    [block.id, 'output0'],
  ]);
  const un = unmakeBlock(placed, block.id, undefined);
  assert.ok(un.ok);
  assert.deepEqual(edgeText(un.doc), ['data0.output→output0.data']);
  assert.deepEqual(un.doc.blocks, []);
});

test("unmake block keeps a Concat's input order and works inside a definition", () => {
  // data0 → dense0 → {block of dense1} and dense0 → dense2; concat0 joins [block, dense2] in that order.
  let doc = setDocumentFields(emptyDocument(), { input: { shape: [2, 4], dtype: 'float32' } });
  for (const [kind, units] of [['Input'], ['Dense', 3], ['Dense', 5], ['Dense', 7], ['Concat'], ['Output']] as const) doc = add(doc, kind, units).doc;
  doc = wired(doc, [
    ['data0', 'dense0'],
    ['dense0', 'dense1'],
    ['dense0', 'dense2'],
    ['dense1', 'concat0'],
    ['dense2', 'concat0'],
    ['concat0', 'output0'],
  ]);
  const made = makeBlock(doc, ['dense1']);
  assert.ok(made.ok);
  const into = (d: GraphDocument) => d.edges.filter((e) => e.target.node === 'concat0').map((e) => e.source.node);
  assert.deepEqual(into(made.doc), [made.instanceId, 'dense2']);
  // Wrap the instance in block2 and unmake it while editing block2.
  const outer = makeBlock(made.doc, [made.instanceId]);
  assert.ok(outer.ok);
  const view = bodyView(outer.doc, outer.blockId)!;
  const un = unmakeBlock(view, made.instanceId, outer.blockId);
  assert.ok(un.ok, un.ok ? '' : un.reason);
  const written = withBody(outer.doc, outer.blockId, un.doc);
  assert.deepEqual(
    written.blocks.map((b) => b.id),
    ['block2'],
    'block1 had no other use',
  );
  assert.deepEqual(errorsOf(written), []);
  const back = unmakeBlock(written, outer.instanceId, undefined);
  assert.ok(back.ok);
  assert.deepEqual(into(back.doc), ['dense1', 'dense2']);
  assert.deepEqual(runModel(buildModel(back.doc), []).outputs[0]!.shape, [2, 12]);
  assert.deepEqual(runModel(buildModel(back.doc), []).outputs[0]!.shape, runModel(buildModel(doc), []).outputs[0]!.shape);
});

test('the unmake command (Ctrl+Shift+G) is one undo step; a refusal changes nothing and says why', () => {
  const key = { key: 'G', ctrlKey: true, metaKey: false, shiftKey: true, altKey: false };
  assert.equal(commandForKey(key)?.name, 'unmakeBlock');
  assert.equal(commandForKey({ ...key, key: 'g', shiftKey: false })?.name, 'makeBlock');
  const { doc, instanceId } = chainWithBlock();
  const store = createEditorStore();
  store.getState().setEngine({ catalog });
  store.getState().commit(share(doc, instanceId));
  store.getState().select([instanceId]);
  const shared = store.getState().document;
  const steps = store.getState().past.length;
  assert.ok(runCommand(store, 'unmakeBlock'));
  assert.equal(store.getState().document, shared);
  assert.equal(store.getState().past.length, steps);
  assert.match(store.getState().notice?.text ?? '', /^Cannot unmake the block: block1_0 shares block1's parameters/);

  store.getState().commit(doc);
  store.getState().select([instanceId]);
  const made = store.getState().document;
  assert.ok(runCommand(store, 'unmakeBlock'));
  assert.equal(store.getState().past.length, steps + 2);
  assert.deepEqual(store.getState().selectedNodes, ['dense0', 'dense1']);
  assert.deepEqual(store.getState().document.blocks, []);
  assert.match(store.getState().notice?.text ?? '', /Unmade block1; block1 is no longer used and was removed/);
  assert.ok(runCommand(store, 'undo'));
  assert.equal(store.getState().document, made);
});
