// ELU: x for x > 0, alpha·(exp(x) − 1) otherwise. Gluon's and PyTorch's ELU; see elementwise-activation.ts.

import { elu } from '../../ops/activations.ts';
import type { BlockOptions } from '../block.ts';
import { activationSpec, ElementwiseActivation, floatAttr } from './elementwise-activation.ts';
import type { LayerSpec } from './layer-spec.ts';

const FACTS = {
  kind: 'ELU',
  doc: 'x for x > 0, alpha·(exp(x) − 1) otherwise.',
  attrs: [floatAttr('alpha', 1.0, 'scale of the negative part')],
  forward: (x, a) => elu(x, a.alpha as number),
  unary: (a) => ['elu', a.alpha as number],
  onnx: (e, x) => e.node('Elu', [x], { alpha: { float: e.attrs.alpha as number } }),
  torch: (x, a) => `F.elu(${x}, ${String(a.alpha)})`,
  gluon: (x, a) => `nd.LeakyReLU(${x}, act_type='elu', slope=${String(a.alpha)})`,
  tsArgs: (a) => [String(a.alpha)],
  onnxImport: { ops: ['Elu'], read: (n) => ({ attrs: { alpha: n.attr('alpha', 1.0) } }) },
  create: (a, o) => new ELU(a.alpha as number, o),
} satisfies Parameters<typeof activationSpec>[0];

export class ELU extends ElementwiseActivation {
  static readonly spec: LayerSpec = activationSpec(FACTS);

  constructor(alpha = 1, options: BlockOptions = {}) {
    super(FACTS, { alpha }, options);
  }
}
