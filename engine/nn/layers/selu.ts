// SELU: Scaled ELU with the self-normalizing constants (λ ≈ 1.0507, α ≈ 1.6733). Gluon's and PyTorch's SELU; see elementwise-activation.ts.

import { selu } from '../../ops/activations.ts';
import type { BlockOptions } from '../block.ts';
import { activationSpec, ElementwiseActivation } from './elementwise-activation.ts';
import type { LayerSpec } from './layer-spec.ts';
import { near } from './onnx-read.ts';

const FACTS = {
  kind: 'SELU',
  doc: 'Scaled ELU with the self-normalizing constants (λ ≈ 1.0507, α ≈ 1.6733).',
  forward: (x) => selu(x),
  unary: () => ['selu', 0],
  onnx: (e, x) => e.node('Selu', [x]),
  torch: (x) => `F.selu(${x})`,
  gluon: (x) => `nd.LeakyReLU(${x}, act_type='selu')`,
  tsArgs: () => [],
  onnxImport: {
    ops: ['Selu'],
    read: (n) =>
      near(n.attr('alpha', 1.6732632), 1.6732632) && near(n.attr('gamma', 1.050701), 1.050701)
        ? { attrs: {} }
        : { unsupported: 'alpha / gamma other than the self-normalizing constants' },
  },
  create: (_a, o) => new SELU(o),
} satisfies Parameters<typeof activationSpec>[0];

export class SELU extends ElementwiseActivation {
  static readonly spec: LayerSpec = activationSpec(FACTS);

  constructor(options: BlockOptions = {}) {
    super(FACTS, {}, options);
  }
}
