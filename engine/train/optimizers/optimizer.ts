// The optimizer base (mxnet.optimizer.Optimizer): learning rate (fixed or scheduled), weight decay,
// gradient rescaling and element-wise clipping, per-parameter lrMult / wdMult, and per-parameter
// state arrays kept by name so a checkpoint can save and restore them exactly.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { np } from '../../ndarray/np.ts';
import { native } from '../../backend/backend.ts';
import { OPTIMIZER_KIND } from '../../backend/native-addon.ts';
import { DTYPE_INFO, isFloat } from '../../ndarray/dtype.ts';
import { errors } from '../../core/errors.ts';
import type { LrScheduler } from '../lr-schedules.ts';

export interface OptimizerOptions {
  learningRate?: number;
  /** L2 weight decay (AdamW: decoupled decay). */
  wd?: number;
  /** Clip each rescaled gradient element to [-c, c] (MXNet clip_gradient); null: no clipping. */
  clipGradient?: number | null;
  lrScheduler?: LrScheduler | null;
}

/** Named state arrays of one parameter (SGD: mom; Adam: mean, var). */
export type ParamState = Record<string, NDArray>;

export abstract class Optimizer {
  abstract readonly kind: 'sgd' | 'adam' | 'adamw';
  learningRate: number;
  wd: number;
  clipGradient: number | null;
  lrScheduler: LrScheduler | null;
  /** Multiplies every gradient before use; Trainer sets it to 1 / batchSize (times a clip scale). */
  rescaleGrad = 1;
  /** Updates done so far (Gluon's num_update); the scheduler and Adam's bias correction read it. */
  numUpdate = 0;

  constructor(options: OptimizerOptions, defaultLr: number) {
    this.learningRate = options.learningRate ?? options.lrScheduler?.baseLr ?? defaultLr;
    this.wd = options.wd ?? 0;
    this.clipGradient = options.clipGradient ?? null;
    this.lrScheduler = options.lrScheduler ?? null;
  }

  /** The learning rate of the current update. */
  get currentLr(): number {
    return this.lrScheduler ? this.lrScheduler.lr(Math.max(1, this.numUpdate)) : this.learningRate;
  }

  /** Zero state for a weight (the names are the checkpoint keys). */
  abstract createState(weight: NDArray): ParamState;

  /** Updates `weight` in place from `grad`; `lr`/`wd` already include the parameter's multipliers. */
  abstract step(weight: NDArray, grad: NDArray, state: ParamState, lr: number, wd: number): void;

  /** Hyper-parameters as JSON (saved in checkpoints, shown in status). */
  abstract hyperParameters(): Record<string, number | string | null>;

  /** rescaleGrad · grad, then clipped element-wise when clipGradient is set (temporaries go to `tmp`). */
  protected prepareGrad(grad: NDArray, tmp: Temporaries): NDArray {
    const g = this.rescaleGrad === 1 ? grad : tmp.t(grad.mul(this.rescaleGrad));
    if (this.clipGradient === null) return g;
    return tmp.t(np.minimum(tmp.t(np.maximum(g, -this.clipGradient)), this.clipGradient));
  }
}

/**
 * Collects an update's temporaries and frees them together. Left to the garbage collector, a few
 * megabytes of native memory per parameter per step make V8 collect constantly (the addon reports
 * its memory to V8): on a 784-1024-1024-10 MLP that made the SGD update 7× slower.
 */
export class Temporaries {
  private readonly list: NDArray[] = [];
  /** Tracks `x` (when it is not one of `keep`) and returns it. */
  t(x: NDArray, ...keep: NDArray[]): NDArray {
    if (!keep.includes(x)) this.list.push(x);
    return x;
  }
  dispose(): void {
    for (const x of this.list) x.dispose();
    this.list.length = 0;
  }
}

/**
 * target[:] = value, then free value (the update's temporaries are dropped at once, not at the
 * next GC). copyto is a plain byte copy, about 30× faster here than the general `set(null, v)`.
 */
export function assign(target: NDArray, value: NDArray): void {
  value.copyto(target);
  value.dispose();
}

/** The scalars of one fused update (native optimizerUpdate's `hyper`, by name). */
export interface FusedHyper {
  lr: number;
  wd: number;
  rescale: number;
  clip: number | null;
  momentum?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  c1?: number;
  c2?: number;
  /** SGD: multiply the gradient by rescale (false: the caller folded it into lr). */
  rescaleFirst?: boolean;
}

/**
 * Runs the whole update of one parameter as one native pass (native/src/ops/optimizer.h: the same
 * formulas, term for term, as the op-by-op code) when weight, gradient and state share a float
 * dtype and a device; returns false (nothing done) otherwise, and the caller runs its op-by-op rule.
 */
export function fusedUpdate(kind: keyof typeof OPTIMIZER_KIND, weight: NDArray, grad: NDArray, s0: NDArray | null, s1: NDArray | null, h: FusedHyper): boolean {
  const dtype = weight.dtype;
  if (!isFloat(dtype) || grad.dtype !== dtype || grad.size !== weight.size || grad.device !== weight.device) return false;
  for (const s of [s0, s1]) if (s && (s.dtype !== dtype || s.size !== weight.size || s.device !== weight.device)) return false;
  const hyper = [
    h.lr,
    h.wd,
    h.rescale,
    h.clip ?? -1,
    h.momentum ?? 0,
    h.beta1 ?? 0,
    h.beta2 ?? 0,
    h.epsilon ?? 0,
    h.c1 ?? 1,
    h.c2 ?? 1,
    h.rescaleFirst ? 1 : 0,
  ];
  if (!hyper.every(Number.isFinite)) return false;
  try {
    native().optimizerUpdate(
      OPTIMIZER_KIND[kind],
      DTYPE_INFO[dtype].code,
      weight.buffer,
      grad.buffer,
      s0?.buffer ?? null,
      s1?.buffer ?? null,
      weight.size,
      hyper,
    );
  } catch (e) {
    throw errors.fromNative(`${kind} update`, e, `weight ${JSON.stringify(weight.shape)} ${dtype}`);
  }
  return true;
}
