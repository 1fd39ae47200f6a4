// Blocks through the store and the registered commands, as the canvas uses them: the chapter's
// rgnet built by hand in a few steps and run by the engine; drilling into a definition and
// editing it with the ordinary edits and undo; copy/paste with and without links; reconnecting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { np } from '../../engine/index.ts';
import { buildModel, loadExample, runModel } from '../../engine/graph/index.ts';
import { commandForKey, runCommand } from '../../renderer/commands/index.ts';
import { addNode, connect, reconnectEdge, setAttr, setDocumentFields } from '../../renderer/graph/document-ops.ts';
import { selectBlockId, selectBody, selectShapePrefix } from '../../renderer/store/block-slice.ts';
import { createEditorStore, type EditorStore } from '../../renderer/store/editor-store.ts';
import { catalog } from './catalog-fixture.ts';
import { engineAnswered, engineForgotten } from './engine-answer.ts';

function add(store: EditorStore, kind: string, attrs: Record<string, unknown> = {}): string {
  const s = store.getState();
  const added = addNode(selectBody(s), catalog, kind, { x: 0, y: 0 });
  let view = added.doc;
  for (const [k, v] of Object.entries(attrs)) view = setAttr(view, added.id, k, v);
  s.commitBody(view);
  return added.id;
}

function wire(store: EditorStore, from: string, to: string, fromPort = 'output', toPort = 'data') {
  const s = store.getState();
  const r = connect(selectBody(s), catalog, { node: from, port: fromPort }, { node: to, port: toPort });
  assert.ok(r.ok, r.ok ? '' : r.reason);
  s.commitBody(r.doc);
}

function chainStore(): { store: EditorStore; ids: string[] } {
  const store = createEditorStore();
  store.getState().setEngine({ catalog });
  store.getState().commit(setDocumentFields(store.getState().document, { input: { shape: [-1, 20], dtype: 'float32' } }));
  const ids = [
    add(store, 'Input'),
    add(store, 'Dense', { units: 32, activation: 'relu' }),
    add(store, 'Dense', { units: 16, activation: 'relu' }),
    add(store, 'Output'),
  ];
  for (let i = 0; i + 1 < ids.length; i++) wire(store, ids[i]!, ids[i + 1]!);
  return { store, ids };
}

const paramTable = (net: ReturnType<typeof buildModel>['net']) =>
  net
    .collectParams()
    .entries()
    .map(([k, p]) => [k, [...(p.shape ?? [])]]);

test('rgnet by hand: Dense(32)+Dense(16) → make block → repeat ×4 → make block → + Dense(10); the engine runs it like assets/examples/rgnet.json', () => {
  const { store } = chainStore();
  const steps = () => store.getState().past.length;
  store.getState().select(['dense0', 'dense1']);
  let before = steps();
  assert.ok(runCommand(store, 'makeBlock'));
  assert.equal(steps(), before + 1, 'make block is one undo step');
  const block1 = store.getState().selectedNodes[0]!;
  before = steps();
  assert.ok(runCommand(store, 'repeatSelection'));
  assert.equal(steps(), before + 1, 'repeat is one undo step');
  const rep = store.getState().document.nodes.find((n) => n.id === block1)!;
  assert.deepEqual([rep.kind, rep.count, rep.block], ['Repeat', 4, 'block1']);
  assert.ok(runCommand(store, 'makeBlock'));
  const block2 = store.getState().selectedNodes[0]!;
  assert.equal(store.getState().document.nodes.find((n) => n.id === block2)!.block, 'block2');

  // + Dense(10): named after the names the engine answered for the four copies, as in the chapter.
  engineAnswered(store.getState().document);
  const last = add(store, 'Dense', { units: 10 });
  engineForgotten();
  assert.equal(last, 'dense8');
  const toOutput = store.getState().document.edges.find((e) => e.source.node === block2)!;
  const moved = reconnectEdge(store.getState().document, catalog, toOutput.id, toOutput.source, { node: last, port: 'data' });
  assert.ok(moved.ok, moved.ok ? '' : moved.reason);
  store.getState().commit(moved.doc);
  wire(store, last, 'output0');

  const doc = store.getState().document;
  const model = buildModel(doc);
  const { outputs } = runModel(model, [np.random.uniform(0, 1, [2, 20])]);
  assert.deepEqual(outputs[0]!.shape, [2, 10]);
  const reference = buildModel(loadExample('rgnet'));
  runModel(reference, [np.random.uniform(0, 1, [2, 20])]);
  const mine = paramTable(model.net);
  assert.equal(mine.length, 18);
  assert.deepEqual(mine, paramTable(reference.net), 'same parameter names and shapes, in the same order');
});

test('drilling in: the ordinary edits and undo work on the definition; the breadcrumb path and shape keys follow', () => {
  const { store } = chainStore();
  store.getState().select(['dense0', 'dense1']);
  runCommand(store, 'makeBlock');
  runCommand(store, 'repeatSelection');
  const repId = store.getState().selectedNodes[0]!;
  const main = store.getState().document.nodes;
  assert.ok(runCommand(store, 'openBlock'));
  assert.equal(selectBlockId(store.getState()), 'block1');
  assert.equal(selectShapePrefix(store.getState()), `${repId}#0/`);
  assert.deepEqual(
    selectBody(store.getState()).nodes.map((n) => n.name),
    ['dense0', 'dense1', 'data', 'output'],
  );

  // Add a layer inside: the definition changes, the main graph does not.
  const relu = add(store, 'Activation', { activation: 'relu' });
  assert.ok(store.getState().document.blocks[0]!.nodes.some((n) => n.id === relu));
  assert.equal(store.getState().document.nodes, main);
  // Delete, select all and duplicate act on the body.
  store.getState().select([relu]);
  assert.ok(runCommand(store, 'duplicateSelection'));
  assert.equal(store.getState().document.blocks[0]!.nodes.filter((n) => n.kind === 'Activation').length, 2);
  runCommand(store, 'selectAll');
  assert.equal(store.getState().selectedNodes.length, 6);
  store.getState().select(store.getState().selectedNodes.filter((id) => id.startsWith('relu')));
  assert.ok(runCommand(store, 'deleteSelection'));
  assert.equal(store.getState().document.blocks[0]!.nodes.length, 4);
  runCommand(store, 'undo');
  assert.equal(store.getState().document.blocks[0]!.nodes.length, 6);
  runCommand(store, 'undo');
  runCommand(store, 'undo');
  assert.equal(store.getState().document.blocks[0]!.nodes.length, 4);
  assert.equal(selectBlockId(store.getState()), 'block1', 'still inside');

  // Back out through the breadcrumb (leaveTo) or Alt+↑ (leaveBlock, which selects the block left).
  assert.ok(runCommand(store, 'leaveBlock'));
  assert.equal(selectBlockId(store.getState()), undefined);
  assert.deepEqual(store.getState().selectedNodes, [repId]);
  runCommand(store, 'openBlock');
  store.getState().leaveTo(0);
  assert.deepEqual(store.getState().editPath, []);
});

test('undoing the block being edited falls back to the graph that still exists', () => {
  const { store } = chainStore();
  store.getState().select(['dense0', 'dense1']);
  runCommand(store, 'makeBlock');
  runCommand(store, 'openBlock');
  assert.equal(selectBlockId(store.getState()), 'block1');
  runCommand(store, 'undo');
  assert.equal(selectBlockId(store.getState()), undefined);
  assert.deepEqual(
    selectBody(store.getState()).nodes.map((n) => n.id),
    ['data0', 'dense0', 'dense1', 'output0'],
  );
});

test('after the block being edited was undone, the next edit forgets it: making the same block again does not jump into it', () => {
  const { store } = chainStore();
  store.getState().select(['dense0', 'dense1']);
  runCommand(store, 'makeBlock');
  runCommand(store, 'openBlock');
  runCommand(store, 'undo');
  assert.equal(selectBlockId(store.getState()), undefined);
  // The same selection makes a block with the same ids (block1 through block1_0); the canvas
  // must stay on the main graph the edit was made on, not reopen the earlier, undone definition.
  store.getState().select(['dense0', 'dense1']);
  assert.ok(runCommand(store, 'makeBlock'));
  assert.ok(store.getState().document.blocks.some((b) => b.id === 'block1'));
  assert.equal(selectBlockId(store.getState()), undefined);
  assert.deepEqual(store.getState().editPath, []);
});

test('copy and paste: fresh names, edges among the copies; with links also the edges from nodes not copied', () => {
  const { store } = chainStore();
  assert.equal(runCommand(store, 'paste'), false, 'nothing copied yet');
  store.getState().select(['dense0', 'dense1']);
  assert.ok(runCommand(store, 'copySelection'));
  const edges = store.getState().document.edges.length;
  assert.ok(runCommand(store, 'paste'));
  assert.deepEqual(store.getState().selectedNodes, ['dense2', 'dense3']);
  const doc = store.getState().document;
  assert.equal(doc.edges.length, edges + 1, 'the edge dense2 → dense3 only');
  assert.deepEqual(doc.layout?.positions?.dense2, { x: 40, y: 40 });

  assert.ok(runCommand(store, 'pasteWithLinks'));
  assert.deepEqual(store.getState().selectedNodes, ['dense4', 'dense5']);
  const linked = store
    .getState()
    .document.edges.filter((e) => e.target.node === 'dense4')
    .map((e) => e.source.node);
  assert.deepEqual(linked, ['data0'], 'data0 → dense0 is drawn again into the copy');
  assert.deepEqual(store.getState().document.layout?.positions?.dense4, { x: 80, y: 80 }, 'a second paste lands further');

  // Pasting inside a block brings the copy there; definitions used by copied instances come along.
  runCommand(store, 'undo');
  runCommand(store, 'undo');
  store.getState().select(['dense0', 'dense1']);
  runCommand(store, 'makeBlock');
  runCommand(store, 'copySelection');
  const fresh = createEditorStore();
  fresh.getState().setEngine({ catalog });
  fresh.setState({ clipboard: store.getState().clipboard });
  assert.ok(runCommand(fresh, 'paste'));
  assert.deepEqual(
    fresh.getState().document.blocks.map((b) => b.id),
    ['block1'],
  );
  assert.equal(fresh.getState().document.nodes[0]!.block, 'block1');
});

test('reconnecting an edge runs the same checks as connecting and leaves the graph as it was when refused', () => {
  const { store } = chainStore();
  const doc = store.getState().document;
  const e = doc.edges.find((x) => x.source.node === 'dense1')!;
  const cycle = reconnectEdge(doc, catalog, e.id, e.source, { node: 'dense0', port: 'data' });
  assert.ok(!cycle.ok && /already has one|cycle/.test(cycle.reason), cycle.ok ? '' : cycle.reason);
  const noPort = reconnectEdge(doc, catalog, e.id, e.source, { node: 'output0', port: 'nope' });
  assert.ok(!noPort.ok && /no input port 'nope'/.test(noPort.reason));
  const ok = reconnectEdge(doc, catalog, e.id, { node: 'dense0', port: 'output' }, e.target);
  assert.ok(ok.ok);
  assert.deepEqual(ok.doc.edges.find((x) => x.id === e.id)!.source, { node: 'dense0', port: 'output' });
  assert.ok(!reconnectEdge(doc, catalog, 'missing', e.source, e.target).ok);
});

test('the block and clipboard commands answer their keys; a refused make block says why and changes nothing', () => {
  const key = (k: string, mods: Partial<{ ctrlKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) => ({
    key: k,
    ctrlKey: false,
    metaKey: false,
    shiftKey: false,
    altKey: false,
    ...mods,
  });
  const cases: [ReturnType<typeof key>, string][] = [
    [key('g', { ctrlKey: true }), 'makeBlock'],
    [key('r', { altKey: true }), 'repeatSelection'],
    [key('ArrowDown', { altKey: true }), 'openBlock'],
    [key('ArrowUp', { altKey: true }), 'leaveBlock'],
    [key('c', { ctrlKey: true }), 'copySelection'],
    [key('x', { ctrlKey: true }), 'cutSelection'],
    [key('v', { ctrlKey: true }), 'paste'],
    [key('V', { ctrlKey: true, shiftKey: true }), 'pasteWithLinks'],
  ];
  for (const [event, name] of cases) assert.equal(commandForKey(event)?.name, name, JSON.stringify(event));
  assert.equal(commandForKey(key('r', { ctrlKey: true })), undefined, "Ctrl+R stays the browser's reload");

  const { store } = chainStore();
  const before = store.getState().document;
  const history = store.getState().past.length;
  store.getState().select(['data0', 'dense0']);
  assert.ok(runCommand(store, 'makeBlock'));
  assert.equal(store.getState().document, before);
  assert.equal(store.getState().past.length, history, 'no undo step for a refusal');
  assert.match(store.getState().notice?.text ?? '', /Cannot make a block: data0 is the graph's Input/);

  // Cut is copy + delete in one step; paste brings the nodes back under fresh names.
  store.getState().select(['dense1']);
  const steps = store.getState().past.length;
  assert.ok(runCommand(store, 'cutSelection'));
  assert.equal(store.getState().past.length, steps + 1);
  assert.ok(!store.getState().document.nodes.some((n) => n.id === 'dense1'));
  assert.ok(runCommand(store, 'paste'));
  assert.deepEqual(store.getState().selectedNodes, ['dense1']);
});

test('pasting a use of the block being edited into it is refused: a block cannot contain itself', () => {
  const { store } = chainStore();
  store.getState().select(['dense0', 'dense1']);
  runCommand(store, 'makeBlock');
  runCommand(store, 'copySelection');
  runCommand(store, 'openBlock');
  const before = store.getState().document;
  assert.ok(runCommand(store, 'paste'));
  assert.equal(store.getState().document, before);
  assert.match(store.getState().notice?.text ?? '', /Cannot paste: the copy uses block1/);
});

test("the status line tells each command's own outcome: repeat and paste say what they did, a silent command clears the last one", () => {
  const { store } = chainStore();
  store.getState().select(['dense0', 'dense1']);
  runCommand(store, 'makeBlock');
  assert.equal(store.getState().notice?.text, 'Made block1');
  runCommand(store, 'repeatSelection');
  assert.equal(store.getState().notice?.text, 'Repeated block1 ×4');
  runCommand(store, 'copySelection');
  runCommand(store, 'paste');
  assert.equal(store.getState().notice?.text, 'Pasted 1 node');
  runCommand(store, 'undo');
  assert.equal(store.getState().notice, null);
});
