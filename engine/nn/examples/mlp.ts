// The chapter's MLP (5.1.1, 5.5.2): a hidden Dense(256, relu) and an output Dense(10), children
// registered under the attribute names that structural parameter keys use (hidden.weight, ...).

import type { NDArray } from '../../ndarray/ndarray.ts';
import { Block, type BlockOptions } from '../block.ts';
import { Dense } from '../layers/dense.ts';

export class MLP extends Block {
  readonly hidden: Dense;
  readonly output: Dense;

  constructor(options: BlockOptions = {}) {
    super(options);
    this.hidden = this.registerChild(new Dense(256, { activation: 'relu' }), 'hidden');
    this.output = this.registerChild(new Dense(10), 'output');
  }

  override forward(x: NDArray): NDArray {
    return this.output.call(this.hidden.call(x));
  }
}
