// The training panel's pure logic: the config the form sends, folding events into chart series,
// ETA and progress text, per-node gradient norms, and parameter statistics from summaries.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { zTrainingConfig, type ParameterRow, type ParameterSummary, type TrainingProgress, type TrainingStatus } from '../../engine/schema/service-api.ts';
import {
  applySummaries, buildConfig, defaultForm, foldProgress, foldStatus, formatEta, gradNormsByNode, idleView, isActive, nodeOfParameter,
  progressFraction, progressText, readout, startingView,
} from '../../renderer/training/training-model.ts';

function summary(name: string, gradNorm: number | null, over: Partial<ParameterSummary> = {}): ParameterSummary {
  return { name, shape: [2, 3], mean: 0.5, std: 0.25, norm: 1, gradNorm, histogram: { edges: [-1, 0, 2], counts: [3, 3] }, ...over };
}

function status(over: Partial<TrainingStatus> = {}): TrainingStatus {
  return {
    runId: 'run1', docId: 'editor', state: 'running', step: 10, totalSteps: 100, epoch: 0, epochs: 4, batch: 10, batchesPerEpoch: 25,
    loss: 1.5, accuracy: 0.4, learningRate: 0.1, gradNorm: 2, samplesPerSecond: 1000, etaSeconds: 75, history: [], checkpoint: null, error: null,
    ...over,
  };
}

function progress(over: Partial<TrainingProgress> = {}): TrainingProgress {
  const { history: _history, ...base } = status();
  return { ...base, epochsDone: [], parameters: [], ...over };
}

const epoch = (n: number, loss: number) => ({ epoch: n, trainLoss: loss, trainAccuracy: 0.5, validationLoss: loss + 0.1, validationAccuracy: 0.45, seconds: 1 });

test('the default form gives a config the schema accepts (MNIST subset, SGD with momentum)', () => {
  const built = buildConfig(defaultForm());
  assert.ok(built.ok);
  const parsed = zTrainingConfig.parse(built.config);
  assert.deepEqual(parsed.data, { kind: 'mnist', limit: 2000 });
  assert.deepEqual(parsed.optimizer, { name: 'sgd', learningRate: 0.1, momentum: 0.9, wd: 0 });
  assert.equal(parsed.epochs, 5);
  assert.equal(parsed.batchSize, 64);
  assert.equal(parsed.device, 'cpu');
  assert.equal(parsed.loss, undefined, 'auto leaves the loss to the task');
});

test('the form: spirals with Adam and an explicit loss; momentum only for SGD; bad fields are named', () => {
  const built = buildConfig({ ...defaultForm(), data: 'spirals', optimizer: 'adam', learningRate: '0.01', momentum: 'junk', loss: 'l2' });
  assert.ok(built.ok);
  assert.deepEqual(built.config.data, { kind: 'spirals' });
  assert.deepEqual(built.config.optimizer, { name: 'adam', learningRate: 0.01, wd: 0 });
  assert.equal(built.config.loss, 'l2');
  assert.ok(zTrainingConfig.safeParse(built.config).success);
  assert.deepEqual(buildConfig({ ...defaultForm(), epochs: '0' }), { ok: false, error: 'epochs must be a whole number ≥ 1' });
  assert.deepEqual(buildConfig({ ...defaultForm(), batchSize: '2.5' }), { ok: false, error: 'batch size must be a whole number ≥ 1' });
  assert.deepEqual(buildConfig({ ...defaultForm(), learningRate: '' }), { ok: false, error: 'learning rate must be > 0' });
  assert.deepEqual(buildConfig({ ...defaultForm(), momentum: '2' }), { ok: false, error: 'momentum must be between 0 and 1' });
  assert.deepEqual(buildConfig({ ...defaultForm(), limit: '5' }), { ok: false, error: 'samples must be a whole number ≥ 10' });
  const all = buildConfig({ ...defaultForm(), limit: ' ' });
  assert.ok(all.ok);
  assert.deepEqual(all.config.data, { kind: 'mnist' });
});

test('progress events become step points and epoch points; repeated steps and epochs are not doubled', () => {
  let view = startingView();
  view = foldProgress(view, progress({ step: 10, loss: 2 }));
  view = foldProgress(view, progress({ step: 10, loss: 2 }));
  view = foldProgress(view, progress({ step: 30, loss: 1.2, accuracy: 0.6, epoch: 1, epochsDone: [epoch(0, 1.4)] }));
  assert.equal(view.runId, 'run1');
  assert.equal(view.phase, 'running');
  assert.deepEqual(view.series.steps, [10, 30]);
  assert.deepEqual(view.series.loss, [2, 1.2]);
  assert.deepEqual(view.series.accuracy, [0.4, 0.6]);
  assert.deepEqual(view.series.epochs, [1]);
  assert.deepEqual(view.series.trainLoss, [1.4]);
  assert.equal(view.series.validationLoss[0]!.toFixed(2), '1.50');
  assert.equal(view.status?.epoch, 1);
  // An event without a step yet (step 0) adds no point.
  assert.equal(foldProgress(startingView(), progress({ step: 0 })).series.steps.length, 0);
  // Another run's events are ignored.
  assert.equal(foldProgress(view, progress({ runId: 'other', step: 99 })), view);
});

test('a final status adds the epochs from its history once and keeps the error', () => {
  let view = foldProgress(startingView(), progress({ step: 30, epochsDone: [epoch(0, 1.4)] }));
  view = foldStatus(view, status({ state: 'failed', step: 60, history: [epoch(0, 1.4), epoch(1, 1.1)], error: { code: 'E_DATA', message: 'bad' } }));
  assert.equal(view.phase, 'failed');
  assert.deepEqual(view.series.epochs, [1, 2]);
  assert.deepEqual(view.series.trainLoss, [1.4, 1.1]);
  assert.equal(view.error, 'E_DATA: bad');
  assert.equal(isActive(view.phase), false);
  assert.equal(isActive('paused'), true);
  assert.equal(isActive(idleView().phase), false);
});

test('gradient norms per node: the root of the summed squares of its parameters', () => {
  assert.equal(nodeOfParameter('dense0_weight'), 'dense0');
  assert.equal(nodeOfParameter('my_block_dense1_bias'), 'my_block_dense1');
  assert.equal(nodeOfParameter('weight'), 'weight');
  const norms = gradNormsByNode([summary('dense0_weight', 3), summary('dense0_bias', 4), summary('dense1_weight', 1), summary('dense1_bias', null)]);
  assert.deepEqual(norms, { dense0: 5, dense1: 1 });
  const view = foldProgress(startingView(), progress({ parameters: [summary('dense0_weight', 3), summary('dense0_bias', 4)] }));
  assert.deepEqual(view.gradNorms, { dense0: 5 });
  assert.equal(view.parameters.dense0_weight?.mean, 0.5);
  // An event without summaries keeps the last ones.
  assert.deepEqual(foldProgress(view, progress({ step: 20 })).gradNorms, { dense0: 5 });
});

test('ETA, progress and readouts as text', () => {
  assert.equal(formatEta(75), '1:15');
  assert.equal(formatEta(3725), '1:02:05');
  assert.equal(formatEta(0.4), '0:00');
  assert.equal(formatEta(null), '–');
  assert.equal(formatEta(Number.NaN), '–');
  assert.equal(formatEta(-1), '–');
  assert.equal(progressFraction(status({ step: 25, totalSteps: 100 })), 0.25);
  assert.equal(progressFraction(status({ step: 5, totalSteps: 0 })), 0);
  assert.equal(progressFraction(null), 0);
  assert.equal(progressText(status({ step: 130, totalSteps: 625, epoch: 1, epochs: 5 })), 'epoch 2/5 · step 130/625');
  assert.equal(progressText(status({ epoch: 5, epochs: 5 })), 'epoch 5/5 · step 10/100', 'a finished run stays at its last epoch');
  assert.equal(progressText(null), 'not started');
  assert.equal(readout(0.123456), '0.1235');
  assert.equal(readout(null), '–');
});

test('the parameter table takes mean and std from the summaries and min / max from the histogram range', () => {
  const rows: ParameterRow[] = [
    { name: 'dense0_weight', shape: [2, 3], dtype: 'float32', state: 'initialized', initializer: null, tiedTo: [], gradReq: 'write', stats: null },
    { name: 'dense0_bias', shape: [2], dtype: 'float32', state: 'initialized', initializer: null, tiedTo: [], gradReq: 'write',
      stats: { count: 2, mean: 0, std: 0, min: 0, max: 0 } },
  ];
  const next = applySummaries(rows, { dense0_weight: summary('dense0_weight', 1) });
  assert.deepEqual(next[0]!.stats, { count: 6, mean: 0.5, std: 0.25, min: -1, max: 2 });
  assert.equal(next[1], rows[1], 'rows without a summary are kept as they are');
  assert.notEqual(next, rows);
  assert.deepEqual(applySummaries(rows, { dense0_bias: summary('dense0_bias', 1, { mean: null }) }), rows);
});
