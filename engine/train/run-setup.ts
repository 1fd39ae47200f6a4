// A training configuration (engine/protocol/training-config.ts) + a network → a ready TrainingRun:
// data loaded and split, loss and optimizer chosen by name (defaults follow the task), deferred
// parameters initialized by one forward pass, and the position restored when resuming.

import type { Device } from '../ndarray/device.ts';
import { autograd } from '../autograd/index.ts';
import type { Block } from '../nn/block.ts';
import type { TrainingConfig, TrainingProgress } from '../protocol/training-config.ts';
import { createLoss } from './losses.ts';
import { createOptimizer } from './optimizers/index.ts';
import { CosineScheduler, FactorScheduler, type LrScheduler } from './lr-schedules.ts';
import { Trainer } from './trainer.ts';
import { TrainingRun } from './run.ts';
import { batchCount, epochOrder, makeBatch, shapedFor } from './data/dataset.ts';
import { loadSplitData } from './data/sources.ts';
import { modelDataErrors } from './train-errors.ts';
import { checkTextEmbeddings, checkTextOutput } from './text-model.ts';
import type { GraphDocument } from '../protocol/graph-document.ts';

export interface PrepareOptions {
  device: Device;
  seed: number;
  runId?: string;
  docId?: string;
  onProgress?: (p: TrainingProgress) => void;
  eventIntervalMs?: number;
  /** The document's input shape: samples of the same size are laid out in it ((N, 784) → (N, 1, 28, 28)). */
  inputShape?: readonly number[];
  /** The document the net was built from: a text source's vocabulary is checked against its Embedding nodes. */
  document?: GraphDocument;
}

const DEFAULT_LR = { sgd: 0.1, adam: 0.001, adamw: 0.001 } as const;

export async function prepareRun(net: Block, config: TrainingConfig, options: PrepareOptions): Promise<TrainingRun> {
  const { device, seed } = options;
  // A text source without a window takes the document's sequence length (its input shape (N, T)).
  const length = options.inputShape?.[1] ?? -1;
  const data = config.data.kind === 'text' && config.data.window === undefined && length > 0 ? { ...config.data, window: length } : config.data;
  const split = await loadSplitData(data, {
    seed,
    ...(config.task ? { task: config.task } : {}),
    ...(config.validationFraction !== undefined ? { validationFraction: config.validationFraction } : {}),
    ...(config.trainSize !== undefined ? { trainSize: config.trainSize } : {}),
    ...(config.validationSize !== undefined ? { validationSize: config.validationSize } : {}),
  });
  const sample = options.inputShape?.slice(1) ?? [];
  const train = shapedFor(split.train, sample);
  const validation = split.validation && shapedFor(split.validation, sample);
  const loss = createLoss(config.loss ?? (train.task === 'classification' ? 'softmax-cross-entropy' : 'l2'));

  if (train.vocab) checkTextEmbeddings(options.document, train.vocab.length, train.name);
  // Shapes deferred to the first batch are settled by one forward pass (nothing recorded).
  const probe = makeBatch(train, epochOrder(train, seed, 0, false), 0, Math.min(2, train.length), device);
  const out = autograd.pause(() => net.call(probe.x));
  if (train.vocab) {
    checkTextOutput(options.document, train.vocab.length, train.featureShape[0]!, out.shape, train.name);
  } else if (train.task === 'classification' && loss.name === 'softmax-cross-entropy' && (out.ndim !== 2 || out.shape[1]! < train.numClasses!)) {
    throw modelDataErrors.classes(train.name, out.shape, train.numClasses);
  }
  for (const a of [probe.x, probe.y, out]) a.dispose();

  const opt = config.optimizer ?? { name: 'sgd' as const };
  const lr = opt.learningRate ?? DEFAULT_LR[opt.name];
  const totalSteps = config.epochs * batchCount(train, config.batchSize);
  let lrScheduler: LrScheduler | null = null;
  if (config.schedule?.kind === 'factor') {
    lrScheduler = new FactorScheduler({
      step: config.schedule.step,
      factor: config.schedule.factor,
      baseLr: lr,
      ...(config.schedule.stopFactorLr !== undefined ? { stopFactorLr: config.schedule.stopFactorLr } : {}),
    });
  } else if (config.schedule?.kind === 'cosine') {
    lrScheduler = new CosineScheduler({
      maxUpdate: totalSteps,
      baseLr: lr,
      finalLr: config.schedule.finalLr ?? 0,
      warmupSteps: Math.min(config.schedule.warmupSteps ?? 0, totalSteps - 1),
      warmupBeginLr: config.schedule.warmupBeginLr ?? 0,
    });
  }
  const { name, learningRate: _lr, ...hyper } = opt;
  const optimizer = createOptimizer(name, { ...hyper, learningRate: lr, lrScheduler });
  const trainer = new Trainer(net.collectParams(), optimizer, { clipGlobalNorm: config.clipGlobalNorm ?? null });

  const run = new TrainingRun({
    net,
    loss,
    trainer,
    train,
    validation,
    epochs: config.epochs,
    batchSize: config.batchSize,
    seed,
    device,
    checkpoint: config.checkpoint ?? null,
    histogramBins: config.histogramBins,
    ...(options.runId ? { runId: options.runId } : {}),
    ...(options.docId ? { docId: options.docId } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.eventIntervalMs !== undefined ? { eventIntervalMs: options.eventIntervalMs } : {}),
  });
  if (config.resumeFrom) await run.restore(config.resumeFrom);
  return run;
}
