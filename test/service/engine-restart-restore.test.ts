// Issue 12, item 10: parameters set, loaded or trained survive an engine crash. The engine keeps
// them in the OS temp folder; when the restarted engine is sent the same document (as the editor
// does after 'engine-restarted'), openDocument brings them back and says how many; the editor's
// engine session, on the same real engine, tells the person how many were restored.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { EngineSession } from '../../renderer/services/engine-session.ts';
import { createEditorStore } from '../../renderer/store/editor-store.ts';
import { chainDocument } from '../engine/support/chain-document.ts';
import { startTestHost, within, type TestHost } from './service-helpers.ts';

let host: TestHost;
before(async () => {
  host = await startTestHost();
});
after(async () => {
  await host.close();
});

const folder = path.join(tmpdir(), `blocksmith-session-${process.pid}`);
const doc = chainDocument([{ kind: 'Dense', name: 'dense0', attrs: { units: 3 } }], [2, 4]);

async function checkpointWritten(): Promise<void> {
  await within(
    10000,
    new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (existsSync(folder) && readdirSync(folder).some((n) => n.endsWith('.json'))) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
    }),
    'the checkpoint',
  );
}

test('values set before a crash are restored into the restarted engine, and the answer says so', async () => {
  const client = host.connect();
  await client.call('openDocument', { docId: 'kept', document: doc });
  await client.call('forward', { docId: 'kept' });
  await checkpointWritten(); // the freshly initialized values
  // Values no fresh initialization gives: the oracle for "restored", not "re-initialized". The
  // forward right after them changes nothing, and must not cancel their pending write.
  await client.call('setParameter', { docId: 'kept', name: 'dense0_weight', value: { fill: 0.625 } });
  await client.call('setParameter', { docId: 'kept', name: 'dense0_bias', value: { fill: -2.5 } });
  await client.call('forward', { docId: 'kept' });
  await new Promise((resolve) => setTimeout(resolve, 1500)); // the debounced write (300 ms) lands

  const restarted = new Promise<void>((resolve) => client.on('engine-restarted', () => resolve()));
  process.kill(host.engine.pid!, 'SIGKILL');
  await within(20000, restarted, 'engine-restarted');

  const reopened = await within(20000, client.call('openDocument', { docId: 'kept', document: doc }), 'reopen');
  assert.equal(reopened.restored?.parameters, 2);
  const w = await client.call('parameterValues', { docId: 'kept', name: 'dense0_weight' });
  const b = await client.call('parameterValues', { docId: 'kept', name: 'dense0_bias' });
  assert.deepEqual(w.stats.min, 0.625);
  assert.deepEqual(w.stats.max, 0.625);
  assert.deepEqual(b.stats.mean, -2.5);

  // A different model is not given the old values.
  const other = chainDocument([{ kind: 'Dense', name: 'dense0', attrs: { units: 5 } }], [2, 4]);
  assert.equal((await client.call('openDocument', { docId: 'kept', document: other })).restored, undefined);
  await client.call('closeDocument', { docId: 'kept' });
  assert.ok(!readdirSync(folder).some((n) => n.endsWith('.json')), 'closing the document drops its checkpoint');
  client.close();
});

test("the editor's session, after the engine is killed, sends the document again and says what was restored", async () => {
  const client = host.connect();
  const store = createEditorStore();
  store.getState().replaceDocument(doc, 'restore.json');
  const session = new EngineSession(store, client);
  await session.start();
  await session.flush();
  assert.equal(store.getState().engineStatus, 'ready');
  await client.call('forward', { docId: 'editor' });
  await client.call('setParameter', { docId: 'editor', name: 'dense0_weight', value: { fill: 0.25 } });
  await client.call('setParameter', { docId: 'editor', name: 'dense0_bias', value: { fill: 1.5 } });
  await client.call('forward', { docId: 'editor' });
  await new Promise((resolve) => setTimeout(resolve, 1500)); // the debounced write (300 ms) lands

  const restarted = new Promise<void>((resolve) => client.on('engine-restarted', () => resolve()));
  process.kill(host.engine.pid!, 'SIGKILL');
  await within(20000, restarted, 'engine-restarted');
  // The session re-sends the document by itself; the engine's answer names what it brought back.
  await within(
    20000,
    new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (/restored 2 trained or loaded parameter/.test(store.getState().notice?.text ?? '')) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
    }),
    'the restored notice',
  );
  const b = await client.call('parameterValues', { docId: 'editor', name: 'dense0_bias' });
  assert.equal(b.stats.mean, 1.5, 'the values the notice announces are the ones set before the crash');
  await client.call('closeDocument', { docId: 'editor' });
  client.close();
});
