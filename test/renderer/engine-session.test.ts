// The session's Run against a lost connection: Ctrl+Enter (or the menu) while offline sends
// nothing and leaves the status offline; a connection lost during a Run leaves it offline after
// the Run fails, until the monitor sees the connection come back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServiceClient } from '../../engine/protocol/service-client.ts';
import { connectionMonitor } from '../../renderer/services/connection-monitor.ts';
import { EngineSession } from '../../renderer/services/engine-session.ts';
import { createEditorStore } from '../../renderer/store/editor-store.ts';

function notConnected(): Error {
  return Object.assign(new Error('not connected to the engine'), { code: 'E_NOT_CONNECTED' });
}

function fakeClient(answers: Record<string, () => unknown>) {
  const calls: string[] = [];
  const client = {
    on: () => () => {},
    async call(method: string) {
      calls.push(method);
      const answer = answers[method];
      if (!answer) throw new Error(`unexpected ${method}`);
      return answer();
    },
  };
  return { client: client as unknown as ServiceClient, calls };
}

const shapes = { openDocument: () => ({ docId: 'editor', ok: true, problems: [], shapes: { edges: {}, nodes: {} } }) };

test('Run while the connection is lost sends nothing and does not set the status back to ready', async () => {
  const store = createEditorStore();
  const { client, calls } = fakeClient({});
  const session = new EngineSession(store, client);
  const monitor = connectionMonitor(store, () => session);
  store.getState().setEngine({ engineStatus: 'ready' });
  monitor({ kind: 'down', reason: 'closed', attempt: 1, retryInMs: 1000 });
  assert.equal(store.getState().engineStatus, 'offline');
  await session.run();
  assert.equal(store.getState().engineStatus, 'offline');
  assert.deepEqual(calls, []);
  assert.match(store.getState().notice?.text ?? '', /connection is lost/);
});

test('a connection lost during a Run leaves the status offline; the monitor alone brings it back', async () => {
  const store = createEditorStore();
  let monitor: ReturnType<typeof connectionMonitor> = () => {};
  const { client } = fakeClient({
    ...shapes,
    forward: () => {
      // The socket drops while forward is in flight: the monitor hears of it before the call fails.
      monitor({ kind: 'down', reason: 'closed', attempt: 1, retryInMs: 1000 });
      throw notConnected();
    },
  });
  const session = new EngineSession(store, client);
  const reconnected: string[] = [];
  monitor = connectionMonitor(store, () => ({
    reconnected: async () => {
      reconnected.push('again');
    },
  }));
  store.getState().setEngine({ engineStatus: 'ready' });
  await session.run();
  assert.equal(store.getState().engineStatus, 'offline');
  assert.match(store.getState().notice?.text ?? '', /^Run failed: the engine connection is lost/);
  monitor({ kind: 'up', reconnected: true });
  assert.equal(store.getState().engineStatus, 'ready');
  assert.deepEqual(reconnected, ['again']);
});

test('a Run that fails for another reason sets the status back to ready', async () => {
  const store = createEditorStore();
  const { client } = fakeClient({
    ...shapes,
    forward: () => {
      throw new Error('E_SHAPE: no');
    },
  });
  const session = new EngineSession(store, client);
  store.getState().setEngine({ engineStatus: 'ready' });
  await session.run();
  assert.equal(store.getState().engineStatus, 'ready');
  assert.match(store.getState().notice?.text ?? '', /^Run failed: E_SHAPE: no/);
});
