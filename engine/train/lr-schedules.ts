// Learning-rate schedules (mxnet.lr_scheduler). Each is a pure function of the update count, so a
// run resumed from a checkpoint gets the very learning rate it would have had: no hidden state.
//
// @example
//   new FactorScheduler({ step: 100, factor: 0.5, baseLr: 0.1 }).lr(250)   // 0.025
//   new CosineScheduler({ maxUpdate: 1000, baseLr: 0.1, warmupSteps: 50 }).lr(10)
import { scheduleRules, trainingErrors } from './train-errors.ts';

export interface LrScheduler {
  /** The learning rate for update number `numUpdate` (1 for the first update). */
  lr(numUpdate: number): number;
  readonly baseLr: number;
  /** The JSON that recreates it (kept in checkpoints). */
  toJSON(): ScheduleSpec;
}

export type ScheduleSpec =
  | { kind: 'factor'; step: number; factor: number; baseLr: number; stopFactorLr?: number }
  | { kind: 'multifactor'; steps: number[]; factor: number; baseLr: number }
  | { kind: 'cosine'; maxUpdate: number; baseLr: number; finalLr?: number; warmupSteps?: number; warmupBeginLr?: number };

function check(ok: boolean, schedule: string, rule: string): void {
  if (!ok) throw trainingErrors.schedule(schedule, rule);
}

/** Multiplies the rate by `factor` every `step` updates (MXNet FactorScheduler; "step decay"). */
export class FactorScheduler implements LrScheduler {
  readonly baseLr: number;
  constructor(readonly spec: { step: number; factor: number; baseLr: number; stopFactorLr?: number }) {
    check(Number.isInteger(spec.step) && spec.step >= 1, 'FactorScheduler', scheduleRules.step(spec.step));
    check(spec.factor > 0 && spec.factor <= 1, 'FactorScheduler', scheduleRules.factor(spec.factor));
    this.baseLr = spec.baseLr;
  }
  lr(numUpdate: number): number {
    // MXNet decays once numUpdate exceeds each multiple of step.
    const decays = Math.max(0, Math.floor((numUpdate - 1) / this.spec.step));
    return Math.max(this.spec.stopFactorLr ?? 1e-8, this.baseLr * this.spec.factor ** decays);
  }
  toJSON(): ScheduleSpec {
    return { kind: 'factor', ...this.spec };
  }
}

/** Multiplies the rate by `factor` once past each update count in `steps` (MXNet MultiFactorScheduler). */
export class MultiFactorScheduler implements LrScheduler {
  readonly baseLr: number;
  constructor(readonly spec: { steps: number[]; factor: number; baseLr: number }) {
    check(
      spec.steps.every((s, i) => Number.isInteger(s) && s >= 1 && (i === 0 || s > spec.steps[i - 1]!)),
      'MultiFactorScheduler',
      scheduleRules.steps(),
    );
    this.baseLr = spec.baseLr;
  }
  lr(numUpdate: number): number {
    return this.baseLr * this.spec.factor ** this.spec.steps.filter((s) => numUpdate > s).length;
  }
  toJSON(): ScheduleSpec {
    return { kind: 'multifactor', ...this.spec };
  }
}

/**
 * Linear warmup from warmupBeginLr to baseLr over warmupSteps, then a half cosine from baseLr down
 * to finalLr at maxUpdate (MXNet CosineScheduler).
 */
export class CosineScheduler implements LrScheduler {
  readonly baseLr: number;
  constructor(readonly spec: { maxUpdate: number; baseLr: number; finalLr?: number; warmupSteps?: number; warmupBeginLr?: number }) {
    const warm = spec.warmupSteps ?? 0;
    check(Number.isInteger(spec.maxUpdate) && spec.maxUpdate >= 1, 'CosineScheduler', scheduleRules.maxUpdate(spec.maxUpdate));
    check(Number.isInteger(warm) && warm >= 0 && warm < spec.maxUpdate, 'CosineScheduler', scheduleRules.warmupSteps(warm));
    this.baseLr = spec.baseLr;
  }
  lr(numUpdate: number): number {
    const { maxUpdate, baseLr } = this.spec;
    const finalLr = this.spec.finalLr ?? 0;
    const warm = this.spec.warmupSteps ?? 0;
    if (numUpdate < warm) {
      const begin = this.spec.warmupBeginLr ?? 0;
      return begin + ((baseLr - begin) * numUpdate) / warm;
    }
    if (numUpdate > maxUpdate) return finalLr;
    return finalLr + ((baseLr - finalLr) * (1 + Math.cos((Math.PI * (numUpdate - warm)) / (maxUpdate - warm)))) / 2;
  }
  toJSON(): ScheduleSpec {
    return { kind: 'cosine', ...this.spec };
  }
}

export function createScheduler(spec: ScheduleSpec): LrScheduler {
  switch (spec.kind) {
    case 'factor':
      return new FactorScheduler(spec);
    case 'multifactor':
      return new MultiFactorScheduler(spec);
    case 'cosine':
      return new CosineScheduler(spec);
  }
}
