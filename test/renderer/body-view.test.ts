// A block definition edited through its body view: the ordinary edits work on it, the result is
// written back into document.blocks, names avoid every name of the document, and an edit path
// whose block was undone away shrinks to what still exists.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadExample } from '../../engine/graph/examples.ts';
import { bodyView, pathToBlock, rootDocument, shapePrefix, shapesAt, validPath, withBody } from '../../renderer/graph/body-view.ts';
import { makeBlock } from '../../renderer/graph/block-ops.ts';
import { copyNodes, pasteNodes } from '../../renderer/graph/clipboard-ops.ts';
import { addNode, removeItems } from '../../renderer/graph/document-ops.ts';
import { catalog } from './catalog-fixture.ts';
import { engineAnswered, engineForgotten } from './engine-answer.ts';

test('a body view is the definition as a document, the same object for the same document, written back by withBody', () => {
  const rg = loadExample('rgnet');
  const view = bodyView(rg, 'block1')!;
  assert.equal(bodyView(rg, 'block1'), view, 'stable for React selectors');
  assert.equal(bodyView(rg, undefined), rg);
  assert.equal(bodyView(rg, 'nope'), null);
  assert.deepEqual(
    view.nodes.map((n) => n.id),
    ['in', 'd32', 'd16', 'out'],
  );
  assert.equal(rootDocument(view), rg);
  assert.equal(withBody(rg, 'block1', view), rg, 'an unchanged view changes nothing');

  // A Dense added inside block1 is named after the names rgnet's expansion already uses (dense0..dense8, as the engine answered).
  engineAnswered(rg);
  const added = addNode(view, catalog, 'Dense', { x: 5, y: 6 });
  engineForgotten();
  assert.equal(added.id, 'dense9');
  const next = withBody(rg, 'block1', added.doc);
  const def = next.blocks.find((b) => b.id === 'block1')!;
  assert.deepEqual(
    def.nodes.map((n) => n.id),
    ['in', 'd32', 'd16', 'out', 'dense9'],
  );
  assert.deepEqual(def.layout?.positions?.dense9, { x: 5, y: 6 });
  assert.equal(next.nodes, rg.nodes, 'the main graph is untouched');
  assert.equal(
    next.blocks.find((b) => b.id === 'block2'),
    rg.blocks.find((b) => b.id === 'block2'),
  );

  const trimmed = withBody(rg, 'block1', removeItems(view, ['d16'], []));
  assert.deepEqual(
    trimmed.blocks.find((b) => b.id === 'block1')!.nodes.map((n) => n.id),
    ['in', 'd32', 'out'],
  );
  assert.throws(() => withBody({ ...rg, blocks: [] }, 'block1', { ...view, blocks: [] }), /block definition 'block1' is not in the edited document/);
});

test('edit paths: the valid prefix, and the shape keys of the first use', () => {
  const rg = loadExample('rgnet');
  const path = [
    { blockId: 'block2', nodeId: 'b2', repeat: false },
    { blockId: 'block1', nodeId: 'rep', repeat: true },
  ];
  assert.equal(validPath(rg, path), path);
  assert.deepEqual(validPath({ ...rg, blocks: rg.blocks.filter((b) => b.id !== 'block1') }, path), [path[0]]);
  assert.equal(shapePrefix(path), 'b2/rep#0/');
  assert.equal(shapePrefix([]), '');
});

test('pathToBlock: the levels a problem inside a nested definition opens, through the first use at each level', () => {
  const rg = loadExample('rgnet');
  assert.deepEqual(pathToBlock(rg, undefined), []);
  assert.deepEqual(pathToBlock(rg, 'block2'), [{ blockId: 'block2', nodeId: 'b2', repeat: false }]);
  // block1 is only used inside block2, by the repeat: two levels, the repeat flagged (shape keys 'b2/rep#0/').
  assert.deepEqual(pathToBlock(rg, 'block1'), [
    { blockId: 'block2', nodeId: 'b2', repeat: false },
    { blockId: 'block1', nodeId: 'rep', repeat: true },
  ]);
  assert.equal(pathToBlock(rg, 'nope'), null);
  // A definition no node uses cannot be reached.
  assert.equal(pathToBlock({ ...rg, nodes: rg.nodes.filter((n) => n.id !== 'b2') }, 'block1'), null);
});

test('shapesAt: the report of one body, keyed by its own ids', () => {
  const report = { nodes: { b2: 1, 'b2/rep': 2, 'b2/rep#0/d32': 3 }, edges: { e1: 'a', 'b2/e1': 'b', 'b2/rep#0/e1': 'c' }, problems: [] };
  assert.deepEqual(shapesAt(report, 'b2/'), { nodes: { rep: 2 }, edges: { e1: 'b' }, problems: [] });
  assert.equal(shapesAt(report, ''), report);
  assert.equal(shapesAt(null, 'b2/'), null);
});

test('inside a body, make block and paste name their nodes against the whole document', () => {
  const rg = loadExample('rgnet');
  // Main graph stores sequential1 (the block2 instance) and dense8; block1's Dense nodes are d32/d16.
  const view = bodyView(rg, 'block1')!;
  const made = makeBlock(view, ['d32']);
  assert.ok(made.ok, made.ok ? '' : made.reason);
  const inst = made.doc.nodes.find((n) => n.id === made.instanceId)!;
  // The new definition is block3 (block1 and block2 exist in the document, not in the body): its instance is block3_0.
  assert.equal(inst.name, 'block3_0', 'named after the new definition, counted against the whole document');
  engineAnswered(rg);
  const pasted = pasteNodes(view, copyNodes(view, ['d16'])!);
  engineForgotten();
  assert.equal(pasted.doc.nodes.at(-1)!.name, 'dense9', 'dense8 is stored in the main graph, dense2..7 taken by the copies');
});
