// The `np` namespace: MXNet's mxnet.numpy surface (np.ones, np.random.uniform, np.dot, ...).

import { NDArray } from './ndarray.ts';
import { array, arange, empty, eye, full, fullLike, ones, onesLike, zeros, zerosLike } from './creation.ts';
import { normal, seed, uniform } from './random.ts';
import { binary, unary, type Operand } from '../ops/elementwise.ts';
import { argReduce, reduce, type Axis } from '../ops/reduce.ts';
import { dot, matmul, matmulAsync } from '../ops/linalg.ts';
import { broadcastTo, concat, expandDims, flatten, reshape, split, squeeze, stack, transpose } from '../ops/layout.ts';

const b =
  (name: Parameters<typeof binary>[0]) =>
  (x: Operand, y: Operand): NDArray =>
    binary(name, x, y);
const u =
  (name: Parameters<typeof unary>[0]) =>
  (x: NDArray): NDArray =>
    unary(name, x);
const r =
  (name: Parameters<typeof reduce>[0]) =>
  (x: NDArray, axis?: Axis, keepdims = false): NDArray =>
    reduce(name, x, axis, keepdims);

export const np = {
  ndarray: NDArray,
  array,
  zeros,
  ones,
  full,
  empty,
  arange,
  eye,
  zerosLike,
  onesLike,
  fullLike,
  random: { seed, uniform, normal },
  add: b('add'),
  subtract: b('sub'),
  multiply: b('mul'),
  divide: b('div'),
  power: b('pow'),
  maximum: b('maximum'),
  minimum: b('minimum'),
  equal: b('eq'),
  notEqual: b('ne'),
  less: b('lt'),
  lessEqual: b('le'),
  greater: b('gt'),
  greaterEqual: b('ge'),
  negative: u('neg'),
  abs: u('abs'),
  exp: u('exp'),
  log: u('log'),
  sqrt: u('sqrt'),
  square: u('square'),
  sign: u('sign'),
  tanh: u('tanh'),
  sum: r('sum'),
  mean: r('mean'),
  max: r('max'),
  min: r('min'),
  prod: r('prod'),
  argmax: (x: NDArray, axis?: number | null): NDArray => argReduce('argmax', x, axis),
  argmin: (x: NDArray, axis?: number | null): NDArray => argReduce('argmin', x, axis),
  dot,
  matmul,
  matmulAsync,
  concatenate: concat,
  concat,
  stack,
  split,
  reshape: (x: NDArray, shape: readonly number[]): NDArray => reshape(x, shape),
  transpose: (x: NDArray, axes?: readonly number[]): NDArray => transpose(x, axes),
  broadcastTo,
  expandDims,
  squeeze,
  flatten,
};
