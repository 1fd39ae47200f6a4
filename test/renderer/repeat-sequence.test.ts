// Repeats of an inline `sequence` (as files may write them) made openable: drill-in first turns
// the sequence into a block definition (Input → the layers → Output), which the engine must build
// with the very parameter names it gave the sequence — so parameter files still load — and which
// is one undo step with the drill-in. Expanding then lists the definition's layers as for any
// block repeat.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { np } from '../../engine/index.ts';
import { buildModel, runModel } from '../../engine/graph/index.ts';
import { validateDocument } from '../../engine/graph/parse.ts';
import { zGraphDocument, type GraphDocument, type GraphNode } from '../../engine/protocol/graph-document.ts';
import { applyResult, commandForKey, runCommand } from '../../renderer/commands/index.ts';
import { openNode } from '../../renderer/commands/block-commands.ts';
import { repeatLayers, sequenceToBlock } from '../../renderer/graph/repeat-ops.ts';
import { selectBlockId, selectBody, selectShapePrefix } from '../../renderer/store/block-slice.ts';
import { createEditorStore } from '../../renderer/store/editor-store.ts';
import { catalog } from './catalog-fixture.ts';

const io: GraphNode[] = [
  { id: 'in', kind: 'Input', name: 'data' },
  { id: 'out', kind: 'Output', name: 'output' },
];

/** Input (-1, 6) → a Repeat of `sequence` → Dense(3) → Output; `blocks` and extra nodes optional. */
function sequenceDoc(repeat: Partial<GraphNode> & { sequence: GraphNode['sequence'] }, blocks: GraphDocument['blocks'] = []): GraphDocument {
  const nodes: GraphNode[] = [
    ...io,
    { id: 'r', kind: 'Repeat', name: 'repeat0', count: 3, ...repeat },
    { id: 'last', kind: 'Dense', name: 'dense9', attrs: { units: 3 } },
  ];
  const chain = ['in', 'r', 'last', 'out'];
  const edges = chain.slice(1).map((to, i) => ({ id: `e${i}`, source: { node: chain[i]!, port: 'output' }, target: { node: to, port: 'data' } }));
  return zGraphDocument.parse({ format: 'blocksmith.graph', version: 2, input: { shape: [-1, 6], dtype: 'float32' }, seed: 5, nodes, edges, blocks });
}

const errorsOf = (doc: GraphDocument) =>
  validateDocument(doc)
    .filter((p) => p.severity === 'error')
    .map((p) => p.message);

/** Builds and runs the document: its parameters (name → shape, in collectParams order) and the output. */
function built(doc: GraphDocument) {
  const model = buildModel(doc);
  const { outputs } = runModel(model, [np.random.uniform(-1, 1, [2, 6], { seed: 3 })]);
  return {
    params: model.net
      .collectParams()
      .entries()
      .map(([k, p]) => [k, [...(p.shape ?? [])]]),
    output: outputs[0]!.toArray(),
  };
}

const TWO_LAYERS = [
  { kind: 'Dense', name: 'dense5', attrs: { units: 8, activation: 'relu' } },
  { kind: 'Dense', name: 'dense7', attrs: { units: 6 } },
];

const cases: [string, GraphDocument][] = [
  ['two layers, own parameters per copy', sequenceDoc({ sequence: TWO_LAYERS })],
  ['two layers, shared parameters', sequenceDoc({ sequence: TWO_LAYERS, shareParams: true })],
  // A one-layer copy is spliced in as the layer itself; a definition's copy is a Sequential around it.
  ['one layer (its copies are the layer itself)', sequenceDoc({ sequence: [{ kind: 'Dense', name: 'dense5', attrs: { units: 6, activation: 'tanh' } }] })],
];

for (const [what, doc] of cases) {
  test(`sequence → block (${what}): the engine builds the same parameter names and shapes and computes the same output`, () => {
    assert.deepEqual(errorsOf(doc), []);
    const converted = sequenceToBlock(doc, 'r');
    assert.ok(converted.ok, converted.ok ? '' : converted.reason);
    const next = converted.doc;
    assert.ok(zGraphDocument.safeParse(next).success);
    assert.deepEqual(errorsOf(next), []);
    const rep = next.nodes.find((n) => n.id === 'r')!;
    assert.equal(rep.sequence, undefined);
    assert.equal(rep.block, converted.blockId);
    const before = doc.nodes.find((n) => n.id === 'r')!;
    assert.deepEqual([rep.name, rep.count, rep.shareParams], [before.name, before.count, before.shareParams]);
    assert.deepEqual(next.edges, doc.edges, 'the repeat keeps its edges');
    const def = next.blocks.find((b) => b.id === converted.blockId)!;
    assert.deepEqual(
      def.nodes.map((n) => [n.kind, n.name]),
      [['Input', 'data'], ...before.sequence!.map((s) => [s.kind, s.name]), ['Output', 'output']],
    );

    const a = built(doc);
    const b = built(next);
    assert.ok(a.params.length > 0);
    assert.deepEqual(b.params, a.params, 'same parameter names and shapes, in the same order');
    // Same names and the same seed: the same initial values, hence the same output.
    assert.deepEqual(b.output, a.output);
  });
}

test('an expanded repeat lists the layers of one copy under the ids its shape keys use, before and after the conversion', () => {
  const doc = sequenceDoc({ sequence: TWO_LAYERS });
  const rep = doc.nodes.find((n) => n.id === 'r')!;
  // The engine keys an inline sequence's layers by position: r#0/0, r#0/1 (plan.ts sequenceBody).
  assert.deepEqual(repeatLayers(doc, rep), [
    { id: '0', name: 'dense5' },
    { id: '1', name: 'dense7' },
  ]);
  const converted = sequenceToBlock(doc, 'r');
  assert.ok(converted.ok);
  assert.deepEqual(
    repeatLayers(
      converted.doc,
      converted.doc.nodes.find((n) => n.id === 'r')!,
    ),
    [
      { id: 'dense5', name: 'dense5' },
      { id: 'dense7', name: 'dense7' },
    ],
  );
  assert.deepEqual(repeatLayers({ blocks: [] }, { id: 'x', kind: 'Repeat', name: 'repeat9', block: 'gone', count: 2 }), []);
});

test('sequence → block refuses what is not an inline-sequence repeat, and avoids definition ids in use', () => {
  const doc = sequenceDoc({ sequence: TWO_LAYERS });
  const missing = sequenceToBlock(doc, 'nope');
  assert.equal(missing.ok, false);
  const layer = sequenceToBlock(doc, 'last');
  assert.ok(!layer.ok && /no repeat 'last'/.test(layer.reason));
  const once = sequenceToBlock(doc, 'r');
  assert.ok(once.ok);
  const twice = sequenceToBlock(once.doc, 'r');
  assert.ok(!twice.ok && /already repeats block definition 'block1'/.test(twice.reason));
  // A layer named like the definition's Input node id still gets an id of its own.
  const clash = sequenceDoc({ sequence: [{ kind: 'Dense', name: 'in', attrs: { units: 6 } }] }, [
    { id: 'block1', nodes: [...io], edges: [{ id: 'x', source: { node: 'in', port: 'output' }, target: { node: 'out', port: 'data' } }] },
  ]);
  const made = sequenceToBlock(clash, 'r');
  assert.ok(made.ok, made.ok ? '' : made.reason);
  assert.equal(made.blockId, 'block2');
  const def = made.doc.blocks.find((b) => b.id === 'block2')!;
  assert.equal(new Set(def.nodes.map((n) => n.id)).size, 3);
  assert.deepEqual(errorsOf(made.doc), []);
});

test('drill-in (Alt+↓ or double-click) on a sequence repeat converts and opens it as one undo step; undo leaves and restores the sequence', () => {
  const store = createEditorStore();
  store.getState().setEngine({ catalog });
  const doc = sequenceDoc({ sequence: TWO_LAYERS });
  store.getState().replaceDocument(doc);
  store.getState().select(['r']);
  const alt = { key: 'ArrowDown', altKey: true, ctrlKey: false, metaKey: false, shiftKey: false };
  assert.equal(commandForKey(alt)?.name, 'openBlock');
  assert.equal(commandForKey(alt)?.enabled(store.getState()), true, 'a sequence repeat can be opened');
  assert.ok(runCommand(store, 'openBlock'));
  assert.equal(store.getState().past.length, 1, 'one undo step');
  assert.equal(selectBlockId(store.getState()), 'block1');
  assert.equal(selectShapePrefix(store.getState()), 'r#0/');
  assert.deepEqual(
    selectBody(store.getState()).nodes.map((n) => n.name),
    ['data', 'dense5', 'dense7', 'output'],
  );
  assert.match(store.getState().notice?.text ?? '', /repeat0's inline layers are now block definition block1/);

  runCommand(store, 'undo');
  assert.equal(store.getState().document, doc);
  assert.equal(selectBlockId(store.getState()), undefined, 'the definition left with the undo, so the main graph is shown');
  assert.ok(store.getState().document.nodes.find((n) => n.id === 'r')!.sequence);

  // The double-click path: the same function for the node clicked, selected or not.
  store.getState().select([]);
  assert.ok(applyResult(store, openNode(store.getState(), 'r')));
  assert.equal(selectBlockId(store.getState()), 'block1');
  // Opening it again (after backing out) is a plain drill-in: no second definition, no undo step.
  runCommand(store, 'leaveBlock');
  const steps = store.getState().past.length;
  assert.ok(runCommand(store, 'openBlock'));
  assert.equal(store.getState().past.length, steps);
  assert.equal(store.getState().document.blocks.length, 1);
  // A layer is not openable.
  runCommand(store, 'leaveBlock');
  assert.equal(openNode(store.getState(), 'last'), null);
});

test('a sequence repeat inside a definition converts within that definition (the new one is added to the document)', () => {
  // block1 holds Input → repeat of an inline sequence → Output; the main graph uses block1 once.
  const inner: GraphDocument['blocks'][number] = {
    id: 'block1',
    nodes: [...io, { id: 'rr', kind: 'Repeat', name: 'repeat1', count: 2, sequence: [{ kind: 'Dense', name: 'dense3', attrs: { units: 6 } }] }],
    edges: [
      { id: 'i0', source: { node: 'in', port: 'output' }, target: { node: 'rr', port: 'data' } },
      { id: 'i1', source: { node: 'rr', port: 'output' }, target: { node: 'out', port: 'data' } },
    ],
  };
  const doc = zGraphDocument.parse({
    format: 'blocksmith.graph',
    version: 2,
    input: { shape: [-1, 6], dtype: 'float32' },
    seed: 1,
    nodes: [...io, { id: 'b', kind: 'BlockInstance', name: 'block10', block: 'block1' }],
    edges: [
      { id: 'e0', source: { node: 'in', port: 'output' }, target: { node: 'b', port: 'data' } },
      { id: 'e1', source: { node: 'b', port: 'output' }, target: { node: 'out', port: 'data' } },
    ],
    blocks: [inner],
  });
  assert.deepEqual(errorsOf(doc), []);
  const store = createEditorStore();
  store.getState().replaceDocument(doc);
  store.getState().select(['b']);
  runCommand(store, 'openBlock');
  store.getState().select(['rr']);
  assert.ok(runCommand(store, 'openBlock'));
  assert.deepEqual(
    store.getState().editPath.map((l) => l.blockId),
    ['block1', 'block2'],
  );
  const next = store.getState().document;
  assert.equal(next.blocks.find((b) => b.id === 'block1')!.nodes.find((n) => n.id === 'rr')!.block, 'block2');
  assert.deepEqual(built(next).params, built(doc).params);
});
