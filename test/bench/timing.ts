// Timers. Per-call timing for calls long enough to time one by one (matmul, big elementwise),
// batch timing for sub-microsecond calls. Times are seconds; summaries are over the samples.

import { performance } from 'node:perf_hooks';

export interface Timing {
  /** Median seconds per call. */
  median: number;
  /** Fastest seconds per call. */
  best: number;
  /** Timed samples (calls, or batches for batch timing). */
  samples: number;
  /** Calls timed in all. */
  calls: number;
}

export interface PerCallOptions {
  minSeconds: number;
  minReps: number;
  warmup: number;
  /** Stop after this many timed calls even if minSeconds is not reached. */
  maxReps?: number;
}

const now = (): number => performance.now() / 1000;

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Times `call` one call at a time: `warmup` untimed calls, then timed calls until both minReps
 * and minSeconds are reached. `cleanup` gets each result outside the timed region (dispose).
 */
export function timePerCall<R>(call: () => R, options: PerCallOptions, cleanup?: (r: R) => void): Timing {
  for (let i = 0; i < options.warmup; i++) {
    const r = call();
    cleanup?.(r);
  }
  const samples: number[] = [];
  const maxReps = options.maxReps ?? 100_000;
  const start = now();
  while (samples.length < options.minReps || now() - start < options.minSeconds) {
    const t0 = now();
    const r = call();
    const t1 = now();
    samples.push(t1 - t0);
    cleanup?.(r);
    if (samples.length >= maxReps) break;
  }
  return summarize(samples);
}

export interface Variant<R = unknown> {
  name: string;
  call: () => R;
  /** Gets each result outside the timed region (dispose). Method syntax: variants of different R mix in one list. */
  cleanup?(r: R): void;
}

/**
 * Times several variants call by call, interleaved (one call of each per round, in rotating
 * order), so every variant sees the same background noise and their ratios stay fair on a busy
 * machine. Stops when every variant has minReps calls and the rounds took minSeconds per variant.
 */
export function timeInterleaved(vs: readonly Variant[], options: PerCallOptions): Record<string, Timing> {
  const samples = sampleInterleaved(vs, options);
  const out: Record<string, Timing> = {};
  for (const [name, s] of Object.entries(samples)) out[name] = summarize(s);
  return out;
}

/** timeInterleaved's raw samples (seconds per call, per variant), for pooling over rounds. */
export function sampleInterleaved(vs: readonly Variant[], options: PerCallOptions): Record<string, number[]> {
  for (const v of vs) {
    for (let i = 0; i < options.warmup; i++) {
      const r = v.call();
      v.cleanup?.(r);
    }
  }
  const samples: number[][] = vs.map(() => []);
  const maxReps = options.maxReps ?? 100_000;
  const start = now();
  for (let round = 0; ; round++) {
    for (let j = 0; j < vs.length; j++) {
      const k = (round + j) % vs.length;
      const v = vs[k]!;
      const t0 = now();
      const r = v.call();
      const t1 = now();
      samples[k]!.push(t1 - t0);
      v.cleanup?.(r);
    }
    const reps = round + 1;
    if (reps >= maxReps) break;
    if (reps >= options.minReps && now() - start >= options.minSeconds * vs.length) break;
  }
  const out: Record<string, number[]> = {};
  vs.forEach((v, k) => {
    out[v.name] = samples[k]!;
  });
  return out;
}

export function summarize(samples: readonly number[]): Timing {
  return { median: median(samples), best: samples.reduce((m, s) => Math.min(m, s), Infinity), samples: samples.length, calls: samples.length };
}

export interface BatchOptions {
  batches: number;
  itersPerBatch: number;
  /** Untimed iterations first (one batch's worth by default). */
  warmupIters?: number;
  /** Called after each timed batch, outside the timed region (memory sampling). */
  afterBatch?: () => void;
}

/**
 * Times `loop(n)` (which must run the op n times) in batches; per-call time of the median and
 * of the fastest batch.
 */
export function timeBatches(loop: (n: number) => void, options: BatchOptions): Timing {
  loop(options.warmupIters ?? options.itersPerBatch);
  const perCall: number[] = [];
  for (let b = 0; b < options.batches; b++) {
    const t0 = now();
    loop(options.itersPerBatch);
    perCall.push((now() - t0) / options.itersPerBatch);
    options.afterBatch?.();
  }
  return {
    median: median(perCall),
    best: Math.min(...perCall),
    samples: perCall.length,
    calls: perCall.length * options.itersPerBatch,
  };
}
