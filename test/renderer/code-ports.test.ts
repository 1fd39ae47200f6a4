// The canvas's ports of a code block (renderer/graph/ports.ts, one handle per port in LayerNode):
// inputs declared in the source (`export const inputs = ['x', 'skip']`) give one handle each,
// wired once each; without the declaration the node keeps its one variadic `data` handle, as old
// documents have it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeCatalog } from '../../renderer/graph/catalog.ts';
import { connect, connectProblem, emptyDocument } from '../../renderer/graph/document-ops.ts';
import { nodePorts } from '../../renderer/graph/ports.ts';
import type { GraphDocument } from '../../engine/protocol/graph-document.ts';
import { layers } from './catalog-fixture.ts';

// The Code kind as the engine's catalog lists it: a variadic data port, one output.
const catalog = makeCatalog(
  [
    ...layers,
    {
      kind: 'Code',
      category: 'structure',
      doc: 'A layer written in TypeScript.',
      inputs: [{ name: 'data', doc: 'inputs', variadic: true }],
      outputs: [{ name: 'output', doc: 'result' }],
      params: [],
      attrs: [{ name: 'source', type: 'string', required: false, default: '', doc: 'the source' }],
    },
  ],
  ['zeros'],
);

const TWO_INPUTS = `export const inputs = ['x', 'skip'];
export function forward(self: Self, x: NDArray, skip: NDArray): NDArray {
  return x.add(skip);
}
`;

function docWith(source: string): GraphDocument {
  const doc = emptyDocument('ports');
  return {
    ...doc,
    nodes: [
      { id: 'in', kind: 'Input', name: 'data' },
      { id: 'd', kind: 'Dense', name: 'dense0', attrs: { units: 3 } },
      { id: 'c', kind: 'Code', name: 'code0', attrs: { source } },
    ],
    edges: [],
  };
}

test('a code block declaring two inputs has a handle per port, each taking one edge', () => {
  const doc = docWith(TWO_INPUTS);
  const ports = nodePorts(doc.nodes[2]!, doc, catalog);
  assert.deepEqual(
    ports.inputs.map((p) => [p.name, p.variadic]),
    [
      ['x', false],
      ['skip', false],
    ],
  );
  const a = connect(doc, catalog, { node: 'in', port: 'output' }, { node: 'c', port: 'x' });
  assert.ok(a.ok);
  const b = connect(a.doc, catalog, { node: 'd', port: 'output' }, { node: 'c', port: 'skip' });
  assert.ok(b.ok);
  assert.equal(connectProblem(b.doc, catalog, { node: 'd', port: 'output' }, { node: 'c', port: 'x' }), 'code0.x takes one input and already has one');
  assert.equal(connectProblem(doc, catalog, { node: 'in', port: 'output' }, { node: 'c', port: 'data' }), "code0 has no input port 'data'");
});

test('without the declaration the code block keeps the variadic data port', () => {
  const doc = docWith('export function forward(self: Self, x: NDArray): NDArray {\n  return x;\n}\n');
  assert.deepEqual(nodePorts(doc.nodes[2]!, doc, catalog).inputs, [{ name: 'data', variadic: true }]);
});
