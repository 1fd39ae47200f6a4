// The training panel's pure logic: the config the form sends, folding events into chart series,
// ETA and progress text, per-node gradient norms, and parameter statistics from summaries.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { zTrainingConfig, type ParameterRow, type ParameterSummary, type TrainingProgress, type TrainingStatus } from '../../engine/protocol/service-api.ts';
import {
  applySummaries,
  buildConfig,
  cutCarriedAfter,
  defaultForm,
  fileNameOf,
  foldProgress,
  foldStatus,
  formatEta,
  gradNormsByNode,
  idleView,
  isActive,
  featureList,
  metricReadouts,
  toggleFeature,
  progressFraction,
  progressText,
  readout,
  resumeSeries,
  startingView,
} from '../../renderer/training/training-model.ts';

function summary(name: string, gradNorm: number | null, over: Partial<ParameterSummary> = {}): ParameterSummary {
  // The owner as the engine names it (engine/train/param-summary.ts parameterOwners): the name up to the layer's counter.
  const block = /^[a-z_]*?[a-z]+\d+/.exec(name)?.[0];
  return {
    name,
    shape: [2, 3],
    mean: 0.5,
    std: 0.25,
    norm: 1,
    gradNorm,
    histogram: { edges: [-1, 0, 2], counts: [3, 3] },
    ...(block ? { block } : {}),
    ...over,
  };
}

function status(over: Partial<TrainingStatus> = {}): TrainingStatus {
  return {
    runId: 'run1',
    docId: 'editor',
    state: 'running',
    step: 10,
    totalSteps: 100,
    epoch: 0,
    epochs: 4,
    batch: 10,
    batchesPerEpoch: 25,
    loss: 1.5,
    accuracy: 0.4,
    learningRate: 0.1,
    gradNorm: 2,
    samplesPerSecond: 1000,
    etaSeconds: 75,
    history: [],
    checkpoint: null,
    error: null,
    ...over,
  };
}

function progress(over: Partial<TrainingProgress> = {}): TrainingProgress {
  const { history: _history, ...base } = status();
  return { ...base, epochsDone: [], parameters: [], ...over };
}

const epoch = (n: number, loss: number) => ({
  epoch: n,
  trainLoss: loss,
  trainAccuracy: 0.5,
  validationLoss: loss + 0.1,
  validationAccuracy: 0.45,
  seconds: 1,
});

test('the default form gives a config the schema accepts (MNIST subset, SGD with momentum)', () => {
  const built = buildConfig(defaultForm());
  assert.ok(built.ok);
  const parsed = zTrainingConfig.parse(built.config);
  assert.deepEqual(parsed.data, { kind: 'mnist', limit: 10000 });
  assert.deepEqual(parsed.optimizer, { name: 'sgd', learningRate: 0.1, momentum: 0.9, wd: 0 });
  assert.equal(parsed.epochs, 10);
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

test('file sources: CSV with label and feature columns, .npz arrays, .npy label index; the schema accepts them', () => {
  const csv = buildConfig({
    ...defaultForm(),
    data: 'csv',
    dataPath: ' /data/points.csv ',
    labelColumn: 'y',
    featureColumns: 'x1, x2,3',
    task: 'regression',
    validationFraction: '0.25',
  });
  assert.ok(csv.ok);
  assert.deepEqual(csv.config.data, { kind: 'csv', path: '/data/points.csv', label: 'y', features: ['x1', 'x2', '3'] });
  assert.equal(csv.config.task, 'regression');
  assert.equal(csv.config.validationFraction, 0.25);
  assert.ok(zTrainingConfig.safeParse(csv.config).success);
  const defaults = buildConfig({ ...defaultForm(), data: 'csv', dataPath: 'rel.csv' });
  assert.ok(defaults.ok);
  assert.deepEqual(defaults.config.data, { kind: 'csv', path: 'rel.csv' }, 'empty columns leave the engine its defaults');
  assert.equal(defaults.config.task, undefined);
  const npz = buildConfig({ ...defaultForm(), data: 'arrays', dataPath: 'd.npz', labelColumn: 'target', featureColumns: 'inputs' });
  assert.ok(npz.ok);
  assert.deepEqual(npz.config.data, { kind: 'arrays', path: 'd.npz', label: 'target', features: 'inputs' });
  const npy = buildConfig({ ...defaultForm(), data: 'arrays', dataPath: 'm.NPY', labelColumn: '-1' });
  assert.ok(npy.ok);
  assert.deepEqual(npy.config.data, { kind: 'arrays', path: 'm.NPY', label: -1 });
  for (const c of [npz, npy]) assert.ok(c.ok && zTrainingConfig.safeParse(c.config).success);

  const error = (over: Partial<ReturnType<typeof defaultForm>>) => {
    const r = buildConfig({ ...defaultForm(), ...over });
    return r.ok ? null : r.error;
  };
  assert.equal(error({ data: 'csv', dataPath: '  ' }), 'data file: enter the path of a .csv file (as the engine sees it)');
  assert.equal(error({ data: 'arrays', dataPath: 'd.csv' }), 'data file: an array data file ends in .npy or .npz');
  assert.equal(
    error({ data: 'csv', dataPath: 'a.csv', featureColumns: 'x1,,x2' }),
    'feature columns: an empty name between commas; list names or 0-based indices, e.g. x1, x2',
  );
  assert.equal(error({ data: 'csv', dataPath: 'a.csv', labelColumn: 'y', featureColumns: 'x, y' }), "feature columns: 'y' is the label column");
  assert.equal(error({ data: 'arrays', dataPath: 'm.npy', labelColumn: 'y' }), 'label: in a .npy matrix the label is a column index (e.g. -1, the last)');
  assert.equal(
    error({ data: 'arrays', dataPath: 'm.npy', featureColumns: 'x' }),
    'features: a .npy matrix has no named arrays; leave features empty (every column but the label)',
  );
  assert.equal(error({ data: 'arrays', dataPath: 'm.npz', featureColumns: 'a,b' }), 'features: name one array of the .npz file (e.g. x)');
  assert.equal(error({ validationFraction: '1' }), 'validation must be a fraction in [0, 1)');
});

test('feature columns picked by clicking: added at the end, removed on a second click', () => {
  assert.deepEqual(featureList(' x1, ,x2 ,'), ['x1', 'x2']);
  assert.equal(toggleFeature('', 'x1'), 'x1');
  assert.equal(toggleFeature('x1', 'x2'), 'x1, x2');
  assert.equal(toggleFeature('x1, x2,x3', 'x2'), 'x1, x3');
  assert.equal(toggleFeature('x1', 'x1'), '');
});

test('schedules, clipping and checkpoints in the config; bad values name their field', () => {
  const step = buildConfig({ ...defaultForm(), schedule: 'step', scheduleStep: '50', scheduleFactor: '0.5', clipGlobalNorm: '1.5' });
  assert.ok(step.ok);
  assert.deepEqual(step.config.schedule, { kind: 'factor', step: 50, factor: 0.5 });
  assert.equal(step.config.clipGlobalNorm, 1.5);
  const cosine = buildConfig({ ...defaultForm(), schedule: 'cosine', warmupSteps: '10', finalLr: '0.001', checkpointDir: '/tmp/ck', checkpointEvery: '25' });
  assert.ok(cosine.ok);
  assert.deepEqual(cosine.config.schedule, { kind: 'cosine', warmupSteps: 10, finalLr: 0.001 });
  assert.deepEqual(cosine.config.checkpoint, { dir: '/tmp/ck', everySteps: 25 });
  assert.equal(cosine.config.resumeFrom, undefined, 'Start never resumes');
  for (const c of [step, cosine]) assert.ok(c.ok && zTrainingConfig.safeParse(c.config).success);
  const plain = buildConfig(defaultForm());
  assert.ok(plain.ok);
  assert.equal(plain.config.schedule, undefined);
  assert.equal(plain.config.clipGlobalNorm, undefined);
  assert.equal(plain.config.checkpoint, undefined);
  const onStop = buildConfig({ ...defaultForm(), checkpointDir: 'ck' });
  assert.ok(onStop.ok);
  assert.deepEqual(onStop.config.checkpoint, { dir: 'ck' });
  const resumed = buildConfig({ ...defaultForm(), resumeFrom: '/tmp/ck/checkpoint-step20.npz' }, { resume: true });
  assert.ok(resumed.ok);
  assert.equal(resumed.config.resumeFrom, '/tmp/ck/checkpoint-step20.npz');

  const error = (over: Partial<ReturnType<typeof defaultForm>>, resume = false) => {
    const r = buildConfig({ ...defaultForm(), ...over }, { resume });
    return r.ok ? null : r.error;
  };
  assert.equal(error({ schedule: 'step', scheduleStep: '0' }), 'decay every must be a whole number of steps ≥ 1');
  assert.equal(error({ schedule: 'step', scheduleFactor: '1.5' }), 'decay factor must be in (0, 1]');
  assert.equal(error({ schedule: 'cosine', warmupSteps: '-1' }), 'warmup steps must be a whole number ≥ 0');
  assert.equal(error({ schedule: 'cosine', finalLr: 'x' }), 'final lr must be ≥ 0');
  assert.equal(error({ clipGlobalNorm: '0' }), 'clip norm must be > 0 (or empty: no clipping)');
  assert.equal(error({ checkpointEvery: '10' }), 'every N steps: set a checkpoint directory first');
  assert.equal(error({ checkpointDir: 'ck', checkpointEvery: '2.5' }), 'every N steps must be a whole number of steps ≥ 1');
  assert.equal(error({}, true), 'resume from: pick a checkpoint (or type its path)');
});

test('resuming keeps the chart up to the checkpoint: step points stay, later carried ones go, new ones stay', () => {
  let view = startingView();
  for (const step of [10, 20, 30]) view = foldProgress(view, progress({ step, loss: 1 / step }));
  view = foldProgress(view, progress({ step: 40, epochsDone: [epoch(0, 0.5)] }));
  const carried = resumeSeries(view.series);
  assert.deepEqual(carried.steps, [10, 20, 30, 40]);
  assert.deepEqual(carried.epochs, [], 'epochs come back with the resumed run');
  // A resumed run's first point (25) arrived before the cut: it is not carried, so it stays.
  const mixed = { ...carried, steps: [...carried.steps, 25], loss: [...carried.loss, 0.04], accuracy: [...carried.accuracy, 0.5] };
  const cut = cutCarriedAfter(mixed, 20, carried.steps.length);
  assert.deepEqual(cut.steps, [10, 20, 25]);
  assert.deepEqual(cut.loss, [0.1, 0.05, 0.04]);
  assert.equal(cutCarriedAfter(carried, 40, 4), carried, 'nothing to cut: the same object');
  assert.equal(fileNameOf('/tmp/ck/checkpoint-step20.npz'), 'checkpoint-step20.npz');
  assert.equal(fileNameOf('C:\\ck\\checkpoint-step3.npz'), 'checkpoint-step3.npz');
});

test("readouts: the running means, or the last epoch's values right after an epoch ended", () => {
  let view = startingView();
  view = foldProgress(view, progress({ step: 10, loss: 1.5, accuracy: 0.4 }));
  assert.deepEqual(metricReadouts(view.status, view.series), { loss: 1.5, accuracy: 0.4 });
  view = foldStatus(view, status({ state: 'finished', step: 100, epoch: 4, batch: 0, loss: null, accuracy: null, history: [epoch(3, 0.25)] }));
  assert.deepEqual(metricReadouts(view.status, view.series), { loss: 0.25, accuracy: 0.5 });
  // Mid-epoch with no value yet (a non-finite loss): no stale fallback.
  view = foldProgress(view, progress({ runId: 'run1', step: 101, batch: 1, loss: null, accuracy: null }));
  assert.deepEqual(metricReadouts(view.status, view.series), { loss: null, accuracy: null });
  assert.deepEqual(metricReadouts(null, view.series), { loss: null, accuracy: null });
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

test('gradient norms per node: the root of the summed squares of its parameters, by the owner the engine names', () => {
  const norms = gradNormsByNode([
    summary('dense0_weight', 3),
    summary('dense0_bias', 4),
    summary('dense1_weight', 1),
    summary('dense1_bias', null),
    summary('batchnorm0_gamma', 6),
    summary('batchnorm0_running_mean', 8),
    summary('orphan', 2),
  ]);
  assert.deepEqual(norms, { dense0: 5, dense1: 1, batchnorm0: 10 });
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
    {
      name: 'dense0_bias',
      shape: [2],
      dtype: 'float32',
      state: 'initialized',
      initializer: null,
      tiedTo: [],
      gradReq: 'write',
      stats: { count: 2, mean: 0, std: 0, min: 0, max: 0 },
    },
  ];
  const next = applySummaries(rows, { dense0_weight: summary('dense0_weight', 1) });
  assert.deepEqual(next[0]!.stats, { count: 6, mean: 0.5, std: 0.25, min: -1, max: 2 });
  assert.equal(next[1], rows[1], 'rows without a summary are kept as they are');
  assert.notEqual(next, rows);
  assert.deepEqual(applySummaries(rows, { dense0_bias: summary('dense0_bias', 1, { mean: null }) }), rows);
});
