// Flatten: (N, d1, d2, ...) → (N, d1·d2·...).

import type { NDArray } from '../../ndarray/ndarray.ts';
import { Block } from '../block.ts';
import type { HybridUnit } from '../hybrid.ts';
import { ONE_INPUT, ONE_OUTPUT, product, type LayerSpec } from './layer-spec.ts';

export class Flatten extends Block {
  static readonly spec: LayerSpec = {
    kind: 'Flatten',
    category: 'core',
    doc: 'Flattens all axes but the first.',
    attrs: [],
    inputs: ONE_INPUT,
    outputs: ONE_OUTPUT,
    params: [],
    outputShape: (_a, [x]) => [x![0]!, product(x!.slice(1))],
    repr: () => 'Flatten',
    onnx: (e) => e.node('Flatten', [e.inputs[0]!], { axis: 1 }),
    onnxImport: {
      ops: ['Flatten'],
      read: (n) => (n.attr('axis', 1) === 1 ? { attrs: {} } : { unsupported: `axis ${n.attr('axis', 1)} (only 1: keep the batch axis)` }),
    },
    code: {
      pytorch: { forward: (s) => `torch.flatten(${s.inputs[0]!}, 1)` },
      gluon: { forward: (s) => `nd.flatten(${s.inputs[0]!})` },
      typescript: { child: (s) => ({ type: 'Flatten', make: `new Flatten({ prefix: '${s.prefix}' })` }) },
    },
    create: (_a, o) => new Flatten(o),
  };

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
