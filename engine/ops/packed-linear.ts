// A Dense layer's weights packed once, for calls that autograd does not record (prediction,
// validation): a one-layer linear plan (addon.linearPlan — the weights in oneDNN's packed GEMM
// layout, bias and activation fused, as a hybridized Dense chain has them) kept while the
// weights are unchanged, instead of oneDNN's inner product re-reading the plain [out, in] weights
// with its own packing every call. Measured at 784 → 1024 → 1024 → 10, batch 64: 1.24 against
// 0.92 ms per 1024-wide layer (docs/benchmarks.md).
//
// Unchanged means: the same weight and bias storage, the same row count and activation, and no
// write through the addon to any watched buffer since the plan was made (backend.ts writeEpoch:
// an optimizer step, set_data, a load). The plan holds the packed copy (the weight's size again)
// until the layer is collected or the next rebuild replaces it.

import { native, watchWrites, writeEpoch } from '../backend/backend.ts';
import { DTYPE_INFO } from '../ndarray/dtype.ts';
import type { NativeBuffer, NativeLinearPlan } from '../backend/native-addon.ts';
import type { NDArray } from '../ndarray/ndarray-core.ts';

/** Below this many multiply-adds a call stays on the plain kernels (a few rows of a small layer: dot products). */
export const PACKED_MIN_WORK = 1 << 16;

export class PackedWeights {
  private plan: NativeLinearPlan | null = null;
  private key: { rows: number; epoch: number; w: NativeBuffer; b: NativeBuffer | null; act: number } | null = null;

  /** out [rows, outUnits] ← act(x · wᵀ + b) for float32 CPU arrays, x [rows, inUnits] and w [outUnits, inUnits]. */
  run(x: NDArray, w: NDArray, bias: NDArray | null, act: number, out: NDArray): void {
    const rows = x.shape[0]!;
    const k = this.key;
    const b = bias?._storage ?? null;
    if (this.plan === null || k === null || k.rows !== rows || k.epoch !== writeEpoch() || k.w !== w._storage || k.b !== b || k.act !== act) {
      watchWrites(w.buffer);
      if (bias) watchWrites(bias.buffer);
      this.plan = null; // the old packed copy goes with its plan
      this.plan = native().linearPlan(DTYPE_INFO.float32.code, rows, [w.buffer], [bias?.buffer ?? null], [w.shape[1]!, w.shape[0]!], [act]);
      this.key = { rows, epoch: writeEpoch(), w: w._storage, b, act };
    }
    native().linearPlanRun(this.plan, x.buffer, out.buffer);
  }
}
