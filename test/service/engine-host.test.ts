// EngineHost's supervision with real processes that misbehave: an engine that dies before it is
// ready is retried a bounded number of times, then every request fails with E_ENGINE_UNAVAILABLE
// and the reason (the tail of its stderr) instead of hanging or restarting forever.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { EngineHost, type EngineLauncher } from '../../engine/service/engine-host.ts';
import { ServiceClient } from '../../engine/protocol/service-client.ts';
import { errorOf, within } from './service-helpers.ts';

test('an engine that keeps dying before it is ready is given up on, with its reason', async () => {
  const work = await mkdtemp(path.join(tmpdir(), 'blocksmith-host-'));
  const script = path.join(work, 'broken-engine.mjs');
  await writeFile(script, "console.error('cannot load the addon: libdnnl.so.2 missing'); process.exit(3);\n");
  let starts = 0;
  const launcher: EngineLauncher = () => {
    starts++;
    const child = fork(script, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let tail = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (c: string) => (tail += c));
    return {
      get pid() {
        return child.pid ?? null;
      },
      send: (m) => void child.send(m),
      kill: (s) => void child.kill(s),
      onMessage: (l) => void child.on('message', l),
      onExit: (l) => void child.once('exit', (code, signal) => setImmediate(() => l(code, signal, tail))),
    };
  };
  const host = new EngineHost(launcher, { maxFailedStarts: 3 });
  try {
    const client = new ServiceClient(host.connect());
    const e = await errorOf(within(20000, client.call('ping', {}), 'ping'));
    assert.equal(e.code, 'E_ENGINE_UNAVAILABLE');
    assert.match(e.message, /exited with code 3 before it was ready, 3 times in a row: cannot load the addon/);
    assert.equal(starts, 3);
    assert.equal((await errorOf(client.call('listDevices', {}))).code, 'E_ENGINE_UNAVAILABLE');
    assert.equal(starts, 3, 'no more attempts');
  } finally {
    await host.close();
    await rm(work, { recursive: true, force: true });
  }
});
