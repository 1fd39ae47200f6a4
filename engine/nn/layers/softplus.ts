// Softplus: log(1 + exp(x)), a smooth ReLU. Gluon's and PyTorch's Softplus; see elementwise-activation.ts.

import { softplus } from '../../ops/activations.ts';
import type { BlockOptions } from '../block.ts';
import { activationSpec, ElementwiseActivation } from './elementwise-activation.ts';
import type { LayerSpec } from './layer-spec.ts';

const FACTS = {
  kind: 'Softplus',
  doc: 'log(1 + exp(x)), a smooth ReLU.',
  forward: (x) => softplus(x),
  unary: () => ['softrelu', 0],
  onnx: (e, x) => e.node('Softplus', [x]),
  torch: (x) => `F.softplus(${x})`,
  gluon: (x) => `nd.Activation(${x}, act_type='softrelu')`,
  tsArgs: () => [],
  onnxImport: { ops: ['Softplus'], read: () => ({ attrs: {} }) },
  create: (_a, o) => new Softplus(o),
} satisfies Parameters<typeof activationSpec>[0];

export class Softplus extends ElementwiseActivation {
  static readonly spec: LayerSpec = activationSpec(FACTS);

  constructor(options: BlockOptions = {}) {
    super(FACTS, {}, options);
  }
}
