// Softmax as a layer: exp(x) / Σ exp(x) along an axis (the output of a classifier).

import type { BlockOptions } from '../block.ts';
import type { LayerSpec } from './layer-spec.ts';
import { SoftmaxLayer, softmaxSpec } from './softmax-layers.ts';

export class Softmax extends SoftmaxLayer {
  static readonly spec: LayerSpec = softmaxSpec({
    kind: 'Softmax',
    doc: 'Softmax along an axis: exp(x) / Σ exp(x).',
    create: (axis, o) => new Softmax(axis, o),
  });

  constructor(axis = -1, options: BlockOptions = {}) {
    super(axis, false, options);
  }
}
