// The `npx` namespace: MXNet's numpy_extension (activations, softmax, fully connected, devices).

import type { NDArray } from './ndarray.ts';
import { cpu, gpu, numGpus } from './device.ts';
import { unary } from '../ops/elementwise.ts';
import { softmax } from '../ops/reduce.ts';
import { linear } from '../ops/linalg.ts';
import { seed } from './random.ts';

export const npx = {
  relu: (x: NDArray): NDArray => unary('relu', x),
  sigmoid: (x: NDArray): NDArray => unary('sigmoid', x),
  tanh: (x: NDArray): NDArray => unary('tanh', x),
  gelu: (x: NDArray): NDArray => unary('gelu', x),
  softrelu: (x: NDArray): NDArray => unary('softrelu', x),
  softmax: (x: NDArray, axis = -1): NDArray => softmax(x, axis, false),
  logSoftmax: (x: NDArray, axis = -1): NDArray => softmax(x, axis, true),
  /** Gluon FullyConnected (see ops/linalg.ts linear). */
  fullyConnected: linear,
  linear,
  cpu, gpu, numGpus,
  seed,
};
