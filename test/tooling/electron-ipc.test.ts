// The pure parts of the Electron IPC guard: which frames count as our renderer, and which
// channel names the preload lets through. (The Electron binary is not needed for these.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APP_CHANNELS, isAppChannel } from '../../electron/ipc/channel-names.ts';
import { channelRequestSchemas } from '../../electron/ipc/channels.ts';
import { isTrustedSenderUrl } from '../../electron/ipc/trusted-sender.ts';

const renderer = 'file:///opt/blocksmith/renderer/dist/index.html';

test('trusts only the renderer entry itself for file:// builds', () => {
  assert.equal(isTrustedSenderUrl(renderer, renderer), true);
  assert.equal(isTrustedSenderUrl(`${renderer}#/canvas`, renderer), true);
  assert.equal(isTrustedSenderUrl('file:///tmp/evil.html', renderer), false);
  assert.equal(isTrustedSenderUrl('file:///opt/blocksmith/renderer/dist/../../evil.html', renderer), false);
  assert.equal(isTrustedSenderUrl('https://example.com/', renderer), false);
  assert.equal(isTrustedSenderUrl('', renderer), false);
  assert.equal(isTrustedSenderUrl(undefined, renderer), false);
  assert.equal(isTrustedSenderUrl('not a url', renderer), false);
});

test('trusts same-origin pages for http renderers', () => {
  const dev = 'http://127.0.0.1:5173/';
  assert.equal(isTrustedSenderUrl('http://127.0.0.1:5173/index.html', dev), true);
  assert.equal(isTrustedSenderUrl('http://127.0.0.1:5174/', dev), false);
  assert.equal(isTrustedSenderUrl('http://localhost:5173/', dev), false);
});

test('channels are app:-prefixed, allowlisted and each has a payload schema', () => {
  for (const channel of APP_CHANNELS) {
    assert.match(channel, /^app:/);
    assert.ok(channel in channelRequestSchemas, channel);
  }
  assert.equal(isAppChannel('app:version'), true);
  assert.equal(isAppChannel('app:nope'), false);
  assert.equal(isAppChannel(42), false);
  assert.equal(channelRequestSchemas['app:version'].safeParse(undefined).success, true);
  assert.equal(channelRequestSchemas['app:version'].safeParse({ evil: true }).success, false);
  assert.equal(channelRequestSchemas['app:add-recent-document'].safeParse({ path: '/m/mlp.json' }).success, true);
  assert.equal(channelRequestSchemas['app:add-recent-document'].safeParse({ path: '' }).success, false);
  assert.equal(channelRequestSchemas['app:set-recent-files'].safeParse({ paths: ['/m/a.json', '/m/b.json'] }).success, true);
  assert.equal(channelRequestSchemas['app:set-recent-files'].safeParse({ paths: [''] }).success, false);
  assert.equal(channelRequestSchemas['app:set-recent-files'].safeParse({ paths: Array.from({ length: 21 }, (_, i) => `/m/${i}.json`) }).success, false);
});
