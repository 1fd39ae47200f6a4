// Add: the sum of any number of inputs with broadcasting — the residual connection (x + f(x)).

import type { NDArray } from '../../ndarray/ndarray.ts';
import { Block } from '../block.ts';
import type { HybridUnit } from '../hybrid-units.ts';
import { mergeForward, mergeSpec } from './elementwise-merge.ts';
import type { LayerSpec } from './layer-spec.ts';

export class Add extends Block {
  static readonly spec: LayerSpec = mergeSpec({
    kind: 'Add',
    doc: 'Adds its inputs elementwise (numpy broadcasting): a residual connection joins x and f(x).',
    onnx: 'Add',
    python: '+',
    method: 'add',
    create: (o) => new Add(o),
  });

  override forward(...inputs: NDArray[]): NDArray {
    return mergeForward(this, 'Add', 'add', inputs);
  }

  override hybridUnits(): HybridUnit[] | null {
    return this.forward === Add.prototype.forward ? [{ kind: 'add', owner: this }] : null;
  }

  override toString(): string {
    return 'Add()';
  }
}
