// How the export tests compare another implementation's outputs with the engine's.

import assert from 'node:assert/strict';

/**
 * Normwise relative error max|a − b| / max|b|. Elementwise ratios blow up on outputs near zero,
 * where two correct float32 kernels summing 784 products in different orders differ most.
 */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / Math.max(scale, Number.MIN_VALUE);
}
