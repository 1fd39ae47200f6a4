// AvgPool2D: the mean over a sliding window of a (N, C, H, W) input; see pooling.ts.

import type { Attrs, LayerSpec } from './layer-spec.ts';
import { PoolLayer, poolSpec, type PoolArgs } from './pooling.ts';

export class AvgPool2D extends PoolLayer {
  static readonly spec: LayerSpec = poolSpec('AvgPool2D', 'avg', 2, (a: Attrs, o) => new AvgPool2D(a.poolSize as number[], { ...(a as PoolArgs), ...o }));

  /** `new AvgPool2D(poolSize, {strides, padding, ceilMode, countIncludePad})` as Gluon's; strides default to the window. */
  constructor(poolSize: number | readonly number[] = 2, args: PoolArgs = {}) {
    super('AvgPool2D', 'avg', 2, poolSize, args);
  }
}
