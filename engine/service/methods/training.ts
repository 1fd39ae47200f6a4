// Training runs through the service: startTraining answers at once with a runId and the run goes
// on in this process between other requests (it yields after every step), streaming
// training-progress events at a bounded rate and one training-finished event at the end.
// pause / resume / stop / status address a run by its id; listCheckpoints shows what runs wrote,
// inspectDataFile what a data file offers (columns, arrays) to pick the label and features from.
import { resolve } from 'node:path';
import type { Handler } from '../dispatcher.ts';
import { serviceErrors } from '../service-errors.ts';
import { parseDevice } from '../device-name.ts';
import { ensureModel } from '../model-builder.ts';
import { prepareRun } from '../../train/run-setup.ts';
import type { TrainingRun } from '../../train/run.ts';
import { listCheckpoints as checkpointsIn } from '../../train/checkpoint.ts';
import { inspectDataFile as inspect } from '../../train/data/inspect.ts';
import type { Session } from '../session.ts';
import { scheduleCheckpoint } from '../session-checkpoint.ts';
import { formatShape } from '../../core/errors.ts';

function findRun(session: Session, runId: string): TrainingRun {
  const run = session.trainingRuns.get(runId);
  if (!run) {
    throw serviceErrors.noRun(runId, [...session.trainingRuns.keys()].slice(-10));
  }
  return run;
}

const shapeText = formatShape;

/**
 * Why the data does not match the document's input shape (batch axis aside, -1 dims match
 * anything), or null. Not an error: deferred initialization builds the first layer for the data,
 * so the run works, but the graph the person drew says otherwise and its shapes would mislead.
 */
export function inputShapeMismatch(documentShape: readonly number[], sampleShape: readonly number[]): string | null {
  const expected = documentShape.slice(1);
  const fits = expected.length === sampleShape.length && expected.every((d, i) => d === -1 || d === sampleShape[i]);
  return fits
    ? null
    : `the data's samples have shape ${shapeText(sampleShape)} but the document's input shape is ` +
        `${shapeText(documentShape)}; the model is trained on the data's shape: set the input shape to ${shapeText([-1, ...sampleShape])} to match`;
}

export const startTraining: Handler<'startTraining'> = async (params, ctx) => {
  const { session } = ctx;
  const entry = session.get(params.docId);
  for (const [id, other] of session.trainingRuns) {
    if (other.options.docId === params.docId && ['running', 'paused', 'stopping'].includes(other.state)) {
      throw serviceErrors.alreadyTraining(params.docId, id, other.state);
    }
  }
  const { config } = params;
  const device = parseDevice(config.device ?? entry.document.device, config.device ? 'params.config.device' : 'document.device');
  // A seed rebuilds the model, so the same seed gives the same initial parameters and the same run.
  const model = ensureModel(entry, { device, seed: config.seed });
  const runId = `run${session.trainingRuns.size + 1}`;
  const run = await prepareRun(model.net, config, {
    device,
    seed: config.seed ?? entry.document.seed,
    runId,
    docId: params.docId,
    inputShape: entry.document.input.shape,
    document: entry.document,
    onProgress: (progress) => ctx.emit('training-progress', progress),
  });
  session.trainingRuns.set(runId, run);
  void run.start().then(
    (status) => {
      ctx.emit('training-finished', status);
      scheduleCheckpoint(session, params.docId, 0); // the trained values survive an engine restart
    },
    // The loop catches training errors itself; this is the last guard against a crashed engine.
    (error: unknown) => ctx.emit('training-finished', { ...run.status(), state: 'failed', error: { code: 'E_INTERNAL', message: String(error) } }),
  );
  const warning = inputShapeMismatch(entry.document.input.shape, run.options.train.featureShape);
  return {
    runId,
    totalSteps: run.totalSteps,
    trainSize: run.options.train.length,
    validationSize: run.options.validation?.length ?? 0,
    step: run.step,
    ...(warning ? { warnings: [warning] } : {}),
  };
};

export const pauseTraining: Handler<'pauseTraining'> = (params, ctx) => findRun(ctx.session, params.runId).pause();
export const resumeTraining: Handler<'resumeTraining'> = (params, ctx) => findRun(ctx.session, params.runId).resume();
export const stopTraining: Handler<'stopTraining'> = (params, ctx) => findRun(ctx.session, params.runId).stop();
export const trainingStatus: Handler<'trainingStatus'> = (params, ctx) => findRun(ctx.session, params.runId).status();
export const listCheckpoints: Handler<'listCheckpoints'> = async (params) => {
  const checkpoints = await checkpointsIn(params.dir);
  return { dir: resolve(params.dir), checkpoints };
};

export const inspectDataFile: Handler<'inspectDataFile'> = async (params) => {
  const info = await inspect(params.path, params.kind, params.delimiter ? { delimiter: params.delimiter } : {});
  return { path: resolve(params.path), ...info };
};
