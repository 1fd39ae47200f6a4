// The web host admits only its own page: the token in the first message, an Origin of its own,
// a Host header naming itself (DNS rebinding), over HTTP and the WebSocket alike.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { errorOf, startTestHost, within, type TestHost } from './service-helpers.ts';

let host: TestHost;
before(async () => {
  host = await startTestHost();
});
after(async () => {
  await host.close();
});

/** Opens the socket with raw headers; resolves with the refusal status or the close code. */
function rawSocket(headers: Record<string, string>, firstMessage?: unknown): Promise<{ status?: number; closeCode?: number; welcome?: boolean }> {
  return within(
    10000,
    new Promise((resolve) => {
      const ws = new WebSocket(host.apiUrl, { headers });
      let welcome = false;
      ws.on('unexpected-response', (_req, res) => {
        resolve({ status: res.statusCode ?? 0 });
        ws.terminate();
      });
      ws.on('error', () => undefined);
      ws.on('open', () => {
        if (firstMessage !== undefined) ws.send(JSON.stringify(firstMessage));
      });
      ws.on('message', (data) => {
        if (JSON.parse(String(data)).type === 'welcome') {
          welcome = true;
          ws.close(1000);
        }
      });
      ws.on('close', (code) => resolve({ closeCode: code, welcome }));
    }),
    'socket',
  );
}

function httpGet(hostHeader: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.web.port, path: '/', headers: { Host: hostHeader } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('web host: token', () => {
  test('prints the token in the URL, on loopback', () => {
    assert.match(host.web.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{40,}$/);
  });

  test('accepts the right token and answers requests', async () => {
    const client = host.connect();
    const { pid } = await within(20000, client.call('ping', {}), 'ping');
    assert.equal(typeof pid, 'number');
  });

  test('refuses a wrong token', async () => {
    const client = host.connect({ token: 'not-the-token' });
    const error = await errorOf(within(10000, client.call('ping', {}), 'ping'));
    assert.equal(error.code, 'E_NOT_CONNECTED');
    assert.match(error.message, /refused.*wrong token/);
  });

  test('refuses a missing token (hello without one, or a request first)', async () => {
    assert.equal((await rawSocket({}, { type: 'hello' })).closeCode, 4401);
    assert.equal((await rawSocket({}, { type: 'request', id: 1, method: 'ping', params: {} })).closeCode, 4401);
  });

  test('welcomes a raw client that sends the token first', async () => {
    const result = await rawSocket({}, { type: 'hello', token: host.web.token });
    assert.equal(result.welcome, true);
  });
});

describe('web host: Origin and Host', () => {
  test('refuses a foreign Origin before the upgrade', async () => {
    assert.equal((await rawSocket({ Origin: 'http://evil.example' })).status, 403);
    assert.equal((await rawSocket({ Origin: `http://127.0.0.1.evil.example:${host.web.port}` })).status, 403);
    assert.equal((await rawSocket({ Origin: 'null' })).status, 403);
    const client = host.connect({ origin: 'https://attacker.example' });
    assert.equal((await errorOf(within(10000, client.call('ping', {}), 'ping'))).code, 'E_NOT_CONNECTED');
  });

  test("accepts its own page's Origin", async () => {
    const client = host.connect({ origin: `http://127.0.0.1:${host.web.port}` });
    assert.equal(typeof (await within(20000, client.call('ping', {}), 'ping')).pid, 'number');
    const local = await rawSocket({ Origin: `http://localhost:${host.web.port}` }, { type: 'hello', token: host.web.token });
    assert.equal(local.welcome, true);
  });

  test('refuses a rebinding Host header on the socket and over HTTP', async () => {
    assert.equal((await rawSocket({ Host: `evil.example:${host.web.port}` })).status, 403);
    assert.equal((await rawSocket({ Host: '127.0.0.1:1' })).status, 403);
    assert.equal(await httpGet(`evil.example:${host.web.port}`), 403);
    assert.equal(await httpGet(`127.0.0.1:${host.web.port}`), 200);
    assert.equal(await httpGet(`localhost:${host.web.port}`), 200);
  });
});
