// Clip: x clamped to [min, max]; ReLU6 (MobileNetV2) with the defaults 0 and 6, PyTorch's Hardtanh
// with -1 and 1. Composed of maximum and minimum with scalars (no native kernel needed; their
// autograd rows give the gradient: 1 inside the range, 0 outside). See elementwise-activation.ts.

import { binary } from '../../ops/elementwise.ts';
import { modelErrors } from '../model-errors.ts';
import type { BlockOptions } from '../block.ts';
import { activationSpec, ElementwiseActivation, floatAttr } from './elementwise-activation.ts';
import type { LayerSpec, OnnxNodeView, OnnxRead, Unsupported } from './layer-spec.ts';

/** ONNX Clip's bounds: attributes before opset 11, optional constant inputs 1 and 2 from 11 on. */
function readClip(n: OnnxNodeView): OnnxRead | Unsupported {
  let min: number | undefined;
  let max: number | undefined;
  if (n.opset < 11) {
    min = n.attr<number | undefined>('min', undefined);
    max = n.attr<number | undefined>('max', undefined);
  } else {
    for (const i of [1, 2]) {
      if (i >= n.inputCount) continue;
      const c = n.constant(i);
      if (!c && n.inputShape(i)) return { unsupported: `bound ${i === 1 ? 'min' : 'max'} is computed at run time` };
      if (c && c.values.length !== 1) return { unsupported: 'bounds must be scalars' };
      if (c) {
        if (i === 1) min = c.values[0];
        else max = c.values[0];
      }
    }
  }
  if (min === undefined || max === undefined || !Number.isFinite(min) || !Number.isFinite(max))
    return { unsupported: 'a side without a bound (Clip takes both)' };
  return { attrs: { min, max } };
}

const FACTS = {
  kind: 'Clip',
  doc: 'x clamped to [min, max] (ReLU6 with the defaults, Hardtanh with -1 and 1).',
  attrs: [floatAttr('min', 0, 'lower bound'), floatAttr('max', 6, 'upper bound')],
  forward: (x, a) => binary('minimum', binary('maximum', x, a.min as number), a.max as number),
  bounds: (a) => [a.min as number, a.max as number],
  onnx: (e, x) => e.node('Clip', [x, e.constant([e.attrs.min as number], []), e.constant([e.attrs.max as number], [])]),
  torch: (x, a) => `torch.clamp(${x}, ${String(a.min)}, ${String(a.max)})`,
  gluon: (x, a) => `nd.clip(${x}, ${String(a.min)}, ${String(a.max)})`,
  tsArgs: (a) => [String(a.min), String(a.max)],
  onnxImport: { ops: ['Clip'], read: readClip },
  create: (a, o) => new Clip(a.min as number, a.max as number, o),
} satisfies Parameters<typeof activationSpec>[0];

export class Clip extends ElementwiseActivation {
  static readonly spec: LayerSpec = activationSpec(FACTS);

  constructor(min = 0, max = 6, options: BlockOptions = {}) {
    super(FACTS, { min, max }, options);
    if (!(min <= max)) throw modelErrors.block(this.name, `min ${String(min)} must not exceed max ${String(max)}.`);
  }
}
