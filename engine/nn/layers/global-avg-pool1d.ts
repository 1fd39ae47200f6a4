// GlobalAvgPool1D: the mean of each channel over its W positions (Gluon's GlobalAvgPool1D).

import type { BlockOptions } from '../block.ts';
import { GlobalPool, globalPoolSpec } from './global-pooling.ts';
import type { LayerSpec } from './layer-spec.ts';

export class GlobalAvgPool1D extends GlobalPool {
  static readonly spec: LayerSpec = globalPoolSpec('GlobalAvgPool1D', 'avg', 1, (o) => new GlobalAvgPool1D(o));

  constructor(options: BlockOptions = {}) {
    super('GlobalAvgPool1D', 'avg', 1, options);
  }
}
