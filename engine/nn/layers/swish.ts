// Swish: x·sigmoid(beta·x); beta = 1 is SiLU. Gluon's and PyTorch's Swish; see elementwise-activation.ts.

import { silu } from '../../ops/activations.ts';
import type { BlockOptions } from '../block.ts';
import { activationSpec, ElementwiseActivation, floatAttr } from './elementwise-activation.ts';
import type { LayerSpec } from './layer-spec.ts';

const FACTS = {
  kind: 'Swish',
  doc: 'x·sigmoid(beta·x); beta = 1 is SiLU.',
  attrs: [floatAttr('beta', 1.0, 'slope of the sigmoid')],
  forward: (x, a) => silu(x, a.beta as number),
  unary: (a) => ['silu', a.beta as number],
  onnx: (e, x) => e.node('Mul', [x, e.node('Sigmoid', [e.node('Mul', [x, e.constant([e.attrs.beta as number])])])]),
  torch: (x, a) => `${x} * torch.sigmoid(${String(a.beta)} * ${x})`,
  gluon: (x, a) => `${x} * nd.sigmoid(${String(a.beta)} * ${x})`,
  tsArgs: (a) => [String(a.beta)],
  create: (a, o) => new Swish(a.beta as number, o),
} satisfies Parameters<typeof activationSpec>[0];

export class Swish extends ElementwiseActivation {
  static readonly spec: LayerSpec = activationSpec(FACTS);

  constructor(beta = 1, options: BlockOptions = {}) {
    super(FACTS, { beta }, options);
  }
}
