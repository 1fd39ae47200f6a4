// A training run inside the engine process. It never holds the event loop for more than one step:
// after every update it yields (setImmediate), so pause / resume / stop requests and other service
// calls get through. It streams progress at a bounded rate (one event per eventIntervalMs, default
// 100 ms: ≤ 10/s) carrying scalars and per-parameter summaries, never whole tensors. Checkpoints
// are written every N steps and on stop; a run restored from one continues bit-exactly, because
// the data order and each step's randomness are pure functions of (seed, epoch, step).
//
// @example
//   const run = new TrainingRun({ net, loss, trainer, train, validation, epochs: 3, batchSize: 64, seed: 0, device: cpu(),
//     onProgress: (p) => console.log(p.step, p.loss) });
//   const status = await run.start();

import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { NDArray } from '../ndarray/ndarray.ts';
import { np } from '../ndarray/np.ts';
import type { Device } from '../ndarray/device.ts';
import { autograd } from '../autograd/index.ts';
import type { Block } from '../nn/block.ts';
import type { Parameter } from '../nn/parameter.ts';
import type { EpochRecord, TrainingProgress, TrainingState, TrainingStatus } from '../protocol/training-config.ts';
import type { Loss } from './losses.ts';
import type { Trainer } from './trainer.ts';
import { Accuracy, LossMetric } from './metrics.ts';
import { evaluate, updateAccuracy } from './evaluate.ts';
import { batchCount, epochOrder, makeBatch, type Dataset } from './data/dataset.ts';
import { mixSeed } from './data/rng.ts';
import { checkpointFileName, readCheckpoint, writeCheckpoint, CHECKPOINT_FORMAT, type CheckpointMeta } from './checkpoint.ts';
import { parameterOwners, summarizeParameter } from './param-summary.ts';
import { checkpointErrors } from './train-errors.ts';

export interface RunOptions {
  net: Block;
  loss: Loss;
  trainer: Trainer;
  train: Dataset;
  validation?: Dataset | null;
  epochs: number;
  batchSize: number;
  seed: number;
  device: Device;
  checkpoint?: { dir: string; everySteps?: number | undefined } | null | undefined;
  /** Bins of the per-parameter histograms; 0 sends no parameter summaries (default 20). */
  histogramBins?: number;
  /** Minimum time between progress events (default 100 ms). */
  eventIntervalMs?: number;
  runId?: string;
  docId?: string;
  onProgress?: (progress: TrainingProgress) => void;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

export class TrainingRun {
  readonly options: RunOptions;
  private owners: Map<Parameter, string> | undefined;
  state: TrainingState = 'running';
  step = 0;
  epoch = 0;
  batch = 0;
  readonly history: EpochRecord[] = [];
  checkpointPath: string | null = null;
  error: { code: string; message: string } | null = null;
  private readonly lossMetric = new LossMetric();
  private readonly accuracy = new Accuracy(-1); // the last axis: (N, C) or (N, T, C) logits
  private readonly batchesPerEpoch: number;
  private pendingEpochs: EpochRecord[] = [];
  private lastEmit = -Infinity;
  private stopRequested = false;
  private resumeWaiter: (() => void) | null = null;
  private done: Promise<TrainingStatus> | null = null;
  // Throughput counts only time spent training (not paused), since the run (re)started.
  private activeMs = 0;
  private stepsThisSession = 0;
  private samplesThisSession = 0;
  private epochStartedAt = performance.now();

  constructor(options: RunOptions) {
    this.options = options;
    this.batchesPerEpoch = batchCount(options.train, options.batchSize);
  }

  get totalSteps(): number {
    return this.options.epochs * this.batchesPerEpoch;
  }

  /** Runs to the end (or until stopped); resolves with the final status. Idempotent. */
  start(): Promise<TrainingStatus> {
    this.done ??= this.loop();
    return this.done;
  }

  pause(): TrainingStatus {
    if (this.state === 'running') {
      this.state = 'paused';
      this.emit(true);
    }
    return this.status();
  }

  resume(): TrainingStatus {
    if (this.state === 'paused') {
      this.state = 'running';
      this.resumeWaiter?.();
      this.resumeWaiter = null;
    }
    return this.status();
  }

  /** Stops after the current step, writes a checkpoint (when configured), resolves when stopped. */
  async stop(): Promise<TrainingStatus> {
    if (this.state === 'running' || this.state === 'paused') {
      this.stopRequested = true;
      this.state = 'stopping';
      this.resumeWaiter?.();
      this.resumeWaiter = null;
    }
    return this.done ? this.done : this.status();
  }

  status(): TrainingStatus {
    const rate = this.activeMs > 0 ? (this.samplesThisSession * 1000) / this.activeMs : Number.NaN;
    const msPerStep = this.stepsThisSession > 0 ? this.activeMs / this.stepsThisSession : Number.NaN;
    return {
      runId: this.options.runId ?? 'run',
      docId: this.options.docId ?? '',
      state: this.state,
      step: this.step,
      totalSteps: this.totalSteps,
      epoch: this.epoch,
      epochs: this.options.epochs,
      batch: this.batch,
      batchesPerEpoch: this.batchesPerEpoch,
      loss: finite(this.lossMetric.get()[1]),
      accuracy: this.options.train.task === 'classification' ? finite(this.accuracy.get()[1]) : null,
      learningRate: this.options.trainer.learningRate,
      gradNorm: this.currentGradNorm(),
      samplesPerSecond: finite(rate),
      etaSeconds: finite(((this.totalSteps - this.step) * msPerStep) / 1000),
      history: [...this.history],
      checkpoint: this.checkpointPath,
      error: this.error,
    };
  }

  private currentGradNorm(): number | null {
    if (this.step === 0) return null;
    try {
      return finite(this.options.trainer.gradNorm());
    } catch {
      return null; // e.g. a failed run whose gradients were never allocated
    }
  }

  /** Puts the net, the optimizer and the position back as a checkpoint recorded them (before start). */
  async restore(path: string): Promise<void> {
    const { meta, params, optimizer } = await readCheckpoint(path, this.options.device);
    if (meta.batchSize !== this.options.batchSize || meta.seed !== this.options.seed) {
      throw checkpointErrors.settings(path, meta, this.options);
    }
    const { trainer } = this.options;
    for (const { name, param } of trainer.params) {
      const saved = params[name];
      if (!saved) throw checkpointErrors.noParameter(path, name, Object.keys(params));
      if (saved.shape.join() !== (param.shape ?? []).join()) {
        throw checkpointErrors.parameterShape(path, name, param.shape, saved.shape);
      }
      param.setData(saved);
    }
    trainer.loadStateArrays(optimizer, meta.numUpdate);
    this.step = meta.step;
    this.epoch = meta.epoch;
    this.batch = meta.batch;
    this.history.push(...meta.history);
    // The first event of the resumed run carries the restored epochs, so a client that follows
    // events only (the editor's per-epoch chart) sees the whole history, not just the new epochs.
    this.pendingEpochs.push(...meta.history);
    this.lossMetric.sum = meta.running.lossSum;
    this.lossMetric.count = meta.running.lossCount;
    this.accuracy.correct = meta.running.correct;
    this.accuracy.count = meta.running.count;
    this.checkpointPath = path;
  }

  /** Writes a checkpoint now (between steps) and returns its path. */
  async saveCheckpoint(): Promise<string> {
    const dir = this.options.checkpoint?.dir;
    if (!dir) throw checkpointErrors.noDirectory();
    await mkdir(dir, { recursive: true });
    const path = join(dir, checkpointFileName(this.step));
    const { trainer } = this.options;
    const meta: CheckpointMeta = {
      format: CHECKPOINT_FORMAT,
      version: 1,
      step: this.step,
      epoch: this.epoch,
      batch: this.batch,
      numUpdate: trainer.optimizer.numUpdate,
      seed: this.options.seed,
      batchSize: this.options.batchSize,
      optimizer: { kind: trainer.optimizer.kind, hyperParameters: trainer.optimizer.hyperParameters() },
      running: { lossSum: this.lossMetric.sum, lossCount: this.lossMetric.count, correct: this.accuracy.correct, count: this.accuracy.count },
      history: this.history,
    };
    const params: Record<string, NDArray> = {};
    for (const { name, param } of trainer.params) params[name] = param.data();
    await writeCheckpoint(path, { meta, params, optimizer: trainer.stateArrays() });
    this.checkpointPath = path;
    return path;
  }

  private async loop(): Promise<TrainingStatus> {
    await tick(); // the caller gets its answer (runId) before the first event
    const { epochs, checkpoint } = this.options;
    try {
      while (this.epoch < epochs && !this.stopRequested) {
        const order = epochOrder(this.options.train, this.options.seed, this.epoch);
        while (this.batch < this.batchesPerEpoch && !this.stopRequested) {
          if (this.state === 'paused') {
            await new Promise<void>((resolve) => {
              this.resumeWaiter = resolve;
            });
            continue;
          }
          const began = performance.now();
          this.trainStep(order);
          this.activeMs += performance.now() - began;
          if (checkpoint?.everySteps && this.step % checkpoint.everySteps === 0) await this.saveCheckpoint();
          this.emit(false);
          await tick();
        }
        if (this.batch === this.batchesPerEpoch) this.finishEpoch();
      }
      this.state = this.stopRequested ? 'stopped' : 'finished';
      if (this.stopRequested && checkpoint?.dir) await this.saveCheckpoint();
    } catch (e) {
      this.state = 'failed';
      const err = e as { code?: unknown; message?: unknown };
      this.error = { code: typeof err.code === 'string' ? err.code : 'E_INTERNAL', message: String(err.message ?? e) };
    }
    this.emit(true);
    return this.status();
  }

  private trainStep(order: Uint32Array): void {
    const { net, loss, trainer, train, batchSize, device, seed } = this.options;
    // Each step's random draws (dropout masks) depend only on (seed, step): exact on resume.
    np.random.seed(mixSeed(seed, this.step + 1));
    const { x, y, size } = makeBatch(train, order, this.batch, batchSize, device);
    const [out, l] = autograd.record(() => {
      const o = net.call(x);
      return [o, loss.call(o, y)] as const;
    });
    l.backward();
    trainer.step(size);
    for (const { param } of trainer.params) if (param.gradReq === 'add') param.zeroGrad();
    autograd.pause(() => {
      this.lossMetric.update(l);
      if (train.task === 'classification') updateAccuracy(this.accuracy, loss, y, out);
    });
    for (const a of [x, y, out, l]) a.dispose();
    this.step++;
    this.batch++;
    this.stepsThisSession++;
    this.samplesThisSession += size;
  }

  private finishEpoch(): void {
    const { net, loss, device } = this.options;
    const validation = this.options.validation ? evaluate(net, loss, this.options.validation, device) : null;
    const record: EpochRecord = {
      epoch: this.epoch,
      trainLoss: finite(this.lossMetric.get()[1]),
      trainAccuracy: this.options.train.task === 'classification' ? finite(this.accuracy.get()[1]) : null,
      validationLoss: validation ? finite(validation.loss) : null,
      validationAccuracy: validation?.accuracy ?? null,
      seconds: (performance.now() - this.epochStartedAt) / 1000,
    };
    this.history.push(record);
    this.pendingEpochs.push(record);
    this.epoch++;
    this.batch = 0;
    this.lossMetric.reset();
    this.accuracy.reset();
    this.epochStartedAt = performance.now();
  }

  /** A progress event, unless one went out less than eventIntervalMs ago (forced ones always go). */
  private emit(force: boolean): void {
    const now = performance.now();
    if (!this.options.onProgress || (!force && now - this.lastEmit < (this.options.eventIntervalMs ?? 100))) return;
    this.lastEmit = now;
    const bins = this.options.histogramBins ?? 20;
    // The tree does not change during a run: who owns which parameter is worked out once.
    const owners = bins === 0 ? null : (this.owners ??= parameterOwners(this.options.net));
    const parameters =
      owners === null
        ? []
        : this.options.trainer.params
            .filter(({ param }) => param.state === 'initialized')
            .map(({ name, param }) => summarizeParameter(name, param, bins, owners.get(param)));
    const { history: _history, ...status } = this.status();
    const epochsDone = this.pendingEpochs;
    this.pendingEpochs = [];
    this.options.onProgress({ ...status, epochsDone, parameters });
  }
}
