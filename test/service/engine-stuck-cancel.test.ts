// Issue 12, item 9: one client's stuck work must not take down everyone's session. A request that
// waits (the engine's event loop stays free) is abandoned on cancel and the engine keeps running;
// one that blocks the loop (native code) still gets the engine killed and restarted. The engine
// here is a real process speaking the protocol, whose two methods wait and block on purpose.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { EngineHost, type EngineLauncher } from '../../engine/service/engine-host.ts';
import { ServiceClient } from '../../engine/protocol/service-client.ts';
import { errorOf, within } from './service-helpers.ts';

const ENGINE = `
process.on('message', (m) => {
  if (m.type !== 'request') return;
  if (m.method === 'loadArrays') return; // waits forever, like a read of a FIFO: the loop stays free
  if (m.method === 'forward') { for (;;) {} } // blocks the loop, like one long native kernel
  process.send({ type: 'response', id: m.id, ok: true, result: { pid: process.pid } });
});
process.send({ type: 'ready', pid: process.pid });
`;

let work: string;
let host: EngineHost;
before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'blocksmith-stuck-'));
  const script = path.join(work, 'engine.cjs');
  await writeFile(script, ENGINE);
  const launcher: EngineLauncher = () => {
    const child = fork(script, [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    return {
      get pid() {
        return child.pid ?? null;
      },
      send: (m) => void child.send(m),
      kill: (s) => void child.kill(s),
      onMessage: (l) => void child.on('message', l),
      onExit: (l) => void child.once('exit', (code, signal) => setImmediate(() => l(code, signal, ''))),
    };
  };
  host = new EngineHost(launcher, { cancelGraceMs: 300, probeMs: 1000 });
  await host.start();
});
after(async () => {
  await host.close();
  await rm(work, { recursive: true, force: true });
});

test('a cancelled request that waits is abandoned; the engine and the other client go on', async () => {
  const stuck = new ServiceClient(host.connect());
  const other = new ServiceClient(host.connect());
  const restarts: unknown[] = [];
  other.on('engine-restarted', (d) => restarts.push(d));
  const pid = host.pid;
  const controller = new AbortController();
  const call = stuck.call('loadArrays', { path: '/tmp/fifo' }, { signal: controller.signal });
  controller.abort();
  const e = await errorOf(within(10000, call, 'the cancel'));
  assert.equal(e.code, 'E_CANCELLED');
  // The disconnect that follows (the sequence) cancels nothing more.
  stuck.close();
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal(host.pid, pid, 'the engine was not killed');
  assert.deepEqual(restarts, []);
  assert.equal((await within(5000, other.call('ping', {}), 'ping')).pid, pid);
  other.close();
});

test('a cancelled request that blocks the engine still gets it killed and restarted', async () => {
  const client = new ServiceClient(host.connect());
  const pid = host.pid;
  const controller = new AbortController();
  const call = client.call('forward', { docId: 'x' }, { signal: controller.signal });
  await new Promise((resolve) => setTimeout(resolve, 100));
  controller.abort();
  const e = await errorOf(within(10000, call, 'the cancel'));
  assert.equal(e.code, 'E_CANCELLED');
  const { pid: fresh } = await within(10000, client.call('ping', {}), 'ping');
  assert.notEqual(fresh, pid);
  client.close();
});
