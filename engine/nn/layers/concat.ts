// Concat: joins its inputs along an axis, so a graph can merge branches (np.concatenate).

import type { NDArray } from '../../ndarray/ndarray.ts';
import { np } from '../../ndarray/np.ts';
import { Block, type BlockOptions } from '../block.ts';
import type { LayerSpec } from './layer-spec.ts';
import { CONCAT_SPEC } from './concat-spec.ts';

export class Concat extends Block {
  static readonly spec: LayerSpec = CONCAT_SPEC;

  readonly axis: number;

  constructor(axis = -1, options: BlockOptions = {}) {
    super(options);
    this.axis = axis;
  }

  override forward(...inputs: NDArray[]): NDArray {
    const axis = this.axis < 0 ? this.axis + inputs[0]!.ndim : this.axis;
    return np.concat(inputs, axis);
  }

  override getConfig(): Record<string, unknown> {
    return { axis: this.axis };
  }

  override toString(): string {
    return CONCAT_SPEC.repr(this.getConfig());
  }
}
