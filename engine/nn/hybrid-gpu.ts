// Which hybrid units a compiled plan runs on a GPU (native/src/gpu_plan.h: Dense with its bias and
// activation fused; convolution with a batch norm folded in and its bias, residual add and
// activation in its kernel's epilogue; transposed convolution with its bias and activation in its
// epilogue; pooling; batch norm as a per-channel scale and shift; layer norm, RMS norm, group /
// instance norm and softmax; Embedding, positional encoding (a table add fused like a bias),
// MultiHeadAttention and ScaledDotProductAttention (causal and key-padding masks); Transpose,
// Slice, Concat, SequenceMean / SequenceLast, Pad, Clip, PReLU, the activations, Flatten /
// Reshape, Add and Multiply; RNN / LSTM / GRU layers and their final states (per time step one
// GEMM and one fused gate kernel); one CUDA stream, memory planned once, consecutive elementwise
// steps fused into one kernel), and why the others run eagerly there. hybrid-net.ts traces every GPU
// input and asks this file per unit (then nativeFallback, which checks the shapes as for the CPU
// plan).

import type { NDArray } from '../ndarray/ndarray.ts';
import type { HybridUnit } from './hybrid-units.ts';

/** The unit kinds a GPU plan compiles. */
export const GPU_KINDS: ReadonlySet<string> = new Set([
  'linear',
  'conv',
  'pool',
  'batchnorm',
  'layernorm',
  'groupnorm',
  'softmax',
  'act',
  'pointwise',
  'flatten',
  'reshape',
  'add',
  'mul',
  'embedding',
  'position',
  'attention',
  'sdpa',
  'transpose',
  'slice',
  'concat',
  'seqreduce',
  'pad',
  'recurrent',
  'rnnstate',
]);

/** Why a plan on x's device cannot compile anything (null: it may): GPU plans run float32, with int32 ids for an Embedding. */
export function gpuInputFallback(x: NDArray): string | null {
  return x.dtype === 'float32' || x.dtype === 'int32' ? null : `input ${x.dtype} on ${x.device.toString()}: compiled GPU plans run float32 (or int32 ids)`;
}

/** Why a unit runs eagerly on a GPU (null: the GPU plan may take it, if nativeFallback agrees). */
export function gpuFallback(u: HybridUnit): string | null {
  if (u.kind === 'eager' || GPU_KINDS.has(u.kind)) return null; // an eager unit gets CUSTOM_FORWARD
  return `${u.kind} steps run eagerly on a GPU (compiled GPU plans take the layer kinds of the CPU plan)`;
}
