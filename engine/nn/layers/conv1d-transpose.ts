// Conv1DTranspose: the transposed 1-d convolution (PyTorch's ConvTranspose1d), weight (in, channels/groups, k...); see convolution.ts for what the convolution kinds share.

import { ConvLayer, convSpec, type ConvArgs } from './convolution.ts';
import type { Attrs, LayerSpec } from './layer-spec.ts';

export class Conv1DTranspose extends ConvLayer {
  static readonly spec: LayerSpec = convSpec({
    kind: 'Conv1DTranspose',
    nd: 1,
    transposed: true,
    create: (a: Attrs, o) =>
      new Conv1DTranspose(a.channels as number, a.kernelSize as number[], { ...(a as ConvArgs), prefix: o.prefix, params: o.params ?? undefined }),
  });

  /** `new Conv1DTranspose(channels, kernelSize, {strides, padding, ...})` as Gluon's; kernelSize may be one number for every axis. */
  constructor(channels: number, kernelSize: number | readonly number[], args: ConvArgs = {}) {
    super('Conv1DTranspose', 1, true, channels, kernelSize, args);
  }
}
