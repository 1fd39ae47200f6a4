// Trainer (gluon.Trainer): applies an optimizer to a set of parameters. step(batchSize) rescales
// gradients by 1/batchSize (the loss is summed over the batch by backward), optionally clips them
// by their global norm, and updates each parameter once.
//
// Tied parameters are one Parameter object reachable under several names or paths: the Trainer
// keeps each object once, so it is updated once, from the single gradient autograd summed over
// all of its uses. Parameters with gradReq 'null' (constants, frozen layers) are never updated.
//
// @example
//   const trainer = new Trainer(net.collectParams(), new SGD({ learningRate: 0.1, momentum: 0.9 }), { clipGlobalNorm: 5 });
//   const l = autograd.record(() => loss.call(net.call(x), y));
//   l.backward();
//   trainer.step(x.shape[0]);

import type { NDArray } from '../ndarray/ndarray.ts';
import type { Parameter } from '../nn/parameter.ts';
import { checkpointErrors, trainingErrors } from './train-errors.ts';
import { type Optimizer, type ParamState } from './optimizers/index.ts';

export interface TrainerOptions {
  /** Scale all gradients down together when their global L2 norm (after 1/batchSize) exceeds this. */
  clipGlobalNorm?: number | null;
}

export type ParamSource = Iterable<Parameter> | Iterable<[string, Parameter]>;

export interface TrainedParam {
  /** The first name the parameter was given under (Gluon's full name, e.g. dense0_weight). */
  readonly name: string;
  readonly param: Parameter;
}

/** Each Parameter object once, in the order first seen (a tied parameter keeps its first name). */
export function uniqueByIdentity(source: ParamSource): TrainedParam[] {
  const seen = new Set<Parameter>();
  const out: TrainedParam[] = [];
  for (const item of source as Iterable<Parameter | [string, Parameter]>) {
    const [name, param] = Array.isArray(item) ? item : [item.name, item];
    if (seen.has(param)) continue;
    seen.add(param);
    out.push({ name, param });
  }
  return out;
}

/**
 * Gluon's clip_global_norm: scales `arrays` in place so that their joint L2 norm is at most
 * maxNorm; returns the norm before scaling.
 */
export function clipGlobalNorm(arrays: readonly NDArray[], maxNorm: number): number {
  const norm = globalNorm(arrays);
  if (Number.isFinite(norm) && norm > maxNorm) {
    const scale = maxNorm / (norm + 1e-8);
    for (const a of arrays) a.imul(scale);
  }
  return norm;
}

/** √(Σ‖a‖²) over several arrays, read back once per array (a scalar each, never the tensor). */
export function globalNorm(arrays: readonly NDArray[], scale = 1): number {
  let total = 0;
  for (const a of arrays) {
    const s = a.square().sum();
    total += Number(s.item());
    s.dispose();
  }
  return Math.sqrt(total) * scale;
}

export class Trainer {
  readonly optimizer: Optimizer;
  readonly params: readonly TrainedParam[];
  readonly options: TrainerOptions;
  /** The global gradient norm (after 1/batchSize, before clipping) of the last step when clipping is on; else NaN. */
  lastGradNorm = Number.NaN;
  private lastBatchSize = 1;
  private readonly states = new Map<Parameter, ParamState>();

  constructor(params: ParamSource, optimizer: Optimizer, options: TrainerOptions = {}) {
    this.params = uniqueByIdentity(params);
    this.optimizer = optimizer;
    this.options = options;
    if (options.clipGlobalNorm !== undefined && options.clipGlobalNorm !== null && !(options.clipGlobalNorm > 0)) {
      throw trainingErrors.clipGlobalNorm(options.clipGlobalNorm);
    }
  }

  /** The parameters an update touches: gradReq not 'null' (constants and frozen ones are skipped). */
  get trainable(): TrainedParam[] {
    return this.params.filter((p) => p.param.gradReq !== 'null');
  }

  get learningRate(): number {
    return this.optimizer.currentLr;
  }

  setLearningRate(lr: number): void {
    this.optimizer.learningRate = lr;
  }

  /** The global norm of the current gradients, scaled by the last step's 1/batchSize. */
  gradNorm(): number {
    if (Number.isFinite(this.lastGradNorm)) return this.lastGradNorm;
    return globalNorm(
      this.trainable.map((p) => p.param.grad()),
      1 / this.lastBatchSize,
    );
  }

  /** The optimizer state of a parameter, created (zero) on first use. */
  stateOf(p: Parameter): ParamState {
    let s = this.states.get(p);
    if (!s) {
      s = this.optimizer.createState(p.data());
      this.states.set(p, s);
    }
    return s;
  }

  /** One update of every trainable parameter from its gradient, averaged over batchSize samples. */
  step(batchSize: number): void {
    if (!(batchSize > 0)) throw trainingErrors.batchSize(batchSize);
    const trainable = this.trainable;
    for (const { param } of trainable) {
      if (param.listDevices().length > 1) {
        throw trainingErrors.multiDevice(param.name);
      }
    }
    let rescale = 1 / batchSize;
    const max = this.options.clipGlobalNorm;
    // Measured only when clipping needs it (it costs a pass over every gradient); gradNorm()
    // measures it on demand, e.g. when a run reports progress.
    this.lastGradNorm = Number.NaN;
    if (max) {
      this.lastGradNorm = globalNorm(
        trainable.map((p) => p.param.grad()),
        rescale,
      );
      if (Number.isFinite(this.lastGradNorm) && this.lastGradNorm > max) rescale *= max / (this.lastGradNorm + 1e-8);
    }
    this.lastBatchSize = batchSize;
    this.optimizer.rescaleGrad = rescale;
    this.optimizer.numUpdate++;
    const lr = this.optimizer.currentLr;
    for (const { param } of trainable) {
      this.optimizer.step(param.data(), param.grad(), this.stateOf(param), lr * param.lrMult, this.optimizer.wd * param.wdMult);
    }
  }

  /** Optimizer state arrays by `name/slot` (checkpoints write these). */
  stateArrays(): Record<string, NDArray> {
    const out: Record<string, NDArray> = {};
    for (const { name, param } of this.trainable) {
      for (const [slot, a] of Object.entries(this.stateOf(param))) out[`${name}/${slot}`] = a;
    }
    return out;
  }

  /** Restores what stateArrays() gave (values copied into this trainer's state). */
  loadStateArrays(arrays: Record<string, NDArray>, numUpdate: number): void {
    for (const { name, param } of this.trainable) {
      for (const [slot, a] of Object.entries(this.stateOf(param))) {
        const saved = arrays[`${name}/${slot}`];
        if (!saved) throw checkpointErrors.noOptimizerState(`${name}/${slot}`);
        a.set(null, saved);
      }
    }
    this.optimizer.numUpdate = numUpdate;
  }
}
