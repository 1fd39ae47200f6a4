// Auto-layout: a chain goes left to right without overlaps; a selection keeps its place.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { layeredLayout } from '../../renderer/graph/auto-layout.ts';
import { addNode, connect, emptyDocument, moveNodes } from '../../renderer/graph/document-ops.ts';
import { catalog } from './catalog-fixture.ts';

function chain() {
  let doc = emptyDocument();
  for (const kind of ['Input', 'Dense', 'Dense', 'Output']) doc = addNode(doc, catalog, kind, { x: 0, y: 0 }).doc;
  const ids = doc.nodes.map((n) => n.id);
  for (let i = 0; i + 1 < ids.length; i++) {
    const r = connect(doc, catalog, { node: ids[i]!, port: 'output' }, { node: ids[i + 1]!, port: 'data' });
    assert.ok(r.ok);
    doc = r.doc;
  }
  return doc;
}

test('a chain is laid out left to right with room between the nodes', async () => {
  const doc = chain();
  const positions = await layeredLayout(doc, {});
  const xs = doc.nodes.map((n) => positions[n.id]!.x);
  for (let i = 1; i < xs.length; i++) assert.ok(xs[i]! >= xs[i - 1]! + 150 + 100, `x ${xs.join(', ')}`);
});

test('laying out a selection moves only its nodes, from where they were', async () => {
  const doc = moveNodes(chain(), { dense0: { x: 500, y: 300 }, dense1: { x: 500, y: 300 } });
  const positions = await layeredLayout(doc, {}, ['dense0', 'dense1']);
  assert.deepEqual(Object.keys(positions).sort(), ['dense0', 'dense1']);
  assert.equal(Math.min(positions.dense0!.x, positions.dense1!.x), 500);
  assert.ok(positions.dense1!.x > positions.dense0!.x);
});
