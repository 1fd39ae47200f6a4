// MaxPool2D: the maximum over a sliding window of a (N, C, H, W) input; see pooling.ts.

import type { Attrs, LayerSpec } from './layer-spec.ts';
import { PoolLayer, poolSpec, type PoolArgs } from './pooling.ts';

export class MaxPool2D extends PoolLayer {
  static readonly spec: LayerSpec = poolSpec('MaxPool2D', 'max', 2, (a: Attrs, o) => new MaxPool2D(a.poolSize as number[], { ...(a as PoolArgs), ...o }));

  /** `new MaxPool2D(poolSize, {strides, padding, ceilMode})` as Gluon's; strides default to the window. */
  constructor(poolSize: number | readonly number[] = 2, args: PoolArgs = {}) {
    super('MaxPool2D', 'max', 2, poolSize, args);
  }
}
