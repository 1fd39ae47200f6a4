// GELU: x·Φ(x) (erf form), or its tanh approximation. Gluon's and PyTorch's GELU; see elementwise-activation.ts.

import { gelu } from '../../ops/activations.ts';
import type { BlockOptions } from '../block.ts';
import { activationSpec, ElementwiseActivation } from './elementwise-activation.ts';
import { geluOnnx } from './activation.ts';
import type { LayerSpec } from './layer-spec.ts';

const FACTS = {
  kind: 'GELU',
  doc: 'x·Φ(x) (erf form), or its tanh approximation.',
  attrs: [{ name: 'approximation', type: 'enum', choices: ['erf', 'tanh'], default: 'erf', doc: 'erf (exact) or tanh (approximate)' }],
  forward: (x, a) => gelu(x, { approximate: a.approximation === 'tanh' ? 'tanh' : 'none' }),
  unary: (a) => [a.approximation === 'tanh' ? 'geluTanh' : 'gelu', 0],
  onnx: (e, x) => geluOnnx(e, x, e.attrs.approximation === 'tanh'),
  torch: (x, a) => `F.gelu(${x}${a.approximation === 'tanh' ? ", approximate='tanh'" : ''})`,
  gluon: (x, a) => (a.approximation === 'tanh' ? `nd.LeakyReLU(${x}, act_type='gelu_tanh')` : `nd.LeakyReLU(${x}, act_type='gelu')`),
  tsArgs: (a) => [`'${String(a.approximation)}'`],
  onnxImport: { ops: ['Gelu'], read: (n) => ({ attrs: { approximation: n.attr('approximate', 'none') === 'tanh' ? 'tanh' : 'erf' } }) },
  create: (a, o) => new GELU(a.approximation as 'erf' | 'tanh', o),
} satisfies Parameters<typeof activationSpec>[0];

export class GELU extends ElementwiseActivation {
  static readonly spec: LayerSpec = activationSpec(FACTS);

  constructor(approximation: 'erf' | 'tanh' = 'erf', options: BlockOptions = {}) {
    super(FACTS, { approximation }, options);
  }
}
