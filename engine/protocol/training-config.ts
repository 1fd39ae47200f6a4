// The training API's values, defined once (zod, pure): the run configuration a client sends with
// startTraining, the status it reads back, and the events a run streams. api-training.ts and
// service-api.ts use them; the renderer may import them for its training panel.
import { z } from 'zod';
import { zDeviceName } from './service-values.ts';

const zPath = z.string().min(1).max(4096);
const zColumn = z.union([z.string().min(1).max(200), z.number().int()]);

/**
 * Where the samples come from: a built-in set, a CSV file, an .npz / .npy file, or a plain UTF-8
 * text (a character language model's data: windows of `window` character ids, each position's
 * target the next character; `stride` characters between window starts, default 1).
 */
export const zDataSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('mnist'), limit: z.number().int().min(10).optional() }).strict(),
  z
    .object({
      kind: z.literal('spirals'),
      perClass: z.number().int().min(2).max(1_000_000).optional(),
      turns: z.number().positive().max(100).optional(),
      noise: z.number().min(0).max(10).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('linear'),
      samples: z.number().int().min(2).max(10_000_000).optional(),
      weights: z.array(z.number()).min(1).max(10_000).optional(),
      bias: z.number().optional(),
      noise: z.number().min(0).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('csv'),
      path: zPath,
      label: zColumn.optional(),
      features: z.array(zColumn).min(1).max(100_000).optional(),
      header: z.boolean().optional(),
      delimiter: z.string().length(1).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('arrays'), path: zPath, features: z.string().min(1).max(200).optional(), label: zColumn.optional() }).strict(),
  z
    .object({
      kind: z.literal('text'),
      path: zPath,
      window: z.number().int().min(1).max(4096).optional(),
      stride: z
        .number()
        .int()
        .min(1)
        .max(1 << 20)
        .optional(),
    })
    .strict(),
]);
export type DataSource = z.infer<typeof zDataSource>;

export const zOptimizerConfig = z
  .object({
    name: z.enum(['sgd', 'adam', 'adamw']).default('sgd'),
    learningRate: z.number().positive().max(1e3).optional(),
    momentum: z.number().min(0).max(1).optional(),
    wd: z.number().min(0).max(10).optional(),
    beta1: z.number().min(0).max(1).optional(),
    beta2: z.number().min(0).max(1).optional(),
    epsilon: z.number().positive().optional(),
    clipGradient: z.number().positive().optional(),
  })
  .strict();

/** The base rate is the optimizer's learningRate; the cosine schedule ends with the run's last step. */
export const zScheduleConfig = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('factor'), step: z.number().int().min(1), factor: z.number().gt(0).max(1), stopFactorLr: z.number().min(0).optional() }).strict(),
  z
    .object({
      kind: z.literal('cosine'),
      warmupSteps: z.number().int().min(0).optional(),
      finalLr: z.number().min(0).optional(),
      warmupBeginLr: z.number().min(0).optional(),
    })
    .strict(),
]);

export const zTrainingConfig = z
  .object({
    data: zDataSource,
    /** Default: classification when every label is a non-negative integer, else regression. */
    task: z.enum(['classification', 'regression']).optional(),
    /** Fraction held out for validation (default 0.2), or exact sizes. */
    validationFraction: z.number().min(0).lt(1).optional(),
    trainSize: z.number().int().min(1).optional(),
    validationSize: z.number().int().min(0).optional(),
    /** Default: softmax-cross-entropy for classification, l2 for regression. */
    loss: z.enum(['l2', 'l1', 'softmax-cross-entropy', 'sigmoid-binary-cross-entropy']).optional(),
    optimizer: zOptimizerConfig.optional(),
    schedule: zScheduleConfig.optional(),
    clipGlobalNorm: z.number().positive().optional(),
    epochs: z.number().int().min(1).max(100_000),
    batchSize: z
      .number()
      .int()
      .min(1)
      .max(1 << 20)
      .default(64),
    /** Seeds the model's parameters, the split, the shuffles and per-step randomness (default: the document's seed). */
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
    device: zDeviceName.optional(),
    checkpoint: z
      .object({ dir: zPath, everySteps: z.number().int().min(1).optional() })
      .strict()
      .optional(),
    /** A checkpoint file to continue from (same document, same config). */
    resumeFrom: zPath.optional(),
    /** Histogram bins of the per-parameter summaries (0: no parameter summaries). */
    histogramBins: z.number().int().min(0).max(200).default(20),
  })
  .strict();
export type TrainingConfig = z.output<typeof zTrainingConfig>;
export type TrainingConfigInput = z.input<typeof zTrainingConfig>;

const zNum = z.number().nullable();

export const zEpochRecord = z.object({
  epoch: z.number().int(),
  trainLoss: zNum,
  trainAccuracy: zNum,
  validationLoss: zNum,
  validationAccuracy: zNum,
  seconds: z.number(),
});
export type EpochRecord = z.infer<typeof zEpochRecord>;

export const zParameterSummary = z.object({
  name: z.string(),
  shape: z.array(z.number().int()),
  mean: zNum,
  std: zNum,
  norm: zNum,
  gradNorm: zNum,
  histogram: z.object({ edges: z.array(z.number()), counts: z.array(z.number().int()) }),
  /** The name of the block that owns the parameter (its first use): the canvas node of a layer (batchnorm0 for batchnorm0_running_mean). */
  block: z.string().optional(),
});
export type ParameterSummary = z.infer<typeof zParameterSummary>;

export const zTrainingState = z.enum(['running', 'paused', 'stopping', 'finished', 'stopped', 'failed']);
export type TrainingState = z.infer<typeof zTrainingState>;

export const zTrainingStatus = z.object({
  runId: z.string(),
  docId: z.string(),
  state: zTrainingState,
  /** Updates done (global step) of totalSteps. */
  step: z.number().int(),
  totalSteps: z.number().int(),
  /** The epoch in progress (0-based) of epochs. */
  epoch: z.number().int(),
  epochs: z.number().int(),
  batch: z.number().int(),
  batchesPerEpoch: z.number().int(),
  /** Running mean of this epoch's training loss and accuracy. */
  loss: zNum,
  accuracy: zNum,
  learningRate: z.number(),
  gradNorm: zNum,
  samplesPerSecond: zNum,
  etaSeconds: zNum,
  history: z.array(zEpochRecord),
  /** The last checkpoint written, if any. */
  checkpoint: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type TrainingStatus = z.infer<typeof zTrainingStatus>;

/** Streamed at most ~10 times a second: status without the full history, plus what changed. */
export const zTrainingProgress = zTrainingStatus.omit({ history: true }).extend({
  /** Epochs finished since the previous event (none are dropped by the rate limit). */
  epochsDone: z.array(zEpochRecord),
  parameters: z.array(zParameterSummary),
});
export type TrainingProgress = z.infer<typeof zTrainingProgress>;
