// The chapter's NestMLP (5.1.3): a Sequential child and a Dense child inside a custom block.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { Block, type BlockOptions } from '../block.ts';
import { Dense } from '../layers/dense.ts';
import { Sequential } from '../layers/sequential.ts';

export class NestMLP extends Block {
  readonly net: Sequential;
  readonly dense: Dense;

  constructor(options: BlockOptions = {}) {
    super(options);
    this.net = this.registerChild(new Sequential(), 'net');
    this.net.add(new Dense(64, { activation: 'relu' }), new Dense(32, { activation: 'relu' }));
    this.dense = this.registerChild(new Dense(16, { activation: 'relu' }), 'dense');
  }

  override forward(x: NDArray): NDArray {
    return this.dense.call(this.net.call(x));
  }
}
