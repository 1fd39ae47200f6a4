// Blocksmith's engine entry point, shaped like MXNet's:
//   import { np, npx, autograd, cpu } from './engine/index.ts';
// The model layer (nn/, init/, array files) follows the arrays; later layers add theirs below.

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

// The model layer's public API: nn, init, parameter files.
//   const net = new nn.Sequential().add(new nn.Dense(256, {activation: 'relu'}), new nn.Dense(10));

import { Block, indentRepr } from './nn/block.ts';
import { Parameter } from './nn/parameter.ts';
import { ConstantParameter } from './nn/constant-parameter.ts';
import { ParameterDict } from './nn/parameter-dict.ts';
import { LAYER_CLASSES, createLayer, layerKinds, layerSpec } from './nn/layers/index.ts';

/** mxnet.gluon.nn's shape: nn.Block, nn.Sequential, nn.Dense, ... — every registered layer class. */
export const nn = {
  ...LAYER_CLASSES,
  Block,
  Parameter,
  ConstantParameter,
  ParameterDict,
  createLayer,
  layerKinds,
  layerSpec,
};

export { Block, indentRepr, Parameter, ConstantParameter, ParameterDict };
// Every registered layer class (Dense, Conv2D, ...), createLayer, layerKinds, layerSpec.
export * from './nn/layers/index.ts';
export type { BlockOptions, BlockInitializeOptions } from './nn/block.ts';
export type { ParameterOptions, InitializeOptions, ParamState } from './nn/parameter.ts';
export type { DropoutArgs } from './nn/layers/dropout.ts';
export { NamingScope, withNamingScope, currentNamingScope } from './nn/naming-scope.ts';
export { ModelError, DeferredInitError, pyTuple } from './nn/model-errors.ts';
export type { ModelErrorCode } from './nn/model-errors.ts';
export { setWarningHandler, captureWarnings } from './nn/model-warnings.ts';
export type { WarningHandler } from './nn/model-warnings.ts';
export type { SaveParametersOptions, LoadParametersOptions } from './nn/parameter-file.ts';

// Initializers: the namespace (init.Constant(1) as in the chapter) and the classes.
export { init, Initializer, Uniform, Normal, Zero, One, Xavier, MSRAPrelu, Orthogonal, Bilinear, LSTMBias, Mixed } from './init/index.ts';
export { Constant as ConstantInit, createInitializer, registerInitializer, registeredInitializers } from './init/index.ts';
export type { InitSpec, InitFactory, InitDesc, XavierOptions, RndType, FactorType } from './init/index.ts';

// Array files: npx.save / npx.load (merge npxFiles into npx) and the NDArray <-> HostTensor glue.
export { npxFiles, save as saveArrays, load as loadArrays, toHostTensor, fromHostTensor } from './io/ndarray-files.ts';
export type { ArrayContent } from './io/ndarray-files.ts';

// The chapter's own blocks.
export * as examples from './nn/examples/index.ts';

// Training: losses, optimizers, schedules, Trainer, metrics, data sources, runs (engine/train/).
export * from './train/index.ts';
