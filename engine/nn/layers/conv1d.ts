// Conv1D: the 1-d convolution, weight (channels, in/groups, k...); see convolution.ts for what the convolution kinds share.

import { ConvLayer, convSpec, type ConvArgs } from './convolution.ts';
import type { Attrs, LayerSpec } from './layer-spec.ts';

export class Conv1D extends ConvLayer {
  static readonly spec: LayerSpec = convSpec({
    kind: 'Conv1D',
    nd: 1,
    transposed: false,
    create: (a: Attrs, o) =>
      new Conv1D(a.channels as number, a.kernelSize as number[], { ...(a as ConvArgs), prefix: o.prefix, params: o.params ?? undefined }),
  });

  /** `new Conv1D(channels, kernelSize, {strides, padding, ...})` as Gluon's; kernelSize may be one number for every axis. */
  constructor(channels: number, kernelSize: number | readonly number[], args: ConvArgs = {}) {
    super('Conv1D', 1, false, channels, kernelSize, args);
  }
}
