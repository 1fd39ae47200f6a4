// The pure parts of the Electron relay (the Electron binary is absent here): the engine and
// dialog channels' payload checks, and the window-side transport over window.api.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APP_CHANNELS, ENGINE_MESSAGE_CHANNEL, isAppChannel } from '../../electron/ipc/channel-names.ts';
import { channelRequestSchemas } from '../../electron/ipc/channels.ts';
import { desktopTransport, type DesktopEngineApi } from '../../engine/protocol/desktop-transport.ts';
import { ServiceClient } from '../../engine/protocol/service-client.ts';
import type { ClientMessage, ServerMessage } from '../../engine/protocol/service-protocol.ts';

test('the engine and dialog channels are allowlisted; engine messages come on their own channel', () => {
  for (const channel of ['app:engine-send', 'app:open-file', 'app:save-file']) {
    assert.ok((APP_CHANNELS as readonly string[]).includes(channel), channel);
    assert.equal(isAppChannel(channel), true);
  }
  assert.match(ENGINE_MESSAGE_CHANNEL, /^app:/);
  assert.equal(isAppChannel(ENGINE_MESSAGE_CHANNEL), false, 'the page listens on it but never invokes it');
});

test('app:engine-send accepts request and cancel envelopes only', () => {
  const schema = channelRequestSchemas['app:engine-send'];
  assert.equal(schema.safeParse({ type: 'request', id: 1, method: 'ping', params: {} }).success, true);
  assert.equal(schema.safeParse({ type: 'cancel', id: 1 }).success, true);
  for (const bad of [undefined, {}, { type: 'hello', token: 'x' }, { type: 'request', id: -1, method: 'ping' }, { type: 'request', id: 1.5, method: 'x' }]) {
    assert.equal(schema.safeParse(bad).success, false, JSON.stringify(bad));
  }
});

test('file dialogs take a title, a default path and extension filters, nothing else', () => {
  const schema = channelRequestSchemas['app:open-file'];
  assert.equal(schema.safeParse({ title: 'Open', filters: [{ name: 'Graphs', extensions: ['json'] }] }).success, true);
  assert.equal(schema.safeParse({}).success, true);
  assert.equal(schema.safeParse({ filters: [{ name: 'x', extensions: ['.json'] }] }).success, false);
  assert.equal(schema.safeParse({ properties: ['openDirectory', 'multiSelections'] }).success, false);
  assert.equal(channelRequestSchemas['app:save-file'].safeParse({ defaultPath: 'model.params' }).success, true);
});

test('the desktop transport carries a typed call through window.api and back', async () => {
  let deliver: (m: ServerMessage) => void = () => undefined;
  const sent: ClientMessage[] = [];
  let unsubscribed = false;
  const api: DesktopEngineApi = {
    invoke: async (_channel, message) => {
      sent.push(message);
      // What the main process's relay would do: answer on the engine-message channel.
      if (message.type === 'request')
        queueMicrotask(() => deliver({ type: 'response', id: message.id, ok: true, result: { pid: 7, uptimeSeconds: 0, node: 'v20' } }));
    },
    onEngineMessage: (listener) => {
      deliver = listener;
      return () => void (unsubscribed = true);
    },
  };
  const client = new ServiceClient(desktopTransport(api));
  const events: unknown[] = [];
  client.on('engine-restarted', (d) => events.push(d));
  assert.equal((await client.call('ping', {})).pid, 7);
  deliver({ type: 'event', event: 'engine-restarted', data: { reason: 'crashed', exitCode: 1, signal: null, failedRequests: 0, pid: 8 } });
  assert.equal(events.length, 1);
  assert.deepEqual(sent[0], { type: 'request', id: 1, method: 'ping', params: {} });
  client.close();
  assert.equal(unsubscribed, true);
  await assert.rejects(client.call('ping', {}), /E_NOT_CONNECTED|cannot call ping/);
});

test('a refused send closes the transport and fails the call instead of hanging', async () => {
  const api: DesktopEngineApi = {
    invoke: () => Promise.reject(new Error('IPC app:engine-send: invalid payload')),
    onEngineMessage: () => () => undefined,
  };
  const client = new ServiceClient(desktopTransport(api));
  await assert.rejects(client.call('ping', {}), (e: { code?: string }) => e.code === 'E_NOT_CONNECTED');
});
