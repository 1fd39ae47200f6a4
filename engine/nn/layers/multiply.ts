// Multiply: the elementwise product of any number of inputs with broadcasting (gates, scaling).

import type { NDArray } from '../../ndarray/ndarray.ts';
import { Block } from '../block.ts';
import type { HybridUnit } from '../hybrid-units.ts';
import { mergeForward, mergeSpec } from './elementwise-merge.ts';
import type { LayerSpec } from './layer-spec.ts';

export class Multiply extends Block {
  static readonly spec: LayerSpec = mergeSpec({
    kind: 'Multiply',
    doc: 'Multiplies its inputs elementwise (numpy broadcasting), e.g. a gate times a signal.',
    onnx: 'Mul',
    python: '*',
    method: 'mul',
    create: (o) => new Multiply(o),
  });

  override forward(...inputs: NDArray[]): NDArray {
    return mergeForward(this, 'Multiply', 'mul', inputs);
  }

  override hybridUnits(): HybridUnit[] | null {
    return this.forward === Multiply.prototype.forward ? [{ kind: 'mul', owner: this }] : null;
  }

  override toString(): string {
    return 'Multiply()';
  }
}
