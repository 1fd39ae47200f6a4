// The chapter's MySequential (5.1.2): children keyed by their block name, run in insertion order.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { Block } from '../block.ts';

export class MySequential extends Block {
  add(block: Block): this {
    // The chapter stores children as self._children[block.name]: the name is the key.
    this.registerChild(block, block.name);
    return this;
  }

  override forward(x: NDArray): NDArray {
    for (const block of this.children.values()) x = block.call(x);
    return x;
  }
}
