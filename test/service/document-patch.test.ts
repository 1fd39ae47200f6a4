// Edits as changes (issue 15): for a document over PATCH_MIN_NODES the editor sends openDocument
// a patch against the engine's kept version, still one request per edit; the engine's answer is
// checked against inferring the whole edited document directly, and a stale version is refused
// and answered by the whole document. The client and the engine are the real ones.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GraphDocument } from '../../engine/protocol/graph-document.ts';
import { applyPatch, diffDocuments } from '../../engine/protocol/document-patch.ts';
import type { ServiceClient } from '../../engine/protocol/service-client.ts';
import { inferShapes } from '../../engine/graph/shapes.ts';
import { parseDocument } from '../../engine/graph/parse.ts';
import { DOC_ID, EngineSession, PATCH_MIN_NODES } from '../../renderer/services/engine-session.ts';
import { addNode, connect, removeItems, setAttr } from '../../renderer/graph/document-ops.ts';
import { selectBody } from '../../renderer/store/block-slice.ts';
import { createEditorStore } from '../../renderer/store/editor-store.ts';
import { catalog } from '../renderer/catalog-fixture.ts';
import { benchDocument } from '../bench/editor.ts';
import { connectedHost } from './service-helpers.ts';

const connection = connectedHost();
const SIZE = PATCH_MIN_NODES + 100;

/** The real client, with each method and its params recorded. */
function counting(client: ServiceClient): { client: ServiceClient; calls: { method: string; params: Record<string, unknown> }[] } {
  const calls: { method: string; params: Record<string, unknown> }[] = [];
  const wrapped = {
    on: client.on.bind(client),
    call: (method: string, params: Record<string, unknown>) => {
      calls.push({ method, params });
      return (client.call as (m: string, p: unknown) => Promise<unknown>)(method, params);
    },
  };
  return { client: wrapped as unknown as ServiceClient, calls };
}

const plain = (doc: unknown) => JSON.parse(JSON.stringify(doc)) as unknown;

test('a patch applied to the document it was made from gives the edited document (attribute, add + connect, remove, move)', () => {
  const before = benchDocument(SIZE);
  const dense = before.nodes.find((n) => n.kind === 'Dense')!;
  const edits: GraphDocument[] = [setAttr(before, dense.id, 'units', 7)];
  const added = addNode(before, catalog, 'Dense', { x: 1, y: 2 });
  const wired = connect(added.doc, catalog, { node: dense.id, port: 'output' }, { node: added.id, port: 'data' });
  assert.ok(wired.ok);
  edits.push(wired.doc);
  edits.push(removeItems(before, [dense.id], []));
  for (const after of edits) {
    const patch = diffDocuments(before, after, 4);
    assert.ok(patch, 'only nodes, edges and layout changed');
    assert.equal(patch.base, 4);
    assert.ok((patch.nodes?.length ?? 0) + (patch.removeNodes?.length ?? 0) <= 2, 'the change only');
    assert.deepEqual(plain(applyPatch(before, plain(patch) as typeof patch)), plain(after));
  }
  assert.equal(diffDocuments(before, { ...before, input: { ...before.input, shape: [-1, 3] } }, 1), null, 'anything else: the whole document');
});

test('an edit of a large document is one openDocument carrying a patch; its shapes are those of the whole edited document', async () => {
  const store = createEditorStore();
  const { client, calls } = counting(connection.client());
  const session = new EngineSession(store, client);
  await session.start();
  assert.ok(session.openJson(benchDocument(SIZE), 'big.json'));
  await session.flush();
  assert.equal(calls.filter((c) => c.method === 'openDocument').length, 1);

  const dense = store.getState().document.nodes.filter((n) => n.kind === 'Dense');
  for (const [i, node] of dense.slice(0, 3).entries()) {
    calls.length = 0;
    store.getState().commitBody(setAttr(selectBody(store.getState()), node.id, 'units', 11 + i));
    await session.flush();
    assert.deepEqual(
      calls.map((c) => c.method),
      ['openDocument'],
    );
    assert.ok(calls[0]!.params.patch && calls[0]!.params.document === undefined, 'the change, not the document');
    const whole = parseDocument(plain(store.getState().document)).document!;
    const oracle = inferShapes(whole);
    const got = store.getState().shapes!;
    assert.deepEqual(got.nodes[node.id]!.params, oracle.nodes[node.id]!.params);
    assert.deepEqual(Object.keys(got.edges).length, Object.keys(oracle.edges).length);
    for (const [id, e] of Object.entries(oracle.edges)) assert.deepEqual(got.edges[id]!.shape, e.shape, id);
  }

  // Another client replaces the kept version: the next patch is stale, refused, and the whole document follows.
  await connection.client().call('openDocument', { docId: DOC_ID, document: plain(store.getState().document) });
  calls.length = 0;
  store.getState().commitBody(setAttr(selectBody(store.getState()), dense[0]!.id, 'units', 5));
  await session.flush();
  assert.deepEqual(
    calls.map((c) => [c.method, c.params.patch ? 'patch' : 'document']),
    [
      ['openDocument', 'patch'],
      ['openDocument', 'document'],
    ],
  );
  assert.deepEqual(store.getState().shapes!.nodes[dense[0]!.id]!.params[0]!.shape.slice(0, 1), [5]);
  await assert.rejects(
    connection.client().call('openDocument', { docId: DOC_ID, patch: { base: 9999 } }),
    (e: { code?: string }) => e.code === 'E_STALE_REVISION',
  );
});
