// The texts of training's errors (engine/train: the run and its checkpoints, the model checks for
// text data, losses, the trainer, optimizers, schedules, metrics, sampling), each with its code and
// the place it names (the data source and key for E_DATA, the operation for engine errors), so the
// training logic holds no message text (as engine/service/*-errors.ts).
import { EngineError } from '../core/errors.ts';
import { IoError } from '../io/io-error.ts';
import { DataError } from './data/data-error.ts';

const dims = (shape: readonly number[] | null | undefined): string => `(${shape?.join(', ')})`;

/** The model against the data (run-setup.ts, text-model.ts): `node` is how the node is named ("node 'n3' (dense0)"). */
export const modelDataErrors = {
  classes: (source: string, outShape: readonly number[], classes: number | undefined) =>
    new DataError(`the model outputs shape ${dims(outShape)} per batch, but the data has ${classes} classes: ` + `end the model with Dense(${classes})`, {
      source,
    }),
  embeddingDim: (source: string, vocabSize: number, node: string, inputDim: unknown) =>
    new DataError(
      `the text has ${vocabSize} distinct characters but ${node} is an Embedding with inputDim ` + `${String(inputDim)}: set its inputDim to ${vocabSize}`,
      { source },
    ),
  /** `fix`: "; <node> makes the output: give it N units", or '' when the producer is not known. */
  textOutput: (source: string, outShape: readonly number[], window: number, vocabSize: number, fix: string) =>
    new DataError(
      `the model outputs shape ${dims(outShape)} but text data needs one logit per character at every position, ` + `(N, ${window}, ${vocabSize})${fix}`,
      { source },
    ),
};

/** Checkpoints: reading one, resuming a run from it, writing and listing them (checkpoint.ts, run.ts). */
export const checkpointErrors = {
  notNpz: (path: string) => new DataError('not a Blocksmith checkpoint (expected an .npz with a meta entry)', { source: path }),
  noMeta: (path: string, format: string) =>
    new DataError(`not a Blocksmith checkpoint (its meta entry is missing or not JSON of format ${format})`, { source: path, key: 'meta' }),
  settings: (path: string, saved: { batchSize: number; seed: number }, given: { batchSize: number; seed: number }) =>
    new DataError(
      `the checkpoint was made with batch size ${saved.batchSize} and seed ${saved.seed}; resume with the same ones ` +
        `(got ${given.batchSize} and ${given.seed})`,
      { source: path, key: 'meta' },
    ),
  noParameter: (path: string, name: string, names: readonly string[]) =>
    new DataError(`the checkpoint has no parameter '${name}' (it has ${names.join(', ')})`, { source: path, key: `param/${name}` }),
  parameterShape: (path: string, name: string, shape: readonly number[] | null, saved: readonly number[]) =>
    new DataError(`parameter '${name}' has shape ${dims(shape)} but the checkpoint holds ${dims(saved)}`, { source: path, key: `param/${name}` }),
  noDirectory: () => new DataError('this run has no checkpoint directory'),
  list: (dir: string, code: string | undefined, error: Error) =>
    new IoError('E_FILE_IO', { file: dir }, `cannot list the checkpoint directory${code ? ` (${code})` : ''}: ${error.message}`, { cause: error }),
  noOptimizerState: (key: string) => new EngineError('E_ARGS', 'Trainer.loadStates', `the checkpoint has no optimizer state '${key}'`),
};

/** Losses, the trainer, optimizers, schedules and metrics (losses.ts, trainer.ts, optimizers/, lr-schedules.ts, metrics.ts). */
export const trainingErrors = {
  sparseLabels: (label: readonly number[], pred: readonly number[], axis: number) =>
    new EngineError(
      'E_SHAPE',
      'SoftmaxCrossEntropyLoss',
      `labels of shape ${JSON.stringify(label)} do not ` + `give one class index per row of predictions ${JSON.stringify(pred)} (class axis ${axis})`,
    ),
  unknownLoss: (name: unknown) =>
    new EngineError('E_ARGS', 'createLoss', `unknown loss ${JSON.stringify(name)}; use l2, l1, softmax-cross-entropy or sigmoid-binary-cross-entropy`),
  unknownOptimizer: (name: unknown) => new EngineError('E_ARGS', 'createOptimizer', `unknown optimizer ${JSON.stringify(name)}; use sgd, adam or adamw`),
  clipGlobalNorm: (value: unknown) => new EngineError('E_ARGS', 'Trainer', `clipGlobalNorm must be a positive number, got ${String(value)}`),
  batchSize: (batchSize: number) => new EngineError('E_ARGS', 'Trainer.step', `batchSize must be positive, got ${batchSize}`),
  multiDevice: (name: string) =>
    new EngineError(
      'E_ARGS',
      'Trainer.step',
      `parameter '${name}' lives on several devices; ` + 'the trainer updates single-device parameters (move it with resetDevice)',
    ),
  /** `schedule`: the scheduler's class (FactorScheduler); `rule`: a scheduleRules text. */
  schedule: (schedule: string, rule: string) => new EngineError('E_ARGS', schedule, rule),
  accuracyCount: (labels: number, predictions: number) => new EngineError('E_SHAPE', 'Accuracy', `${labels} labels for ${predictions} predictions`),
  temperature: (temperature: number) => new EngineError('E_ARGS', 'generateText', `temperature must be positive, got ${temperature}`),
  emptyPrompt: () => new EngineError('E_ARGS', 'generateText', 'the prompt needs at least one character'),
};

/** The rules the schedules check (lr-schedules.ts), each with the value given. */
export const scheduleRules = {
  step: (step: number) => `step must be an integer ≥ 1, got ${step}`,
  factor: (factor: number) => `factor must be in (0, 1], got ${factor}`,
  steps: () => 'steps must be increasing integers ≥ 1',
  maxUpdate: (maxUpdate: number) => `maxUpdate must be an integer ≥ 1, got ${maxUpdate}`,
  warmupSteps: (warm: number) => `warmupSteps must be an integer in [0, maxUpdate), got ${warm}`,
};
