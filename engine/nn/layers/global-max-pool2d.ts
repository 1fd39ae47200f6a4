// GlobalMaxPool2D: the maximum of each channel over its H × W positions (Gluon's GlobalMaxPool2D).

import type { BlockOptions } from '../block.ts';
import { GlobalPool, globalPoolSpec } from './global-pooling.ts';
import type { LayerSpec } from './layer-spec.ts';

export class GlobalMaxPool2D extends GlobalPool {
  static readonly spec: LayerSpec = globalPoolSpec('GlobalMaxPool2D', 'max', 2, (o) => new GlobalMaxPool2D(o));

  constructor(options: BlockOptions = {}) {
    super('GlobalMaxPool2D', 'max', 2, options);
  }
}
