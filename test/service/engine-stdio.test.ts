// The engine process's stdio transport: newline-framed JSON in and out, the ready message first,
// a malformed frame refused, and the engine exiting when its input closes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { within } from './service-helpers.ts';

const entry = fileURLToPath(new URL('../../engine/service/process-main.ts', import.meta.url));

test('process-main --stdio answers framed requests and exits when stdin ends', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const messages: { type: string; id?: number; ok?: boolean; error?: { code: string } }[] = [];
  let buffered = '';
  child.stdout.setEncoding('utf8');
  const answered = new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) messages.push(JSON.parse(line));
      if (messages.filter((m) => m.type === 'response').length === 3) resolve();
    });
  });
  child.stdin.write('{"type":"request","id":1,"method":"ping","params":{}}\n');
  child.stdin.write('{"type":"request","id":2,"method":"ping","params":{"x":1}}\n{"type":"request","id":3,"method":"nope","params":{}}\n');
  await within(20000, answered, 'three answers');
  assert.equal(messages[0]!.type, 'ready');
  const byId = Object.fromEntries(messages.filter((m) => m.type === 'response').map((m) => [m.id, m]));
  assert.equal(byId[1]!.ok, true);
  assert.equal(byId[2]!.error!.code, 'E_BAD_REQUEST');
  assert.equal(byId[3]!.error!.code, 'E_UNKNOWN_METHOD');
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stdin.end();
  assert.equal(await within(10000, exited, 'exit'), 0);
});
