// Concurrent (Gluon contrib): every child sees the same input and their outputs are
// concatenated along `axis` — the chapter's "parallel block" exercise.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { np } from '../../ndarray/np.ts';
import type { BlockOptions } from '../block.ts';
import { Sequential } from './sequential.ts';
import type { LayerSpec } from './layer-spec.ts';
import { CONCURRENT_SPEC } from './sequential-spec.ts';

export class Concurrent extends Sequential {
  static override readonly spec: LayerSpec = CONCURRENT_SPEC;

  readonly axis: number;

  constructor(axis = -1, options: BlockOptions = {}) {
    super(options);
    this.axis = axis;
  }

  override getConfig(): Record<string, unknown> {
    return { axis: this.axis };
  }

  override forward(x: NDArray): NDArray {
    const outs = [...this.children.values()].map((b) => b.call(x));
    const axis = this.axis < 0 ? this.axis + outs[0]!.ndim : this.axis;
    return np.concat(outs, axis);
  }
}
