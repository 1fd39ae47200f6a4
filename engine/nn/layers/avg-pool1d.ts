// AvgPool1D: the mean over a sliding window of a (N, C, W) input; see pooling.ts.

import type { Attrs, LayerSpec } from './layer-spec.ts';
import { PoolLayer, poolSpec, type PoolArgs } from './pooling.ts';

export class AvgPool1D extends PoolLayer {
  static readonly spec: LayerSpec = poolSpec('AvgPool1D', 'avg', 1, (a: Attrs, o) => new AvgPool1D(a.poolSize as number[], { ...(a as PoolArgs), ...o }));

  /** `new AvgPool1D(poolSize, {strides, padding, ceilMode, countIncludePad})` as Gluon's; strides default to the window. */
  constructor(poolSize: number | readonly number[] = 2, args: PoolArgs = {}) {
    super('AvgPool1D', 'avg', 1, poolSize, args);
  }
}
