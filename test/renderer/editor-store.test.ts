// The editor store: history (one step per edit, a bulk delete one step), undo/redo commands,
// selection, and the document replaced on open.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandForKey, runCommand } from '../../renderer/commands/index.ts';
import { addNode, connect, emptyDocument } from '../../renderer/graph/document-ops.ts';
import { createEditorStore } from '../../renderer/store/editor-store.ts';
import { idleView } from '../../renderer/training/training-model.ts';
import { catalog } from './catalog-fixture.ts';

function storeWithChain() {
  const store = createEditorStore();
  store.getState().setEngine({ catalog });
  for (const kind of ['Input', 'Dense', 'Dense', 'Output']) {
    const { document, commit } = store.getState();
    commit(addNode(document, catalog, kind, { x: 0, y: 0 }).doc);
  }
  const ids = store.getState().document.nodes.map((n) => n.id);
  for (let i = 0; i + 1 < ids.length; i++) {
    const r = connect(store.getState().document, catalog, { node: ids[i]!, port: 'output' }, { node: ids[i + 1]!, port: 'data' });
    assert.ok(r.ok);
    store.getState().commit(r.doc);
  }
  return store;
}

const key = (k: string, mods: Partial<{ ctrlKey: boolean; shiftKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

test('every commit is one undo step; undo and redo walk them', () => {
  const store = storeWithChain();
  assert.equal(store.getState().past.length, 7);
  assert.ok(runCommand(store, 'undo'));
  assert.equal(store.getState().document.edges.length, 2);
  assert.ok(runCommand(store, 'redo'));
  assert.equal(store.getState().document.edges.length, 3);
  assert.equal(runCommand(store, 'redo'), false, 'nothing left to redo');
});

test('deleting a multi-selection is one step, undone and redone as one', () => {
  const store = storeWithChain();
  const before = store.getState().document;
  store.getState().select(['dense0', 'dense1']);
  assert.ok(runCommand(store, 'deleteSelection'));
  assert.deepEqual(
    store.getState().document.nodes.map((n) => n.id),
    ['data0', 'output0'],
  );
  assert.equal(store.getState().document.edges.length, 0);
  assert.deepEqual(store.getState().selectedNodes, []);
  runCommand(store, 'undo');
  assert.equal(store.getState().document, before);
  runCommand(store, 'redo');
  assert.equal(store.getState().document.nodes.length, 2);
  assert.equal(runCommand(store, 'deleteSelection'), false, 'nothing selected: nothing to do');
});

test('a new edit after undo drops the redo stack', () => {
  const store = storeWithChain();
  runCommand(store, 'undo');
  assert.equal(store.getState().future.length, 1);
  store.getState().commit(addNode(store.getState().document, catalog, 'Dense', { x: 0, y: 0 }).doc);
  assert.equal(store.getState().future.length, 0);
});

test('commits without history change the document but add no step', () => {
  const store = storeWithChain();
  const steps = store.getState().past.length;
  store.getState().commit({ ...store.getState().document, seed: 3 }, { history: false });
  assert.equal(store.getState().past.length, steps);
  assert.equal(store.getState().document.seed, 3);
});

test('keys map to commands: Delete, Ctrl+Z, Ctrl+Shift+Z, Ctrl+Y, Ctrl+A', () => {
  assert.equal(commandForKey(key('Delete'))?.name, 'deleteSelection');
  assert.equal(commandForKey(key('Backspace'))?.name, 'deleteSelection');
  assert.equal(commandForKey(key('z', { ctrlKey: true }))?.name, 'undo');
  assert.equal(commandForKey(key('Z', { ctrlKey: true, shiftKey: true }))?.name, 'redo');
  assert.equal(commandForKey(key('y', { ctrlKey: true }))?.name, 'redo');
  assert.equal(commandForKey(key('a', { ctrlKey: true }))?.name, 'selectAll');
  assert.equal(commandForKey(key('a')), undefined);
});

test('select all, then opening a document resets history and selection', () => {
  const store = storeWithChain();
  runCommand(store, 'selectAll');
  assert.equal(store.getState().selectedNodes.length, 4);
  assert.equal(store.getState().selectedEdges.length, 3);
  store.getState().replaceDocument(emptyDocument('other'));
  assert.deepEqual([store.getState().past, store.getState().selectedNodes, store.getState().dirty], [[], [], false]);
  assert.equal(store.getState().fileName, 'other.json');
});

test("opening a document drops a finished run's training view (its gradient badges named the old model's layers) and the chosen Run input; an active run keeps its view", () => {
  const store = createEditorStore();
  const finished = { ...idleView(), phase: 'finished' as const, runId: 'r1', gradNorms: { dense0: 2.5 } };
  store.getState().setTraining(finished);
  // So does the array chosen as Run's input: it was picked for the previous model's input shape.
  store.getState().setEngine({ runInput: { path: '/tmp/x.npy', name: '0', shape: [3, 20] } });
  store.getState().replaceDocument(emptyDocument('other'));
  assert.deepEqual(store.getState().training, idleView());
  assert.equal(store.getState().runInput, null);
  // A run still going on can still be stopped: its run id and view stay.
  const running = { ...idleView(), phase: 'running' as const, runId: 'r2', gradNorms: { dense0: 1 } };
  store.getState().setTraining(running);
  store.getState().replaceDocument(emptyDocument('third'));
  assert.equal(store.getState().training, running);
});

test('duplicating a selection copies nodes with fresh names and the edges among them, in one step', () => {
  const store = storeWithChain();
  const steps = store.getState().past.length;
  store.getState().select(['dense0', 'dense1']);
  assert.ok(runCommand(store, 'duplicateSelection'));
  const { document, selectedNodes, past } = store.getState();
  assert.equal(past.length, steps + 1);
  assert.deepEqual(selectedNodes, ['dense2', 'dense3']);
  assert.deepEqual(
    document.edges.filter((e) => e.source.node === 'dense2').map((e) => e.target.node),
    ['dense3'],
  );
  assert.equal(document.edges.length, 4, 'only the edge among the copies is added');
  assert.equal(commandForKey(key('d', { ctrlKey: true }))?.name, 'duplicateSelection');
});

test('typing in one inspector field is one undo step, ended when the field is left', () => {
  const store = storeWithChain();
  const dense = store.getState().document.nodes.find((n) => n.kind === 'Dense')!.id;
  const before = store.getState().document;
  const steps = store.getState().past.length;
  const type = (units: number) => {
    const doc = store.getState().document;
    store
      .getState()
      .commit({ ...doc, nodes: doc.nodes.map((n) => (n.id === dense ? { ...n, attrs: { ...n.attrs, units } } : n)) }, { group: `attr:${dense}:units` });
  };
  type(1);
  type(12);
  type(128);
  assert.equal(store.getState().past.length, steps + 1);
  store.getState().endEditGroup();
  type(64);
  assert.equal(store.getState().past.length, steps + 2, 'the field was left: the next edit is a new step');
  runCommand(store, 'undo');
  assert.equal(store.getState().document.nodes.find((n) => n.id === dense)!.attrs?.units, 128);
  runCommand(store, 'undo');
  assert.equal(store.getState().document, before);
  // After an undo the group is over: typing again is a step of its own, not a rewrite of the last.
  type(7);
  assert.equal(store.getState().past.length, steps + 1);
  runCommand(store, 'undo');
  assert.equal(store.getState().document, before);
});
