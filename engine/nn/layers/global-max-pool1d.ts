// GlobalMaxPool1D: the maximum of each channel over its W positions (Gluon's GlobalMaxPool1D).

import type { BlockOptions } from '../block.ts';
import { GlobalPool, globalPoolSpec } from './global-pooling.ts';
import type { LayerSpec } from './layer-spec.ts';

export class GlobalMaxPool1D extends GlobalPool {
  static readonly spec: LayerSpec = globalPoolSpec('GlobalMaxPool1D', 'max', 1, (o) => new GlobalMaxPool1D(o));

  constructor(options: BlockOptions = {}) {
    super('GlobalMaxPool1D', 'max', 1, options);
  }
}
