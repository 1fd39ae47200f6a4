// The chapter's custom layers (5.4): CenteredLayer (no parameters) and MyDense (parameters made
// with params.get, ReLU built in, weight laid out (inUnits, units) as the chapter does).

import type { NDArray } from '../../ndarray/ndarray.ts';
import { np } from '../../ndarray/np.ts';
import { npx } from '../../ndarray/npx.ts';
import { Block, type BlockOptions } from '../block.ts';
import type { Parameter } from '../parameter.ts';

export class CenteredLayer extends Block {
  override forward(x: NDArray): NDArray {
    return x.sub(x.mean());
  }
}

export class MyDense extends Block {
  readonly weight: Parameter;
  readonly bias: Parameter;

  constructor(units: number, inUnits: number, options: BlockOptions = {}) {
    super(options);
    this.weight = this.params.get('weight', { shape: [inUnits, units] });
    this.bias = this.params.get('bias', { shape: [units] });
  }

  override forward(x: NDArray): NDArray {
    return npx.relu(np.dot(x, this.weight.data()).add(this.bias.data()));
  }
}
