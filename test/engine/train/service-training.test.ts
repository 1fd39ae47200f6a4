// Training through the service, against a real engine process behind the web host (as the editor
// reaches it): start, progress events, pause (no steps while paused), resume, stop with a
// checkpoint, a new run resumed from it, and the errors a client can act on.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connectedHost, errorOf, within } from '../../service/service-helpers.ts';
import type { TrainingProgress, TrainingStatus } from '../../../engine/protocol/training-config.ts';
import { spiralsDocument } from '../support/chain-document.ts';

const spiralsDoc = spiralsDocument(16);

const connection = connectedHost();
const client = () => connection.client();
const host = () => connection.host();

/** Resolves with the first event of `name` that satisfies `accept`. */
function nextEvent<T extends TrainingProgress | TrainingStatus>(name: 'training-progress' | 'training-finished', accept: (e: T) => boolean): Promise<T> {
  return within(
    20000,
    new Promise<T>((resolve) => {
      const off = client().on(name, (e) => {
        if (accept(e as T)) {
          off();
          resolve(e as T);
        }
      });
    }),
    `waiting for ${name}`,
  );
}

test('start, pause, resume, stop with a checkpoint, then resume a new run from it', async () => {
  const { docId } = await client().call('openDocument', { document: spiralsDoc });
  const config = { data: { kind: 'spirals' as const, perClass: 500 }, epochs: 200, batchSize: 8, seed: 3, checkpoint: { dir: host().work } };
  const firstProgress = nextEvent<TrainingProgress>('training-progress', (e) => e.step >= 1);
  const started = await client().call('startTraining', { docId, config });
  assert.equal(started.trainSize, 800);
  assert.equal(started.validationSize, 200);
  assert.equal(started.totalSteps, 200 * 100);
  assert.equal(started.warnings, undefined, 'the spirals (2 features) match the input shape (-1, 2)');
  const progress = await firstProgress;
  assert.equal(progress.runId, started.runId);
  assert.deepEqual(
    progress.parameters.map((p) => p.name),
    ['dense0_weight', 'dense0_bias', 'dense1_weight', 'dense1_bias'],
  );
  assert.equal(progress.parameters[0]!.histogram.counts.length, 20);

  assert.equal((await errorOf(client().call('startTraining', { docId, config }))).code, 'E_BUSY');

  const paused = await client().call('pauseTraining', { runId: started.runId });
  assert.equal(paused.state, 'paused');
  await new Promise((r) => setTimeout(r, 300));
  const still = await client().call('trainingStatus', { runId: started.runId });
  assert.equal(still.step, paused.step, 'no step runs while paused');
  // The engine keeps serving other requests while a run exists.
  assert.equal(typeof (await client().call('ping', {})).pid, 'number');

  const moved = nextEvent<TrainingProgress>('training-progress', (e) => e.step > paused.step);
  assert.equal((await client().call('resumeTraining', { runId: started.runId })).state, 'running');
  await moved;
  // Past the first epoch, so the checkpoint carries epoch history for the resumed run to re-send.
  await nextEvent<TrainingProgress>('training-progress', (e) => e.runId === started.runId && e.epoch >= 1);

  const finished = nextEvent<TrainingStatus>('training-finished', (e) => e.runId === started.runId);
  const stopped = await client().call('stopTraining', { runId: started.runId });
  assert.equal(stopped.state, 'stopped');
  assert.ok(stopped.step > paused.step && stopped.step < started.totalSteps);
  assert.equal(stopped.checkpoint, join(host().work, `checkpoint-step${stopped.step}.npz`));
  assert.ok(existsSync(stopped.checkpoint!));
  assert.equal((await finished).state, 'stopped');

  // The editor lists what the run wrote and picks one to resume from.
  const listed = await client().call('listCheckpoints', { dir: host().work });
  assert.equal(listed.dir, host().work);
  assert.deepEqual(
    listed.checkpoints.map((c) => c.path),
    [stopped.checkpoint],
  );
  assert.equal(listed.checkpoints[0]!.step, stopped.step);
  assert.deepEqual((await client().call('listCheckpoints', { dir: join(host().work, 'later') })).checkpoints, []);

  const history = (await finished).history;
  const firstResumed = nextEvent<TrainingProgress>('training-progress', (e) => e.runId !== started.runId);
  const resumed = await client().call('startTraining', { docId, config: { ...config, resumeFrom: stopped.checkpoint! } });
  assert.equal(resumed.step, stopped.step, 'the answer says where the resumed run starts');
  const status = await client().call('trainingStatus', { runId: resumed.runId });
  assert.ok(status.step >= stopped.step, `resumed at step ${status.step}, stopped at ${stopped.step}`);
  // Its first event re-sends the checkpoint's epoch history, so event-only clients see all of it.
  const first = await firstResumed;
  assert.equal(first.runId, resumed.runId);
  assert.ok(first.step > stopped.step);
  assert.ok(history.length >= 1, 'the first run finished at least one epoch');
  assert.deepEqual(first.epochsDone.slice(0, history.length), history);
  assert.equal((await client().call('stopTraining', { runId: resumed.runId })).state, 'stopped');
});

test('errors name what to fix: unknown run, bad CSV cell, missing checkpoint', async () => {
  assert.equal((await errorOf(client().call('trainingStatus', { runId: 'run999' }))).code, 'E_NO_RUN');
  const { docId } = await client().call('openDocument', { document: spiralsDoc });
  const csv = join(host().work, 'points.csv');
  await writeFile(csv, 'x,y,label\n0.1,0.2,0\n0.3,oops,1\n');
  // The editor reads the columns to offer them as label and feature choices.
  assert.deepEqual(await client().call('inspectDataFile', { path: csv, kind: 'csv' }), {
    path: csv,
    format: 'csv',
    header: true,
    columns: ['x', 'y', 'label'],
    arrays: [],
  });
  assert.equal((await errorOf(client().call('inspectDataFile', { path: join(host().work, 'none.csv'), kind: 'csv' }))).code, 'E_DATA');
  const bad = await errorOf(client().call('startTraining', { docId, config: { data: { kind: 'csv', path: csv, label: 'label' }, epochs: 1 } }));
  assert.equal(bad.code, 'E_DATA');
  assert.match(bad.message, /points\.csv, line 3, column 2: "oops" \('y'\) is not a number/);
  const missing = await errorOf(
    client().call('startTraining', { docId, config: { data: { kind: 'spirals' }, epochs: 1, resumeFrom: join(host().work, 'nope.npz') } }),
  );
  assert.equal(missing.code, 'E_FILE_IO');
  const invalid = await errorOf(client().call('startTraining', { docId, config: { data: { kind: 'spirals' }, epochs: 0 } as never }));
  assert.equal(invalid.code, 'E_BAD_REQUEST');
});

test("data whose samples do not match the document's input shape train, with a warning that says how to match", async () => {
  const { docId } = await client().call('openDocument', { document: { ...spiralsDoc, input: { shape: [-1, 20], dtype: 'float32' } } });
  const started = await client().call('startTraining', { docId, config: { data: { kind: 'spirals', perClass: 50 }, epochs: 1, batchSize: 10, seed: 1 } });
  assert.deepEqual(started.warnings, [
    "the data's samples have shape (2,) but the document's input shape is (-1, 20); the model is trained on the data's shape: set the input shape to (-1, 2) to match",
  ]);
  await client().call('stopTraining', { runId: started.runId });
});
