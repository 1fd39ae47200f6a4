// Blocksmith's engine entry point, shaped like MXNet's:
//   import { np, npx, autograd, cpu } from './engine/index.ts';
// Later layers (nn/, init/, io/, train/) add their exports here.

export { np } from './ndarray/np.ts';
export { npx } from './ndarray/npx.ts';
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
export { EngineError } from './core/errors.ts';
export type { EngineErrorCode } from './core/errors.ts';
