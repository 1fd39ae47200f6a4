// Issue 12, item 1: bytes that break the WebSocket protocol, oversized messages and oversized
// hellos close the offending socket and nothing else. The web host runs in this test's process,
// so an unhandled 'error' event (the bug) would kill the test run itself.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { startTestHost, within, type TestHost } from './service-helpers.ts';

let host: TestHost;
before(async () => {
  host = await startTestHost();
});
after(async () => {
  await host.close();
});

/** A raw TCP connection upgraded to /api by hand, so any bytes can follow the handshake. */
function rawUpgrade(): Promise<{ socket: Socket; closed: Promise<Buffer> }> {
  return within(
    10000,
    new Promise((resolve, reject) => {
      const socket = connect(host.web.port, '127.0.0.1');
      let head = Buffer.alloc(0);
      const chunks: Buffer[] = [];
      const closed = new Promise<Buffer>((done) => socket.on('close', () => done(Buffer.concat(chunks))));
      socket.on('error', () => undefined);
      socket.once('connect', () =>
        socket.write(
          `GET /api HTTP/1.1\r\nHost: 127.0.0.1:${host.web.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
        ),
      );
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!head.subarray(0, 12).toString().includes('101')) reject(new Error(`no upgrade: ${head.toString()}`));
        socket.off('data', onData);
        socket.on('data', (c: Buffer) => chunks.push(c));
        if (head.length > end + 4) chunks.push(head.subarray(end + 4));
        resolve({ socket, closed });
      };
      socket.on('data', onData);
    }),
    'upgrade',
  );
}

/** A masked client frame (mask key 0, so the payload goes as it is). */
const masked = (first: number, payload: number[]): Buffer => Buffer.from([first, 0x80 | payload.length, 0, 0, 0, 0, ...payload]);

/** The close code in the server's close frame, if it sent one. */
function closeCode(bytes: Buffer): number | null {
  return bytes.length >= 4 && (bytes[0]! & 0x0f) === 8 ? bytes.readUInt16BE(2) : null;
}

async function pingWorks(): Promise<void> {
  const client = host.connect();
  const { pid } = await within(20000, client.call('ping', {}), 'ping after the attack');
  assert.equal(typeof pid, 'number');
  client.close();
}

// The six kinds of the issue, byte for byte, before any token was sent.
const ATTACKS: [string, Buffer, number][] = [
  ['an unmasked frame', Buffer.from([0x81, 0x02, 0x7b, 0x7d]), 1002],
  ['a header declaring a 2^27-byte payload', Buffer.from([0x81, 0xff, 0, 0, 0, 0, 0x08, 0, 0, 0, 0x01, 0x02, 0x03, 0x04]), 1009],
  ['invalid UTF-8 in a text frame', masked(0x81, [0xff, 0xfe, 0xfd]), 1007],
  ['RSV1 set without an extension', masked(0xc1, [0x7b, 0x7d]), 1002],
  ['opcode 3 (reserved)', masked(0x83, [0x7b, 0x7d]), 1002],
  ['close code 999', masked(0x88, [0x03, 0xe7]), 1002],
];

describe('web host: protocol-breaking frames', () => {
  for (const [what, bytes, expected] of ATTACKS) {
    test(`${what} closes that socket only (${expected})`, async () => {
      const { socket, closed } = await rawUpgrade();
      socket.write(bytes);
      const answer = await within(10000, closed, 'the close');
      assert.equal(closeCode(answer), expected);
      await pingWorks();
    });
  }

  test('all six at once, on six sockets, leave the host serving', async () => {
    const sockets = await Promise.all(ATTACKS.map(() => rawUpgrade()));
    sockets.forEach(({ socket }, i) => socket.write(ATTACKS[i]![1]));
    await within(10000, Promise.all(sockets.map((s) => s.closed)), 'the closes');
    await pingWorks();
  });
});

describe('web host: message sizes', () => {
  test('a 63 MiB hello is refused at the pre-token cap, before it is read', async () => {
    const { socket, closed } = await rawUpgrade();
    // Only the frame header: the host must close on the declared length, not wait for the bytes.
    const header = Buffer.alloc(14);
    header[0] = 0x81;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(63n * 2n ** 20n, 2);
    socket.write(header);
    assert.equal(closeCode(await within(10000, closed, 'the close')), 1009);
    await pingWorks();
  });

  test('an authenticated 65 MiB message closes that socket with 1009; a 1 MiB one passes', async () => {
    const ws = new WebSocket(host.apiUrl);
    ws.on('error', () => undefined);
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    const welcome = new Promise<void>((resolve) => ws.once('message', () => resolve()));
    await new Promise<void>((resolve) => ws.once('open', () => resolve()));
    ws.send(JSON.stringify({ type: 'hello', token: host.web.token }));
    await within(10000, welcome, 'welcome');
    // Past the pre-token cap: the admitted socket's own limit applies.
    const answered = new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));
    ws.send(JSON.stringify({ type: 'request', id: 1, method: 'ping', params: { pad: 'x'.repeat(2 ** 20) } }));
    assert.match(await within(20000, answered, 'answer'), /E_BAD_REQUEST|"ok":true/);
    ws.send(Buffer.alloc(65 * 2 ** 20, 0x20), { binary: false });
    assert.equal(await within(20000, closed, 'the close'), 1009);
    await pingWorks();
  });
});

/** A socket past the hello; resolves each answer as text. */
async function admittedSocket(): Promise<{ ws: WebSocket; next(): Promise<string> }> {
  const ws = new WebSocket(host.apiUrl);
  ws.on('error', () => undefined);
  const queue: string[] = [];
  const waiters: ((text: string) => void)[] = [];
  ws.on('message', (data) => {
    const w = waiters.shift();
    if (w) w(String(data));
    else queue.push(String(data));
  });
  const next = () =>
    new Promise<string>((resolve) => {
      const q = queue.shift();
      if (q !== undefined) resolve(q);
      else waiters.push(resolve);
    });
  await new Promise<void>((resolve) => ws.once('open', () => resolve()));
  ws.send(JSON.stringify({ type: 'hello', token: host.web.token }));
  assert.match(await within(10000, next(), 'welcome'), /welcome/);
  return { ws, next };
}

describe('web host: params nested 5,000 deep', () => {
  test('are answered with E_BAD_REQUEST by the host instead of never', async () => {
    const { ws, next } = await admittedSocket();
    // Raw text: the attacker's bytes, not something a client library would build.
    ws.send(`{"type":"request","id":7,"method":"ping","params":{"x":${'['.repeat(5000)}0${']'.repeat(5000)}}}`);
    const answer = JSON.parse(await within(20000, next(), 'answer')) as { id: number; ok: boolean; error: { code: string; message: string } };
    assert.equal(answer.id, 7);
    assert.equal(answer.error.code, 'E_BAD_REQUEST');
    assert.match(answer.error.message, /nested more than \d+ deep/);
    ws.close();
    await pingWorks();
  });

  test('a request the engine channel cannot serialize is answered, not leaked (EngineHost.flush)', async () => {
    // With the depth limit raised out of the way, the message reaches proc.send(), whose JSON
    // serialization overflows the stack: the host must answer the request itself.
    const saved = process.env.BLOCKSMITH_MAX_JSON_DEPTH;
    process.env.BLOCKSMITH_MAX_JSON_DEPTH = '100000000';
    try {
      const link = host.engine.connect();
      const answer = new Promise<{ id: number; ok: boolean; error?: { code: string } }>((resolve) =>
        link.onMessage((m) => {
          if (m.type === 'response') resolve(m as never);
        }),
      );
      let params: unknown = 0;
      for (let i = 0; i < 200_000; i++) params = [params];
      link.send({ type: 'request', id: 3, method: 'ping', params });
      const got = await within(20000, answer, 'answer');
      assert.equal(got.id, 3);
      assert.equal(got.ok, false);
      assert.equal(got.error?.code, 'E_BAD_REQUEST');
      link.close();
    } finally {
      if (saved === undefined) delete process.env.BLOCKSMITH_MAX_JSON_DEPTH;
      else process.env.BLOCKSMITH_MAX_JSON_DEPTH = saved;
    }
    await pingWorks();
  });
});
