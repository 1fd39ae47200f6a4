// SiLU: x·sigmoid(x) (the sigmoid linear unit). Gluon's and PyTorch's SiLU; see elementwise-activation.ts.

import { silu } from '../../ops/activations.ts';
import type { BlockOptions } from '../block.ts';
import { activationSpec, ElementwiseActivation } from './elementwise-activation.ts';
import type { LayerSpec } from './layer-spec.ts';

const FACTS = {
  kind: 'SiLU',
  doc: 'x·sigmoid(x) (the sigmoid linear unit).',
  forward: (x) => silu(x),
  unary: () => ['silu', 1],
  onnx: (e, x) => e.node('Mul', [x, e.node('Sigmoid', [x])]),
  torch: (x) => `F.silu(${x})`,
  gluon: (x) => `${x} * nd.sigmoid(${x})`,
  tsArgs: () => [],
  create: (_a, o) => new SiLU(o),
} satisfies Parameters<typeof activationSpec>[0];

export class SiLU extends ElementwiseActivation {
  static readonly spec: LayerSpec = activationSpec(FACTS);

  constructor(options: BlockOptions = {}) {
    super(FACTS, {}, options);
  }
}
