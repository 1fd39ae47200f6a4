// HardSwish: x·relu6(x + 3) / 6 (MobileNetV3). Gluon's and PyTorch's HardSwish; see elementwise-activation.ts.

import { hardSwish } from '../../ops/activations.ts';
import type { BlockOptions } from '../block.ts';
import { activationSpec, ElementwiseActivation } from './elementwise-activation.ts';
import type { LayerSpec } from './layer-spec.ts';

const FACTS = {
  kind: 'HardSwish',
  doc: 'x·relu6(x + 3) / 6 (MobileNetV3).',
  forward: (x) => hardSwish(x),
  unary: () => ['hardSwish', 0],
  onnx: (e, x) => e.node('HardSwish', [x]),
  torch: (x) => `F.hardswish(${x})`,
  gluon: (x) => `${x} * nd.hard_sigmoid(${x}, alpha=1/6, beta=0.5)`,
  tsArgs: () => [],
  onnxImport: { ops: ['HardSwish'], read: () => ({ attrs: {} }) },
  create: (_a, o) => new HardSwish(o),
} satisfies Parameters<typeof activationSpec>[0];

export class HardSwish extends ElementwiseActivation {
  static readonly spec: LayerSpec = activationSpec(FACTS);

  constructor(options: BlockOptions = {}) {
    super(FACTS, {}, options);
  }
}
