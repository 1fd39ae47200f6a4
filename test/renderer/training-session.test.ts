// The training controller against a fake service client: Start sends the form's config, events fill
// the store's training view and the parameter table's statistics (no request per event), the
// control buttons call the service, and training-finished ends the run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ParameterRow, TrainingProgress, TrainingStatus } from '../../engine/protocol/service-api.ts';
import type { ServiceClient } from '../../engine/protocol/service-client.ts';
import { EngineSession } from '../../renderer/services/engine-session.ts';
import { createEditorStore } from '../../renderer/store/editor-store.ts';
import { trainingFor } from '../../renderer/services/training-session.ts';

function status(over: Partial<TrainingStatus> = {}): TrainingStatus {
  return {
    runId: 'run7',
    docId: 'editor',
    state: 'running',
    step: 5,
    totalSteps: 50,
    epoch: 0,
    epochs: 2,
    batch: 5,
    batchesPerEpoch: 25,
    loss: 2,
    accuracy: 0.3,
    learningRate: 0.1,
    gradNorm: 1,
    samplesPerSecond: 500,
    etaSeconds: 9,
    history: [],
    checkpoint: null,
    error: null,
    ...over,
  };
}

const row: ParameterRow = {
  name: 'dense0_weight',
  shape: [4, 2],
  dtype: 'float32',
  state: 'initialized',
  initializer: null,
  tiedTo: [],
  gradReq: 'write',
  stats: { count: 8, mean: 0, std: 0.1, min: -0.2, max: 0.2 },
};

function fakeClient() {
  const calls: { method: string; params: unknown }[] = [];
  const listeners = new Map<string, ((data: unknown) => void)[]>();
  const answers: Record<string, (params: Record<string, unknown>) => unknown> = {
    startTraining: (p) =>
      (p.config as { resumeFrom?: string }).resumeFrom
        ? { runId: 'run8', totalSteps: 50, trainSize: 800, validationSize: 200, step: 20 }
        : { runId: 'run7', totalSteps: 50, trainSize: 800, validationSize: 200, step: 0 },
    inspectDataFile: (p) => ({ path: p.path, format: 'csv', header: true, columns: ['x', 'y'], arrays: [] }),
    listCheckpoints: (p) => ({ dir: p.dir, checkpoints: [{ path: `${String(p.dir)}/checkpoint-step20.npz`, step: 20, bytes: 400, modified: 1 }] }),
    parameterTable: () => ({ parameters: [row] }),
    pauseTraining: () => status({ state: 'paused' }),
    resumeTraining: () => status({ state: 'running' }),
    stopTraining: () => status({ state: 'stopped', step: 9 }),
    saveParameters: (p) => ({ path: p.path, format: 'mxnet', entries: [{ name: 'dense0_weight', status: 'saved', shape: [4, 2], dtype: 'float32' }] }),
  };
  const client = {
    on(event: string, fn: (data: unknown) => void) {
      listeners.set(event, [...(listeners.get(event) ?? []), fn]);
      return () => {};
    },
    async call(method: string, params: Record<string, unknown>) {
      calls.push({ method, params });
      const answer = answers[method];
      if (!answer) throw new Error(`unexpected ${method}`);
      return answer(params);
    },
  };
  const emit = (event: string, data: unknown) => {
    for (const fn of listeners.get(event) ?? []) fn(data);
  };
  return { client: client as unknown as ServiceClient, calls, emit };
}

test('start fresh, live events, pause / resume / stop; continue sends no seed', async () => {
  const store = createEditorStore();
  const { client, calls, emit } = fakeClient();
  const session = new EngineSession(store, client);
  const training = trainingFor(store, session);
  assert.equal(trainingFor(store, session), training, 'one controller per session');
  store.getState().setTrainingForm({ data: 'spirals', epochs: '2', batchSize: '32' });

  await training.start('fresh');
  const start = calls.find((c) => c.method === 'startTraining');
  // Start fresh: the document's seed (0), which makes the engine rebuild the model from it.
  assert.deepEqual(start?.params, {
    docId: 'editor',
    config: {
      data: { kind: 'spirals' },
      optimizer: { name: 'sgd', learningRate: 0.1, momentum: 0.9, wd: 0 },
      epochs: 2,
      batchSize: 32,
      validationFraction: 0.2,
      device: 'cpu',
      seed: 0,
    },
  });
  assert.equal(store.getState().training.startedFrom, 'fresh');
  assert.equal(store.getState().training.runId, 'run7');
  assert.equal(store.getState().training.phase, 'running');
  assert.deepEqual(store.getState().training.samples, { train: 800, validation: 200 });
  assert.deepEqual(store.getState().parameters, [row]);
  // The run remembers which document it trains (the canvas shows its gradient badges only there).
  assert.equal(store.getState().training.openedAt, store.getState().openedAt);

  const requestsBefore = calls.length;
  const { history: _h, ...base } = status();
  const event: TrainingProgress = {
    ...base,
    step: 12,
    loss: 1.2,
    epochsDone: [],
    parameters: [
      {
        name: 'dense0_weight',
        shape: [4, 2],
        mean: 0.05,
        std: 0.3,
        norm: 1,
        gradNorm: 0.7,
        histogram: { edges: [-0.5, 0, 0.6], counts: [4, 4] },
        block: 'dense0',
      },
    ],
  };
  emit('training-progress', event);
  emit('training-progress', { ...event, runId: 'someone-else', step: 40 });
  assert.equal(calls.length, requestsBefore, 'events cause no requests');
  const view = store.getState().training;
  assert.deepEqual(view.series.steps, [12]);
  assert.deepEqual(view.gradNorms, { dense0: 0.7 });
  assert.deepEqual(store.getState().parameters?.[0]?.stats, { count: 8, mean: 0.05, std: 0.3, min: -0.5, max: 0.6 });

  await training.pause();
  assert.equal(store.getState().training.phase, 'paused');
  await training.resume();
  assert.equal(store.getState().training.phase, 'running');
  await training.stop();
  assert.equal(store.getState().training.phase, 'stopped');
  assert.deepEqual(
    calls.filter((c) => c.method.endsWith('Training')).map((c) => [c.method, c.params]),
    [
      ['startTraining', start?.params],
      ['pauseTraining', { runId: 'run7' }],
      ['resumeTraining', { runId: 'run7' }],
      ['stopTraining', { runId: 'run7' }],
    ],
  );

  emit(
    'training-finished',
    status({ state: 'stopped', step: 9, history: [{ epoch: 0, trainLoss: 1, trainAccuracy: 0.5, validationLoss: 1.1, validationAccuracy: 0.4, seconds: 1 }] }),
  );
  assert.deepEqual(store.getState().training.series.epochs, [1]);

  // Continue: the same settings, no seed, so the engine trains the values its model holds.
  await training.start('continue');
  const again = calls.filter((c) => c.method === 'startTraining').at(-1);
  assert.equal((again?.params as { config: { seed?: number } }).config.seed, undefined);
  assert.equal(store.getState().training.startedFrom, 'continue');
});

test('a form error or a refused start is shown and nothing keeps running', async () => {
  const store = createEditorStore();
  const { client } = fakeClient();
  const training = trainingFor(store, new EngineSession(store, client));
  store.getState().setTrainingForm({ epochs: 'many' });
  await training.start();
  assert.equal(store.getState().training.phase, 'idle');
  assert.equal(store.getState().training.error, 'epochs must be a whole number ≥ 1');

  const refusing = {
    ...client,
    call: async () => {
      throw new Error('E_BUSY: the document is training');
    },
  } as unknown as ServiceClient;
  const store2 = createEditorStore();
  const training2 = trainingFor(store2, new EngineSession(store2, refusing));
  await training2.start();
  assert.equal(store2.getState().training.phase, 'idle');
  assert.match(store2.getState().training.error ?? '', /Training did not start: E_BUSY/);
});

test('resume from a checkpoint: the chart keeps its points up to the checkpoint and the new run continues them', async () => {
  const store = createEditorStore();
  const { client, calls, emit } = fakeClient();
  const training = trainingFor(store, new EngineSession(store, client));
  store.getState().setTrainingForm({ data: 'spirals', epochs: '2', batchSize: '32', checkpointDir: '/ck', checkpointEvery: '10' });
  await training.start();
  const { history: _h, ...base } = status();
  for (const step of [10, 20, 30]) emit('training-progress', { ...base, step, loss: 1 / step, epochsDone: [], parameters: [] });
  emit('training-progress', {
    ...base,
    step: 40,
    loss: 0.02,
    parameters: [],
    epochsDone: [{ epoch: 0, trainLoss: 0.5, trainAccuracy: 0.6, validationLoss: 0.6, validationAccuracy: 0.5, seconds: 1 }],
  });
  await training.stop();
  assert.deepEqual(store.getState().training.series.epochs, [1]);

  const info = await training.inspectDataFile('d.csv', 'csv');
  assert.deepEqual(calls.at(-1), { method: 'inspectDataFile', params: { path: 'd.csv', kind: 'csv' } });
  assert.deepEqual(info.columns, ['x', 'y']);
  const listed = await training.listCheckpoints('/ck');
  assert.deepEqual(calls.at(-1), { method: 'listCheckpoints', params: { dir: '/ck' } });
  store.getState().setTrainingForm({ resumeFrom: listed.checkpoints[0]!.path });
  await training.resumeFromCheckpoint();
  const start = calls.filter((c) => c.method === 'startTraining').at(-1);
  assert.deepEqual((start?.params as { config: unknown }).config, {
    data: { kind: 'spirals' },
    optimizer: { name: 'sgd', learningRate: 0.1, momentum: 0.9, wd: 0 },
    epochs: 2,
    batchSize: 32,
    validationFraction: 0.2,
    checkpoint: { dir: '/ck', everySteps: 10 },
    resumeFrom: '/ck/checkpoint-step20.npz',
    device: 'cpu',
  });
  let view = store.getState().training;
  assert.equal(view.runId, 'run8');
  // Points after the checkpoint's step 20 were trained past it; the epoch points come back with the first event.
  assert.deepEqual(view.series.steps, [10, 20]);
  assert.deepEqual(view.series.epochs, []);
  emit('training-progress', { ...base, runId: 'run8', step: 25, loss: 0.04, parameters: [], epochsDone: [] });
  view = store.getState().training;
  assert.deepEqual(view.series.steps, [10, 20, 25]);
  assert.equal(view.phase, 'running');

  store.getState().setTrainingForm({ resumeFrom: ' ' });
  await training.resumeFromCheckpoint();
  assert.equal(store.getState().training.error, 'resume from: pick a checkpoint (or type its path)');
});
