// Flatten: (N, d1, d2, ...) → (N, d1·d2·...).

import type { NDArray } from '../../ndarray/ndarray.ts';
import { Block } from '../block.ts';
import type { HybridUnit } from '../hybrid.ts';
import type { LayerSpec } from './layer-spec.ts';
import { FLATTEN_SPEC } from './flatten-spec.ts';

export class Flatten extends Block {
  static readonly spec: LayerSpec = FLATTEN_SPEC;

  override forward(x: NDArray): NDArray {
    return x.reshape([x.shape[0] ?? 1, -1]);
  }

  override hybridUnits(): HybridUnit[] | null {
    return this.forward === Flatten.prototype.forward ? [{ kind: 'flatten', owner: this }] : null;
  }

  override toString(): string {
    return 'Flatten';
  }
}
