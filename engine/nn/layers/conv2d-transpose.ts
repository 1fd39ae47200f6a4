// Conv2DTranspose: the transposed 2-d convolution (PyTorch's ConvTranspose2d), weight (in, channels/groups, k...); see convolution.ts for what the convolution kinds share.
//
// Why no oneDNN deconvolution primitive: the transposed convolution is the adjoint of a convolution,
// so its forward is exactly that convolution's data gradient (y = Wᵀx), its data gradient that
// convolution's forward, and its weight gradient the convolution's with x and dy swapped
// (engine/ops/conv.ts). oneDNN 2.6 computes a float32 `deconvolution_forward` the same way: its
// CPU implementation builds a `convolution_backward_data` primitive and runs it (queried on this
// machine, both report the implementation `x64:gemm:jit`), and deconvolution backward data /
// weights wrap convolution forward / backward weights likewise. Calling convolution_backward_data
// directly (native/src/ops/conv_cpu.cc) is the same kernel without the wrapper, and keeps one
// cached set of three convolution primitives serving both layer kinds on every backend.

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
