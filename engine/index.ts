// Blocksmith's engine entry point, shaped like MXNet's:
//   import { np, npx, autograd, cpu } from './engine/index.ts';
// The model layer (nn/, init/, array files) comes from model-index.ts; later layers add theirs here.

export { np } from './ndarray/np.ts';
import { npx as npxArrays } from './ndarray/npx.ts';
import { npxFiles } from './io/ndarray-files.ts';

/** MXNet's numpy_extension: activations, softmax, devices, and npx.save / npx.load. */
export const npx = { ...npxArrays, ...npxFiles };
export { autograd } from './autograd/index.ts';
export type { GradReq, BackwardOptions } from './autograd/index.ts';
export { NDArray } from './ndarray/ndarray.ts';
export type { NestedArray } from './ndarray/ndarray.ts';
export { Device, cpu, gpu, numGpus, tryGpu, tryAllGpus, currentDevice, withDevice } from './ndarray/device.ts';
export type { DType } from './ndarray/dtype.ts';
export type { CreateOptions, ShapeArg } from './ndarray/creation.ts';
export type { RandomOptions } from './ndarray/random.ts';
export type { IndexItem, SliceSpec } from './ops/indexing.ts';
export type { LinearOptions } from './ops/linalg.ts';
export type { ConvOptions, ConvTransposeOptions } from './ops/conv.ts';
export type { PoolOptions } from './ops/pool.ts';
export { EngineError } from './core/errors.ts';
export type { EngineErrorCode } from './core/errors.ts';

export * from './model-index.ts';

// Training: losses, optimizers, schedules, Trainer, metrics, data sources, runs (engine/train/).
export * from './train/index.ts';
