// Conv2DTranspose: the transposed 2-d convolution (PyTorch's ConvTranspose2d), weight (in, channels/groups, k...); see convolution.ts for what the convolution kinds share.

import { ConvLayer, convSpec, type ConvArgs } from './convolution.ts';
import type { Attrs, LayerSpec } from './layer-spec.ts';

export class Conv2DTranspose extends ConvLayer {
  static readonly spec: LayerSpec = convSpec({
    kind: 'Conv2DTranspose',
    nd: 2,
    transposed: true,
    create: (a: Attrs, o) =>
      new Conv2DTranspose(a.channels as number, a.kernelSize as number[], { ...(a as ConvArgs), prefix: o.prefix, params: o.params ?? undefined }),
  });

  /** `new Conv2DTranspose(channels, kernelSize, {strides, padding, ...})` as Gluon's; kernelSize may be one number for every axis. */
  constructor(channels: number, kernelSize: number | readonly number[], args: ConvArgs = {}) {
    super('Conv2DTranspose', 2, true, channels, kernelSize, args);
  }
}
