// MaxPool1D: the maximum over a sliding window of a (N, C, W) input; see pooling.ts.

import type { Attrs, LayerSpec } from './layer-spec.ts';
import { PoolLayer, poolSpec, type PoolArgs } from './pooling.ts';

export class MaxPool1D extends PoolLayer {
  static readonly spec: LayerSpec = poolSpec('MaxPool1D', 'max', 1, (a: Attrs, o) => new MaxPool1D(a.poolSize as number[], { ...(a as PoolArgs), ...o }));

  /** `new MaxPool1D(poolSize, {strides, padding, ceilMode})` as Gluon's; strides default to the window. */
  constructor(poolSize: number | readonly number[] = 2, args: PoolArgs = {}) {
    super('MaxPool1D', 'max', 1, poolSize, args);
  }
}
