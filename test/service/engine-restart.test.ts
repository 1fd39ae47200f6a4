// The engine runs in its own process: killing it (SIGKILL) in the middle of a long request fails
// that request with a clear coded error, tells every client 'engine-restarted', and the next
// request runs on a fresh engine. Cancel stops a request between kernels, or, when the engine
// does not stop in time, by restarting it. All over the real WebSocket.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { EventData } from '../../engine/protocol/service-api.ts';
import { errorOf, startTestHost, within, type TestHost } from './service-helpers.ts';

let host: TestHost;
before(async () => {
  host = await startTestHost({ cancelGraceMs: 1500 });
});
after(async () => {
  await host.close();
});

/** A matmul loop long enough to be killed in the middle (bounded: it stops at `repeats`). */
const LONG = { size: 384, repeats: 20000 } as const;

test('SIGKILL during a long request: clear error, engine-restarted, then a fresh engine', async () => {
  const client = host.connect();
  const observer = host.connect();
  const { pid } = await within(20000, client.call('ping', {}), 'ping');
  const events: EventData<'engine-restarted'>[] = [];
  const seen = new Promise<void>((resolve) =>
    observer.on('engine-restarted', (d) => {
      events.push(d);
      resolve();
    }),
  );
  await observer.call('ping', {});

  let progressed = 0;
  const long = client.call('matmulBenchmark', LONG, { onProgress: () => void progressed++ });
  // Kill only once the request is really running in the engine.
  await within(
    20000,
    new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (progressed > 0) {
          clearInterval(poll);
          resolve();
        }
      }, 20);
    }),
    'first progress',
  );
  process.kill(pid, 'SIGKILL');

  const error = await errorOf(within(20000, long, 'the killed request'));
  assert.equal(error.code, 'E_ENGINE_RESTARTED');
  assert.match(error.message, /killed \(SIGKILL\) while running matmulBenchmark/);
  await within(20000, seen, 'engine-restarted');
  assert.equal(events[0]!.reason, 'killed');
  assert.equal(events[0]!.signal, 'SIGKILL');
  assert.equal(events[0]!.failedRequests, 1);

  const fresh = await within(20000, client.call('ping', {}), 'ping after restart');
  assert.notEqual(fresh.pid, pid);
  const small = await within(20000, client.call('matmulBenchmark', { size: 8, repeats: 2 }), 'small matmul');
  assert.equal(small.repeats, 2);
});

test('cancel stops a long request between kernels; the engine keeps running', async () => {
  const client = host.connect();
  const { pid } = await within(20000, client.call('ping', {}), 'ping');
  const controller = new AbortController();
  const long = client.call('matmulBenchmark', LONG, { signal: controller.signal, onProgress: () => controller.abort() });
  const error = await errorOf(within(20000, long, 'cancelled request'));
  assert.equal(error.code, 'E_CANCELLED');
  assert.equal((await client.call('ping', {})).pid, pid, 'a cooperative cancel must not restart the engine');
});

test('cancel by id works too, and a cancel of a finished request is harmless', async () => {
  const client = host.connect();
  let sentId = -1;
  const long = client.call('matmulBenchmark', LONG, { onSent: (id) => (sentId = id), onProgress: () => client.cancel(sentId) });
  assert.equal((await errorOf(within(20000, long, 'cancelled request'))).code, 'E_CANCELLED');
  const done = await client.call('ping', {});
  client.cancel(sentId);
  assert.equal((await client.call('ping', {})).pid, done.pid);
});

test('a client that closes mid-request does not disturb others', async () => {
  const leaving = host.connect();
  const staying = host.connect();
  const long = leaving.call('matmulBenchmark', LONG);
  await within(20000, staying.call('ping', {}), 'ping');
  leaving.close();
  assert.equal((await errorOf(long)).code, 'E_NOT_CONNECTED');
  const result = await within(20000, staying.call('matmulBenchmark', { size: 8, repeats: 1 }), 'matmul after close');
  assert.equal(result.repeats, 1);
});

test('a cancel the engine cannot honour (inside one big kernel) restarts it after the grace period', async () => {
  const impatient = await startTestHost({ cancelGraceMs: 300 });
  try {
    const client = impatient.connect();
    const { pid } = await within(20000, client.call('ping', {}), 'ping');
    const restarted = new Promise<EventData<'engine-restarted'>>((resolve) => client.on('engine-restarted', resolve));
    const controller = new AbortController();
    // One 8192×8192 matmul: seconds of native work with no checkpoint inside it.
    const big = client.call('matmulBenchmark', { size: 8192, repeats: 1 }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    const error = await errorOf(within(20000, big, 'the stuck request'));
    assert.equal(error.code, 'E_CANCELLED');
    assert.match(error.message, /did not stop within 300 ms, so the engine was restarted/);
    assert.equal((await within(20000, restarted, 'engine-restarted')).reason, 'cancel-timeout');
    assert.notEqual((await within(20000, client.call('ping', {}), 'ping')).pid, pid);
  } finally {
    await impatient.close();
  }
});
