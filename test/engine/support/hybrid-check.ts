// What the hybridize tests of the newer layer kinds share (hybridize-seq.test.ts,
// hybridize-layers.test.ts): the eager / traced / replayed comparison (max|Δ|/max|y| ≤ 1e-5), the
// check that a net is one native plan, graph steps and integer ids.

import assert from 'node:assert/strict';
import { np, captureWarnings, type Block, type NDArray } from '../../../engine/index.ts';
import type { GraphStep } from '../../../engine/graph/graph-block.ts';

export const TOL = 1e-5;

/** max|a − b| / max|b| */
export function relDiff(a: NDArray, b: NDArray): number {
  assert.deepEqual(a.shape, b.shape);
  const x = a.toTyped() as Float32Array;
  const y = b.toTyped() as Float32Array;
  let d = 0;
  let m = 1e-30;
  for (let i = 0; i < x.length; i++) {
    d = Math.max(d, Math.abs(x[i]! - y[i]!));
    m = Math.max(m, Math.abs(y[i]!));
  }
  return d / m;
}

/** Eager output, then the hybridized one (traced, then replayed): both within TOL of eager. Returns the warnings of the trace. */
export function checkClose(net: Block, x: NDArray): string[] {
  net.hybridize(false);
  const eager = net.call(x);
  net.hybridize();
  const [traced, warnings] = captureWarnings(() => net.call(x));
  const replayed = net.call(x);
  assert.ok(relDiff(traced, eager) <= TOL, `traced differs by ${relDiff(traced, eager)}`);
  assert.ok(relDiff(replayed, eager) <= TOL, `replayed differs by ${relDiff(replayed, eager)}`);
  return warnings;
}

/** (n, t) ids in [0, vocab), a fixed pattern. */
export const ids = (n: number, t: number, vocab: number, dtype: 'int32' | 'float32'): NDArray =>
  np
    .array(
      Array.from({ length: n * t }, (_, i) => (i * 7 + 3 * Math.floor(i / t)) % vocab),
      { dtype },
    )
    .reshape([n, t]);

/** The last traced plan of net is one native plan (nothing eager). */
export const onePlan = (net: Block): void => {
  const segments = net.hybridCache!.describe();
  assert.equal(segments.length, 1, segments.join('\n'));
  assert.match(segments[0]!, /^native plan: /);
};

export const step = (key: string, block: Block, inputs: GraphStep['inputs']): GraphStep => ({ key, block, inputs, outputCount: 1 });
