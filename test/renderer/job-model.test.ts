// The Training tab following a PyTorch job: the job's log lines (as train.py writes them) folded
// by the engine's follower (foldJobLog) and drawn by the renderer's jobView into the same series
// and status a run in the engine gives — including a job resumed from a checkpoint, whose points
// after the checkpoint are replaced by the resumed ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldJobLog } from '../../engine/export/torch-job/job-follow.ts';
import { jobSummary, jobView, parseNproc } from '../../renderer/training/job-model.ts';
import { idleView } from '../../renderer/training/training-model.ts';

const start = (step: number, history: unknown[] = []) => ({
  kind: 'start',
  step,
  epoch: 0,
  epochs: 2,
  totalSteps: 40,
  batchesPerEpoch: 20,
  batchSize: 64,
  worldSize: 2,
  history,
});
const stepLine = (step: number, loss: number) => ({
  kind: 'step',
  step,
  epoch: step > 20 ? 1 : 0,
  batch: ((step - 1) % 20) + 1,
  loss,
  accuracy: 0.5,
  learningRate: 0.1,
  samplesPerSecond: 1000,
});
const epoch0 = { kind: 'epoch', epoch: 0, trainLoss: 1, trainAccuracy: 0.6, validationLoss: 0.9, validationAccuracy: 0.7, seconds: 2 };

function progress(lines: Record<string, unknown>[], exited: { exitCode: number | null; signal: string | null } | null = null) {
  const proc = exited ? { running: false, pid: 1, command: 'torchrun', output: 'boom', stopped: false, ...exited } : null;
  const folded = foldJobLog(lines, '/jobs/a', proc);
  return { dir: '/jobs/a', started: lines.length > 0, ...folded, checkpoint: null, parameters: [], process: proc };
}

test('a running job: its step points, epochs, progress and ETA, as a run in the engine shows them', () => {
  const view = jobView(progress([start(0), stepLine(10, 2), stepLine(20, 1.5), epoch0, stepLine(30, 1.2)]), idleView());
  assert.equal(view.phase, 'running');
  assert.deepEqual(view.series.steps, [10, 20, 30]);
  assert.deepEqual(view.series.loss, [2, 1.5, 1.2]);
  assert.deepEqual(view.series.epochs, [1]);
  assert.deepEqual(view.series.validationAccuracy, [0.7]);
  assert.equal(view.status?.step, 30);
  assert.equal(view.status?.totalSteps, 40);
  assert.equal(view.status?.epoch, 1);
  assert.equal(view.status?.etaSeconds, (10 * 64) / 1000);
  assert.equal(view.runId, 'job:/jobs/a');
});

test('a resumed job keeps the points up to its checkpoint and the history its start line carries', () => {
  const lines = [
    start(0),
    stepLine(10, 2),
    stepLine(20, 1.5),
    epoch0,
    stepLine(30, 1.2),
    start(20, [epoch0]),
    stepLine(30, 1.1),
    stepLine(40, 1),
    { kind: 'end', step: 40 },
  ];
  const view = jobView(progress(lines), idleView());
  assert.deepEqual(view.series.steps, [10, 20, 30, 40]);
  assert.deepEqual(view.series.loss, [2, 1.5, 1.1, 1]);
  assert.deepEqual(view.series.epochs, [1]);
  assert.equal(view.phase, 'finished');
});

test('torchrun exiting without an end line fails the view with its output; not started is idle', () => {
  const failed = jobView(progress([start(0), stepLine(10, 2)], { exitCode: 1, signal: null }), idleView());
  assert.equal(failed.phase, 'failed');
  assert.match(failed.error ?? '', /E_JOB_FAILED: torchrun exited with code 1: boom/);
  const none = progress([]);
  assert.equal(jobView(none, idleView()).phase, 'idle');
  assert.match(jobSummary(none), /not started/);
  assert.equal(parseNproc('4'), 4);
  assert.match(String(parseNproc('0')), /processes/);
});
