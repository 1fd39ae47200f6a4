// "Tie to…" offers only parameters whose shapes can match.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addNode, emptyDocument } from '../../renderer/graph/document-ops.ts';
import { shapesCanMatch, tieCandidates, tieOptionText, tiedUsesText } from '../../renderer/graph/ties.ts';
import { catalog } from './catalog-fixture.ts';

function threeDense() {
  let doc = emptyDocument();
  for (let i = 0; i < 3; i++) doc = addNode(doc, catalog, 'Dense', { x: 0, y: 0 }).doc;
  const node = (weight: number[], units: number) => ({
    outputShapes: [],
    paramCount: 0,
    flops: 0,
    params: [
      { name: 'x_weight', shape: weight },
      { name: 'x_bias', shape: [units] },
    ],
  });
  const shapes = {
    edges: {},
    problems: [],
    nodes: { dense0: node([8, 8], 8), dense1: node([8, 8], 8), dense2: node([4, 8], 4) },
  };
  return { doc, shapes };
}

test('shapes can match when ranks agree and every dim is equal or unknown', () => {
  assert.ok(shapesCanMatch([8, 8], [8, 8]));
  assert.ok(shapesCanMatch([8, -1], [8, 20]));
  assert.ok(!shapesCanMatch([8, 8], [4, 8]));
  assert.ok(!shapesCanMatch([8], [8, 1]));
});

test("tie candidates: other nodes' parameters of a matching shape only", () => {
  const { doc, shapes } = threeDense();
  const names = tieCandidates(doc, catalog, shapes, 'dense1', 'weight').map((c) => `${c.nodeName}.${c.param}`);
  assert.deepEqual(names, ['dense0.weight']);
  const biases = tieCandidates(doc, catalog, shapes, 'dense2', 'bias').map((c) => `${c.nodeName}.${c.param}`);
  assert.deepEqual(biases, [], 'no (4,) bias elsewhere');
  // Without shapes, namesakes are offered.
  assert.deepEqual(
    tieCandidates(doc, catalog, null, 'dense0', 'bias').map((c) => c.nodeName),
    ['dense1', 'dense2'],
  );
});

test('the parameter table names the layer of each other use, with its structural path', () => {
  assert.equal(tiedUsesText({ tiedTo: ['2.weight'], tiedToBlocks: ['dense2'] }), 'dense2 (2.weight)');
  assert.equal(
    tiedUsesText({ tiedTo: ['1.1.weight', '2.weight'], tiedToBlocks: ['sequential0_dense1', 'dense1'] }),
    'sequential0_dense1 (1.1.weight), dense1 (2.weight)',
  );
  // An engine that sends no block names: the paths alone, as before.
  assert.equal(tiedUsesText({ tiedTo: ['2.weight'] }), '2.weight');
  assert.equal(tiedUsesText({ tiedTo: [], tiedToBlocks: [] }), '');
});

test('a "tie to…" option shows the shape, or says it is unknown instead of ending in a blank', () => {
  assert.equal(tieOptionText({ nodeName: 'dense3', param: 'weight', shape: [256, 20] }), 'dense3.weight (256, 20)');
  assert.equal(tieOptionText({ nodeName: 'dense3', param: 'weight', shape: null }), 'dense3.weight (shape unknown)');
});
