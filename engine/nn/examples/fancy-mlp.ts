// The chapter's FancyMLP (5.1.3): a constant parameter, one Dense used twice (tied with itself)
// and control flow that depends on the data, which is why it stays an eager (not compiled) block.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { np } from '../../ndarray/np.ts';
import { npx } from '../../ndarray/npx.ts';
import { Block, type BlockOptions } from '../block.ts';
import type { ConstantParameter } from '../constant-parameter.ts';
import { Dense } from '../layers/dense.ts';

export class FancyMLP extends Block {
  readonly randWeight: ConstantParameter;
  readonly dense: Dense;

  constructor(options: BlockOptions = {}) {
    super(options);
    // Created with getConstant: never updated by training (gradReq 'null').
    this.randWeight = this.params.getConstant('rand_weight', np.random.uniform(0, 1, [20, 20]));
    this.dense = this.registerChild(new Dense(20, { activation: 'relu' }), 'dense');
  }

  override forward(x: NDArray): NDArray {
    x = this.dense.call(x);
    x = npx.relu(np.dot(x, this.randWeight.data()).add(1));
    // The same layer again: its parameters are used twice, so their gradients sum.
    x = this.dense.call(x);
    // item() brings the value to the host, as the chapter's asscalar does, for the control flow.
    while (Number(x.abs().sum().item()) > 1) x = x.div(2);
    if (Number(x.abs().sum().item()) < 0.8) x = x.mul(10);
    return x.sum();
  }
}
