// HardSigmoid: relu6(x + 3) / 6, PyTorch's hard sigmoid. Gluon's and PyTorch's HardSigmoid; see elementwise-activation.ts.

import { hardSigmoid } from '../../ops/activations.ts';
import type { BlockOptions } from '../block.ts';
import { activationSpec, ElementwiseActivation } from './elementwise-activation.ts';
import type { LayerSpec } from './layer-spec.ts';
import { near } from './onnx-read.ts';

const FACTS = {
  kind: 'HardSigmoid',
  doc: 'relu6(x + 3) / 6, the hard sigmoid of PyTorch.',
  forward: (x) => hardSigmoid(x),
  unary: () => ['hardSigmoid', 0],
  onnx: (e, x) => e.node('HardSigmoid', [x], { alpha: { float: 1 / 6 }, beta: { float: 0.5 } }),
  torch: (x) => `F.hardsigmoid(${x})`,
  gluon: (x) => `nd.hard_sigmoid(${x}, alpha=1/6, beta=0.5)`,
  tsArgs: () => [],
  onnxImport: {
    ops: ['HardSigmoid'],
    read: (n) => (near(n.attr('alpha', 0.2), 1 / 6) && near(n.attr('beta', 0.5), 0.5) ? { attrs: {} } : { unsupported: "a slope other than PyTorch's 1/6" }),
  },
  create: (_a, o) => new HardSigmoid(o),
} satisfies Parameters<typeof activationSpec>[0];

export class HardSigmoid extends ElementwiseActivation {
  static readonly spec: LayerSpec = activationSpec(FACTS);

  constructor(options: BlockOptions = {}) {
    super(FACTS, {}, options);
  }
}
