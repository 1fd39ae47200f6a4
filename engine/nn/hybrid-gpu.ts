// Which hybrid units a compiled plan runs on a GPU (native/src/gpu_plan.h: Dense with its bias and
// activation fused; convolution with a batch norm folded in and its bias, residual add and
// activation in its kernel's epilogue; pooling; batch norm as a per-channel scale and shift;
// layer norm and softmax on eager mode's kernels; activations, Flatten / Reshape, Add and Multiply; one CUDA stream, memory planned once,
// consecutive elementwise steps fused into one kernel), and why the others run eagerly there.
// hybrid-net.ts traces every GPU input and asks this file per unit (then nativeFallback, which
// checks the shapes as for the CPU plan).

import type { NDArray } from '../ndarray/ndarray.ts';
import type { HybridUnit } from './hybrid-units.ts';

/** The unit kinds a GPU plan compiles. */
export const GPU_KINDS: ReadonlySet<string> = new Set([
  'linear',
  'conv',
  'pool',
  'batchnorm',
  'layernorm',
  'softmax',
  'act',
  'flatten',
  'reshape',
  'add',
  'mul',
]);

const GPU_TAKES = 'compiled GPU plans take Dense, Conv1D / Conv2D, pooling, BatchNorm, the activations, Flatten, Reshape, Add and Multiply';

/** Why a plan on x's device cannot compile anything (null: it may): GPU plans run float32 only. */
export function gpuInputFallback(x: NDArray): string | null {
  return x.dtype === 'float32' ? null : `input ${x.dtype} on ${x.device.toString()}: compiled GPU plans run float32`;
}

/** Why a unit runs eagerly on a GPU (null: the GPU plan may take it, if nativeFallback agrees). */
export function gpuFallback(u: HybridUnit): string | null {
  if (u.kind === 'conv' && u.transposed) return `transposed convolutions run eagerly on a GPU (${GPU_TAKES})`;
  if (u.kind === 'layernorm' && u.rms) return `RMSNorm runs eagerly on a GPU (${GPU_TAKES})`;
  if (u.kind === 'eager' || GPU_KINDS.has(u.kind)) return null; // an eager unit gets CUSTOM_FORWARD
  return `${u.kind} steps run eagerly on a GPU (${GPU_TAKES})`;
}
