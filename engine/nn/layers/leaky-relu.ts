// LeakyReLU: x for x > 0, alpha·x otherwise. Gluon's and PyTorch's LeakyReLU; see elementwise-activation.ts.

import { leakyRelu } from '../../ops/activations.ts';
import type { BlockOptions } from '../block.ts';
import { activationSpec, ElementwiseActivation, floatAttr } from './elementwise-activation.ts';
import type { LayerSpec } from './layer-spec.ts';

const FACTS = {
  kind: 'LeakyReLU',
  doc: 'x for x > 0, alpha·x otherwise.',
  attrs: [floatAttr('alpha', 0.01, 'slope for negative inputs')],
  forward: (x, a) => leakyRelu(x, a.alpha as number),
  unary: (a) => ['leakyRelu', a.alpha as number],
  onnx: (e, x) => e.node('LeakyRelu', [x], { alpha: { float: e.attrs.alpha as number } }),
  torch: (x, a) => `F.leaky_relu(${x}, ${String(a.alpha)})`,
  gluon: (x, a) => `nd.LeakyReLU(${x}, act_type='leaky', slope=${String(a.alpha)})`,
  tsArgs: (a) => [String(a.alpha)],
  onnxImport: { ops: ['LeakyRelu'], read: (n) => ({ attrs: { alpha: n.attr('alpha', 0.01) } }) },
  create: (a, o) => new LeakyReLU(a.alpha as number, o),
} satisfies Parameters<typeof activationSpec>[0];

export class LeakyReLU extends ElementwiseActivation {
  static readonly spec: LayerSpec = activationSpec(FACTS);

  constructor(alpha = 0.01, options: BlockOptions = {}) {
    super(FACTS, { alpha }, options);
  }
}
