// Flatten: (N, d1, d2, ...) → (N, d1·d2·...).

import type { NDArray } from '../../ndarray/ndarray.ts';
import { Block } from '../block.ts';
import { ONE_INPUT, ONE_OUTPUT, product, type LayerSpec } from './layer-spec.ts';

export class Flatten extends Block {
  static readonly spec: LayerSpec = {
    kind: 'Flatten',
    category: 'core',
    doc: 'Flattens all axes but the first.',
    attrs: [],
    inputs: ONE_INPUT,
    outputs: ONE_OUTPUT,
    params: [],
    outputShape: (_a, [x]) => [x![0]!, product(x!.slice(1))],
    repr: () => 'Flatten',
  };

  override forward(x: NDArray): NDArray {
    return x.reshape([x.shape[0] ?? 1, -1]);
  }

  override toString(): string {
    return 'Flatten';
  }
}
