// GlobalAvgPool2D: the mean of each channel over its H × W positions (Gluon's GlobalAvgPool2D).

import type { BlockOptions } from '../block.ts';
import { GlobalPool, globalPoolSpec } from './global-pooling.ts';
import type { LayerSpec } from './layer-spec.ts';

export class GlobalAvgPool2D extends GlobalPool {
  static readonly spec: LayerSpec = globalPoolSpec('GlobalAvgPool2D', 'avg', 2, (o) => new GlobalAvgPool2D(o));

  constructor(options: BlockOptions = {}) {
    super('GlobalAvgPool2D', 'avg', 2, options);
  }
}
