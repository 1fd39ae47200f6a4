// Conv2D: the 2-d convolution, weight (channels, in/groups, k...); see convolution.ts for what the convolution kinds share.

import { ConvLayer, convSpec, type ConvArgs } from './convolution.ts';
import type { Attrs, LayerSpec } from './layer-spec.ts';

export class Conv2D extends ConvLayer {
  static readonly spec: LayerSpec = convSpec({
    kind: 'Conv2D',
    nd: 2,
    transposed: false,
    create: (a: Attrs, o) =>
      new Conv2D(a.channels as number, a.kernelSize as number[], { ...(a as ConvArgs), prefix: o.prefix, params: o.params ?? undefined }),
  });

  /** `new Conv2D(channels, kernelSize, {strides, padding, ...})` as Gluon's; kernelSize may be one number for every axis. */
  constructor(channels: number, kernelSize: number | readonly number[], args: ConvArgs = {}) {
    super('Conv2D', 2, false, channels, kernelSize, args);
  }
}
