// The training layer's public API (Gluon's loss / optimizer / lr_scheduler / Trainer / metric,
// plus data sources and training runs):
//   import { Trainer, SGD, SoftmaxCrossEntropyLoss, Accuracy, loadMnist, batches } from './engine/train/index.ts';

export { Loss, L2Loss, L1Loss, SoftmaxCrossEntropyLoss, SigmoidBinaryCrossEntropyLoss, createLoss } from './losses.ts';
export type { LossName, SoftmaxCrossEntropyOptions, SigmoidBinaryCrossEntropyOptions } from './losses.ts';
export { Optimizer, SGD, Adam, AdamW, createOptimizer } from './optimizers/index.ts';
export type { OptimizerName, OptimizerOptions, SGDOptions, AdamOptions, ParamState as OptimizerState } from './optimizers/index.ts';
export { FactorScheduler, MultiFactorScheduler, CosineScheduler, createScheduler } from './lr-schedules.ts';
export type { LrScheduler, ScheduleSpec } from './lr-schedules.ts';
export { Trainer, clipGlobalNorm, globalNorm, uniqueByIdentity } from './trainer.ts';
export type { TrainerOptions, TrainedParam } from './trainer.ts';
export { Accuracy, LossMetric } from './metrics.ts';
export type { Metric } from './metrics.ts';
export { makeDataset, subset, trainValidationSplit, batches, batchCount, epochOrder, makeBatch } from './data/dataset.ts';
export type { Dataset, Batch, Task, SplitOptions } from './data/dataset.ts';
export { syntheticLinear, twoSpirals } from './data/synthetic.ts';
export { parseCsv } from './data/csv.ts';
export { readArrayFileData } from './data/array-file-data.ts';
export { loadMnist } from './data/mnist.ts';
export { loadDataSource, loadSplitData } from './data/sources.ts';
export { DataError } from './data/data-error.ts';
export { Rng, permutation, mixSeed } from './data/rng.ts';
export { TrainingRun } from './run.ts';
export { evaluate } from './evaluate.ts';
export type { RunOptions } from './run.ts';
export { prepareRun } from './run-setup.ts';
export { readCheckpoint, writeCheckpoint } from './checkpoint.ts';
export type { CheckpointMeta } from './checkpoint.ts';
export { summarizeParameter } from './param-summary.ts';
