// Copy and paste as pure functions: ties among copies follow them, definitions travel with the
// instances that use them (renamed when the target document has a different one of that id).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadExample } from '../../engine/graph/examples.ts';
import { validateDocument } from '../../engine/graph/parse.ts';
import { copyNodes, pasteNodes } from '../../renderer/graph/clipboard-ops.ts';
import { addNode, emptyDocument, setAttr, setParamSettings } from '../../renderer/graph/document-ops.ts';
import { catalog } from './catalog-fixture.ts';

test('ties between copied nodes point at the copies; a tie to a node left behind is kept only where that node is', () => {
  let doc = emptyDocument();
  for (let i = 0; i < 3; i++) doc = setAttr(addNode(doc, catalog, 'Dense', { x: i * 100, y: 0 }).doc, `dense${i}`, 'units', 4);
  doc = setParamSettings(doc, 'dense1', 'weight', { tiedTo: { node: 'dense0', param: 'weight' } });
  doc = setParamSettings(doc, 'dense2', 'weight', { tiedTo: { node: 'dense0', param: 'weight' }, constant: true });
  const clip = copyNodes(doc, ['dense0', 'dense1', 'dense2'])!;
  const pasted = pasteNodes(doc, copyNodes(doc, ['dense0', 'dense1'])!);
  assert.deepEqual(pasted.ids, ['dense3', 'dense4']);
  assert.deepEqual(pasted.doc.nodes.find((n) => n.id === 'dense4')!.params, { weight: { tiedTo: { node: 'dense3', param: 'weight' } } });

  const alone = pasteNodes(doc, copyNodes(doc, ['dense2'])!);
  assert.deepEqual(alone.doc.nodes.find((n) => n.id === alone.ids[0])!.params?.weight?.tiedTo, { node: 'dense0', param: 'weight' }, 'dense0 is still here');
  const elsewhere = pasteNodes(emptyDocument(), copyNodes(doc, ['dense2'])!);
  assert.deepEqual(elsewhere.doc.nodes[0]!.params, { weight: { constant: true } }, 'no dense0 there: the tie is dropped, the rest kept');
  assert.equal(clip.nodes.length, 3);
  assert.equal(copyNodes(doc, ['nope']), null);
});

test('an instance pasted into another document brings its definitions; a different definition with the same id is renamed', () => {
  const rg = loadExample('rgnet');
  const clip = copyNodes(rg, ['b2'])!;
  assert.deepEqual(
    clip.blocks.map((b) => b.id),
    ['block2', 'block1'],
  );
  const into = pasteNodes(emptyDocument(), clip);
  assert.deepEqual(
    into.doc.blocks.map((b) => b.id),
    ['block2', 'block1'],
  );
  assert.equal(validateDocument(into.doc).filter((p) => p.code === 'E_BLOCK_MISSING').length, 0);

  // Same document: the definitions are shared, not duplicated.
  const again = pasteNodes(rg, clip);
  assert.equal(again.doc.blocks.length, 2);

  // A document whose block1 is something else: the copy's block1 arrives as block3, and block2 uses it.
  const other = { ...emptyDocument(), blocks: [{ id: 'block1', nodes: [], edges: [] }] };
  const renamed = pasteNodes(other, clip);
  assert.deepEqual(
    renamed.doc.blocks.map((b) => b.id),
    ['block1', 'block2', 'block3'],
  );
  const block2 = renamed.doc.blocks.find((b) => b.id === 'block2')!;
  assert.equal(block2.nodes.find((n) => n.kind === 'Repeat')!.block, 'block3');
});
