// LogSoftmax as a layer: x − log Σ exp(x) along an axis, computed in one stable step (what a
// negative log-likelihood loss reads).

import type { BlockOptions } from '../block.ts';
import type { LayerSpec } from './layer-spec.ts';
import { SoftmaxLayer, softmaxSpec } from './softmax-layers.ts';

export class LogSoftmax extends SoftmaxLayer {
  static readonly spec: LayerSpec = softmaxSpec({
    kind: 'LogSoftmax',
    doc: 'Log of the softmax along an axis: x − log Σ exp(x).',
    create: (axis, o) => new LogSoftmax(axis, o),
  });

  constructor(axis = -1, options: BlockOptions = {}) {
    super(axis, true, options);
  }
}
