// The editor's round trips against a real engine over the real WebSocket: an attribute edit is one
// request answering the problems and shapes, a Run one request answering outputs, shapes and the
// parameter rows (issue 15). The client is the real one; the test only counts what it sends.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { ServiceClient } from '../../engine/protocol/service-client.ts';
import { EngineSession } from '../../renderer/services/engine-session.ts';
import { setAttr } from '../../renderer/graph/document-ops.ts';
import { selectBody } from '../../renderer/store/block-slice.ts';
import { createEditorStore } from '../../renderer/store/editor-store.ts';
import { connectedHost } from './service-helpers.ts';

const MLP = JSON.parse(readFileSync(new URL('./fixtures/mlp.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const connection = connectedHost();

/** The real client, with the names of the methods it was asked to call recorded. */
function counting(client: ServiceClient): { client: ServiceClient; calls: string[] } {
  const calls: string[] = [];
  const wrapped = {
    on: client.on.bind(client),
    call: (method: string, params: unknown) => {
      calls.push(method);
      return (client.call as (m: string, p: unknown) => Promise<unknown>)(method, params);
    },
  };
  return { client: wrapped as unknown as ServiceClient, calls };
}

test('an attribute edit is one request (problems and shapes), a Run one request (outputs, shapes, parameter rows)', async () => {
  const store = createEditorStore();
  const { client, calls } = counting(connection.client());
  const session = new EngineSession(store, client);
  await session.start();
  assert.ok(session.openJson(MLP, 'mlp.json'));
  await session.flush();
  assert.deepEqual(calls.filter((m) => m === 'openDocument').length, 1);

  // Three keystrokes in the units field ("1", "12", "128") before the debounce fires: one request, one undo step.
  calls.length = 0;
  const pastBefore = store.getState().past.length;
  for (const units of [1, 12, 128]) {
    store.getState().commitBody(setAttr(selectBody(store.getState()), 'h', 'units', units), { group: 'attr::h:units' });
  }
  store.getState().endEditGroup();
  await session.flush();
  assert.deepEqual(calls, ['openDocument']);
  assert.equal(store.getState().past.length, pastBefore + 1, 'typing in one field is one undo step');
  const shapes = store.getState().shapes!;
  // dense0: 20 inputs → 128 units (weight 128×20 plus bias 128); dense1: 128 → 10.
  assert.deepEqual(shapes.edges.e1!.shape, [-1, 128]);
  assert.equal(shapes.nodes.h!.paramCount, 128 * 20 + 128);
  assert.equal(shapes.nodes.o!.paramCount, 10 * 128 + 10);
  assert.deepEqual(store.getState().problems, []);

  // A problem comes back in the same single answer, once.
  calls.length = 0;
  store.getState().commitBody(setAttr(selectBody(store.getState()), 'h', 'units', -3));
  await session.flush();
  assert.deepEqual(calls, ['openDocument']);
  const codes = store.getState().problems.map((p) => p.code);
  assert.deepEqual(codes, ['E_ATTR_RANGE']);
  store.getState().commitBody(setAttr(selectBody(store.getState()), 'h', 'units', 128));
  await session.flush();

  calls.length = 0;
  await session.run();
  assert.deepEqual(calls, ['forward']);
  const { lastRun, parameters } = store.getState();
  assert.deepEqual(lastRun!.outputs[0]!.shape.slice(1), [10]);
  assert.deepEqual(
    parameters!.map((p) => [p.name, p.shape]),
    [
      ['dense0_weight', [128, 20]],
      ['dense0_bias', [128]],
      ['dense1_weight', [10, 128]],
      ['dense1_bias', [10]],
    ],
  );
  assert.ok(
    parameters!.every((p) => p.stats !== null),
    'the rows come with statistics',
  );
  // An unchanged document is not sent again by the next Run.
  calls.length = 0;
  await session.run();
  assert.deepEqual(calls, ['forward']);
});
