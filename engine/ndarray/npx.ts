// The `npx` namespace: MXNet's numpy_extension (activations, softmax, normalization, padding,
// fully connected, convolution, pooling, devices).

import type { NDArray } from './ndarray.ts';
import { cpu, gpu, numGpus } from './device.ts';
import { unary } from '../ops/elementwise.ts';
import { softmax } from '../ops/reduce.ts';
import { linear } from '../ops/linalg.ts';
import { conv, convTranspose } from '../ops/conv.ts';
import { pool } from '../ops/pool.ts';
import { elu, gelu, hardSigmoid, hardSwish, leakyRelu, logSoftmax, prelu, selu, silu, softplus } from '../ops/activations.ts';
import { batchNorm, groupNorm, instanceNorm, layerNorm, rmsNorm } from '../ops/normalization.ts';
import { pad } from '../ops/pad.ts';
import { take } from '../ops/take.ts';
import { seed } from './random.ts';

export const npx = {
  relu: (x: NDArray): NDArray => unary('relu', x),
  sigmoid: (x: NDArray): NDArray => unary('sigmoid', x),
  tanh: (x: NDArray): NDArray => unary('tanh', x),
  gelu,
  softrelu: (x: NDArray): NDArray => unary('softrelu', x),
  softmax: (x: NDArray, axis = -1): NDArray => softmax(x, axis, false),
  logSoftmax,
  // Activations with parameters (engine/ops/activations.ts).
  leakyRelu,
  elu,
  selu,
  silu,
  swish: silu,
  softplus,
  hardSigmoid,
  hardSwish,
  prelu,
  // Normalization and padding (engine/ops/normalization.ts, engine/ops/pad.ts).
  batchNorm,
  layerNorm,
  instanceNorm,
  groupNorm,
  rmsNorm,
  pad,
  /** Rows of a (rows, dim) table by integer indices (an embedding lookup; engine/ops/take.ts). */
  take,
  /** Gluon FullyConnected (see ops/linalg.ts linear). */
  fullyConnected: linear,
  linear,
  /** MXNet Convolution / PyTorch conv1d, conv2d (see ops/conv.ts conv). */
  convolution: conv,
  conv,
  /** MXNet Deconvolution / PyTorch conv_transpose1d, conv_transpose2d (see ops/conv.ts convTranspose). */
  deconvolution: convTranspose,
  convTranspose,
  /** MXNet Pooling / PyTorch max_pool, avg_pool 1d and 2d (see ops/pool.ts pool). */
  pooling: pool,
  pool,
  cpu,
  gpu,
  numGpus,
  seed,
};
