// Conv1DTranspose: the transposed 1-d convolution (PyTorch's ConvTranspose1d), weight (in, channels/groups, k...); see convolution.ts for what the convolution kinds share.
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
