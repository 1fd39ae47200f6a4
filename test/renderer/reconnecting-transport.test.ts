// The browser's reconnecting transport with a fake socket and hand-driven timers: requests in
// flight fail at once when the socket drops, calls made while down fail fast, it reconnects with
// growing waits, event subscriptions survive a reconnect, and a refused token stops the retries.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServiceClient } from '../../engine/protocol/service-client.ts';
import type { WebSocketLike } from '../../engine/protocol/websocket-transport.ts';
import { connectionMonitor, CONNECTION_LOST_TEXT } from '../../renderer/services/connection-monitor.ts';
import { RECONNECT_BACKOFF_MS, reconnectingTransport, type ConnectionState } from '../../renderer/services/reconnecting-transport.ts';
import { createEditorStore } from '../../renderer/store/editor-store.ts';

type Listener = (event: never) => void;

class FakeSocket implements WebSocketLike {
  readonly sent: Record<string, unknown>[] = [];
  private readonly listeners = new Map<string, Listener[]>();
  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(): void {
    this.fire('close', { code: 1000, reason: '' });
  }
  fire(type: string, event: unknown = {}): void {
    for (const l of this.listeners.get(type) ?? []) (l as (e: unknown) => void)(event);
  }
  /** The host side: open, accept the token. */
  accept(): void {
    this.fire('open');
    this.fire('message', { data: JSON.stringify({ type: 'welcome', protocol: 1 }) });
  }
  answer(id: number, result: unknown): void {
    this.fire('message', { data: JSON.stringify({ type: 'response', id, ok: true, result }) });
  }
}

function rig() {
  const sockets: FakeSocket[] = [];
  const states: ConnectionState[] = [];
  const pending: { fn: () => void; ms: number }[] = [];
  const transport = reconnectingTransport(
    () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    'tok',
    (s) => states.push(s),
    {
      setTimeout: (fn, ms) => {
        const t = { fn, ms };
        pending.push(t);
        return t;
      },
      clearTimeout: (t) => {
        const i = pending.indexOf(t as never);
        if (i >= 0) pending.splice(i, 1);
      },
    },
  );
  const client = new ServiceClient(transport);
  const runTimer = () => {
    const t = pending.shift();
    assert.ok(t, 'a retry is scheduled');
    t.fn();
    return t.ms;
  };
  return { sockets, states, client, runTimer, pending };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

test('calls queued before the welcome go out after it; a drop fails the call in flight at once', async () => {
  const { sockets, states, client } = rig();
  const ping = client.call('ping', {});
  sockets[0]!.accept();
  assert.deepEqual(
    sockets[0]!.sent.map((m) => m.type),
    ['hello', 'request'],
  );
  assert.deepEqual(sockets[0]!.sent[0], { type: 'hello', token: 'tok' });
  assert.deepEqual(states, [{ kind: 'up', reconnected: false }]);
  sockets[0]!.answer(sockets[0]!.sent[1]!.id as number, { pid: 1, uptimeSeconds: 0, node: 'v' });
  assert.equal((await ping).pid, 1);

  const hanging = client.call('listDevices', {});
  sockets[0]!.fire('close', { code: 1006, reason: '' });
  await assert.rejects(
    hanging,
    (e: { code: string; message: string }) => e.code === 'E_NOT_CONNECTED' && /listDevices failed: the engine connection is lost/.test(e.message),
  );
  assert.deepEqual(states[1], { kind: 'down', reason: 'code 1006', attempt: 1, retryInMs: RECONNECT_BACKOFF_MS[0] });
});

test('while down calls fail fast; retries wait longer each time; after reconnecting calls and events work again', async () => {
  const { sockets, states, client, runTimer } = rig();
  sockets[0]!.accept();
  const events: unknown[] = [];
  client.on('warning', (w) => events.push(w));
  sockets[0]!.fire('close', { code: 1006, reason: '' });
  await assert.rejects(client.call('ping', {}), { code: 'E_NOT_CONNECTED' });

  const waits = [runTimer()];
  sockets[1]!.fire('close', { code: 1006, reason: '' }); // the host is still gone
  waits.push(runTimer());
  sockets[2]!.fire('close', { code: 1006, reason: '' });
  waits.push(runTimer());
  assert.deepEqual(waits, RECONNECT_BACKOFF_MS.slice(0, 3));
  assert.deepEqual(
    states.filter((s) => s.kind === 'down').map((s) => (s as { attempt: number }).attempt),
    [1, 2, 3],
  );

  sockets[3]!.accept();
  assert.deepEqual(states.at(-1), { kind: 'up', reconnected: true });
  const ping = client.call('ping', {});
  const request = sockets[3]!.sent.find((m) => m.type === 'request')!;
  sockets[3]!.answer(request.id as number, { pid: 2, uptimeSeconds: 0, node: 'v' });
  assert.equal((await ping).pid, 2);
  // The subscription made on the first socket hears events from the new one.
  sockets[3]!.fire('message', { data: JSON.stringify({ type: 'event', event: 'warning', data: { requestId: null, message: 'hi' } }) });
  assert.deepEqual(events, [{ requestId: null, message: 'hi' }]);
  await tick();
});

test('a refused token stops retrying and closes the client for good', async () => {
  const { sockets, states, client, pending } = rig();
  sockets[0]!.fire('open');
  sockets[0]!.fire('close', { code: 4401, reason: 'wrong token' });
  assert.equal(states.at(-1)?.kind, 'refused');
  assert.equal(pending.length, 0);
  await assert.rejects(client.call('ping', {}), { code: 'E_NOT_CONNECTED' });
});

test('the monitor shows a persistent notice while down and clears it, re-sending the document, when back', async () => {
  const store = createEditorStore();
  let resent = 0;
  const monitor = connectionMonitor(store, () => ({ reconnected: async () => void resent++ }));
  monitor({ kind: 'up', reconnected: false });
  assert.equal(store.getState().connectionLost, null);
  assert.equal(resent, 0);
  store.getState().setEngine({ engineStatus: 'ready' });
  monitor({ kind: 'down', reason: 'code 1006', attempt: 1, retryInMs: 250 });
  assert.equal(store.getState().engineStatus, 'offline', 'Run is disabled while down');
  const since = store.getState().connectionLost?.since;
  assert.ok(store.getState().connectionLost?.text.startsWith(CONNECTION_LOST_TEXT));
  monitor({ kind: 'down', reason: 'code 1006', attempt: 2, retryInMs: 500 });
  assert.equal(store.getState().connectionLost?.since, since, 'the notice keeps when the connection was lost');
  assert.match(store.getState().connectionLost!.text, /attempt 2/);
  monitor({ kind: 'up', reconnected: true });
  assert.equal(store.getState().connectionLost, null);
  assert.equal(store.getState().engineStatus, 'ready');
  assert.equal(resent, 1);
  assert.match(store.getState().notice?.text ?? '', /connection restored/);
});
