// The onnxruntime session options every bench suite uses. The suites time the engine and
// onnxruntime interleaved in one process; onnxruntime's intra-op pool spins after each run by
// default, and its spinning threads then hold the cores our next call's threads need (and ours
// hold them back): measured on a quiet 2-core machine (test/bench/plan-ab.ts, 2026-12-07 11:40),
// the 20-256-10 MLP at batch 1024 had medians 10× its best times in both engines with spinning,
// and 1.1–1.3× without. So spinning is off unless `--ort-spin` asks for onnxruntime's default.
import type * as ort from 'onnxruntime-node';

export function ortSessionOptions(threads: number, spin: boolean): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    ...(spin ? {} : { extra: { session: { intra_op: { allow_spinning: '0' } } } }),
  };
}
