// NDArray with the MXNet numpy-mode method set. The class itself (storage, reading back, printing)
// is ndarray-core.ts, which imports no op; this module attaches the methods, each a one-line
// delegation to engine/ops or engine/autograd, to its prototype. So ops and autograd import the
// core and the dependency runs one way: ndarray.ts → ops, autograd → ndarray-core.ts (tfjs attaches
// its chained ops to Tensor the same way). Everything outside ops/autograd imports NDArray from here.
import type { Device } from './device.ts';
import type { DType } from './dtype.ts';
import { NDArray } from './ndarray-core.ts';
import * as ew from '../ops/elementwise.ts';
import * as red from '../ops/reduce.ts';
import * as lay from '../ops/layout.ts';
import * as idx from '../ops/indexing.ts';
import { dot } from '../ops/linalg.ts';
import { attachGrad, backward, type GradReq, type BackwardOptions } from '../autograd/backward.ts';

export { NDArray, viewOf } from './ndarray-core.ts';
export type { NestedArray } from './ndarray-core.ts';

type Operand = NDArray | number;

/** The method set, written as a class so that each method reads as it would inside NDArray. */
abstract class ArrayMethods {
  // ---- copies and devices
  copy(this: NDArray): NDArray {
    return ew.copy(this);
  }
  /** Always copies: to a new array on `target`, or into the existing array `target`. */
  copyto(this: NDArray, target: Device | NDArray): NDArray {
    return ew.copyto(this, target);
  }
  /** `this` when already on `device`, else a copy there (MXNet as_in_ctx). */
  asInContext(this: NDArray, device: Device): NDArray {
    return this.device === device ? this : ew.copyto(this, device);
  }
  asInCtx(this: NDArray, device: Device): NDArray {
    return this.asInContext(device);
  }
  astype(this: NDArray, dtype: DType): NDArray {
    return ew.astype(this, dtype);
  }
  /** The same storage, cut off from autograd history. */
  detach(this: NDArray): NDArray {
    return new NDArray(this.buffer, this.shape, this.dtype, this.device, this.size);
  }

  // ---- layout (views share storage)
  reshape(this: NDArray, ...shape: (number | readonly number[])[]): NDArray {
    return lay.reshape(this, flatArgs(shape));
  }
  expandDims(this: NDArray, axis: number): NDArray {
    return lay.expandDims(this, axis);
  }
  squeeze(this: NDArray, axis?: number | readonly number[]): NDArray {
    return lay.squeeze(this, axis);
  }
  flatten(this: NDArray): NDArray {
    return lay.flatten(this);
  }
  get T(): NDArray {
    return lay.transpose(this as unknown as NDArray);
  }
  transpose(this: NDArray, ...axes: (number | readonly number[])[]): NDArray {
    return lay.transpose(this, axes.length ? flatArgs(axes) : undefined);
  }
  broadcastTo(this: NDArray, shape: readonly number[]): NDArray {
    return lay.broadcastTo(this, shape);
  }

  // ---- indexing
  /** `x.get(0, 1)` = numpy `x[0, 1]` (a copy; 0-d when every axis is indexed). */
  get(this: NDArray, ...index: idx.IndexItem[]): NDArray {
    return idx.get(this, index);
  }
  /** `x.slice([0, 2], null, [0, null, 2])`: one [start, stop, step?] or null (all) per axis. */
  slice(this: NDArray, ...spec: idx.SliceSpec[]): NDArray {
    return idx.slice(this, spec);
  }
  /**
   * In-place write: `x.set([0, 0], 42)` (numpy `x[0, 0] = 42`), `x.set(0, row)` (`x[0] = row`),
   * `x.set(null, y)` (`x[:] = y`), `x.set([[0, 2], 1], 7)` (`x[0:2, 1] = 7`).
   */
  set<A extends NDArray>(this: A, index: number | readonly idx.IndexItem[] | null, value: Operand): A {
    idx.set(this, index, value);
    return this;
  }

  // ---- elementwise
  add(this: NDArray, b: Operand): NDArray {
    return ew.binary('add', this, b);
  }
  sub(this: NDArray, b: Operand): NDArray {
    return ew.binary('sub', this, b);
  }
  mul(this: NDArray, b: Operand): NDArray {
    return ew.binary('mul', this, b);
  }
  div(this: NDArray, b: Operand): NDArray {
    return ew.binary('div', this, b);
  }
  pow(this: NDArray, b: Operand): NDArray {
    return ew.binary('pow', this, b);
  }
  maximum(this: NDArray, b: Operand): NDArray {
    return ew.binary('maximum', this, b);
  }
  minimum(this: NDArray, b: Operand): NDArray {
    return ew.binary('minimum', this, b);
  }
  eq(this: NDArray, b: Operand): NDArray {
    return ew.binary('eq', this, b);
  }
  ne(this: NDArray, b: Operand): NDArray {
    return ew.binary('ne', this, b);
  }
  lt(this: NDArray, b: Operand): NDArray {
    return ew.binary('lt', this, b);
  }
  le(this: NDArray, b: Operand): NDArray {
    return ew.binary('le', this, b);
  }
  gt(this: NDArray, b: Operand): NDArray {
    return ew.binary('gt', this, b);
  }
  ge(this: NDArray, b: Operand): NDArray {
    return ew.binary('ge', this, b);
  }
  /** In place (numpy `x += b`); the result keeps this array's dtype. */
  iadd<A extends NDArray>(this: A, b: Operand): A {
    ew.inplace('add', this, b);
    return this;
  }
  isub<A extends NDArray>(this: A, b: Operand): A {
    ew.inplace('sub', this, b);
    return this;
  }
  imul<A extends NDArray>(this: A, b: Operand): A {
    ew.inplace('mul', this, b);
    return this;
  }
  idiv<A extends NDArray>(this: A, b: Operand): A {
    ew.inplace('div', this, b);
    return this;
  }
  neg(this: NDArray): NDArray {
    return ew.unary('neg', this);
  }
  abs(this: NDArray): NDArray {
    return ew.unary('abs', this);
  }
  exp(this: NDArray): NDArray {
    return ew.unary('exp', this);
  }
  log(this: NDArray): NDArray {
    return ew.unary('log', this);
  }
  sqrt(this: NDArray): NDArray {
    return ew.unary('sqrt', this);
  }
  square(this: NDArray): NDArray {
    return ew.unary('square', this);
  }
  sign(this: NDArray): NDArray {
    return ew.unary('sign', this);
  }
  relu(this: NDArray): NDArray {
    return ew.unary('relu', this);
  }
  sigmoid(this: NDArray): NDArray {
    return ew.unary('sigmoid', this);
  }
  tanh(this: NDArray): NDArray {
    return ew.unary('tanh', this);
  }

  // ---- reductions
  sum(this: NDArray, axis?: red.Axis, keepdims = false): NDArray {
    return red.reduce('sum', this, axis, keepdims);
  }
  mean(this: NDArray, axis?: red.Axis, keepdims = false): NDArray {
    return red.reduce('mean', this, axis, keepdims);
  }
  max(this: NDArray, axis?: red.Axis, keepdims = false): NDArray {
    return red.reduce('max', this, axis, keepdims);
  }
  min(this: NDArray, axis?: red.Axis, keepdims = false): NDArray {
    return red.reduce('min', this, axis, keepdims);
  }
  prod(this: NDArray, axis?: red.Axis, keepdims = false): NDArray {
    return red.reduce('prod', this, axis, keepdims);
  }
  argmax(this: NDArray, axis?: number | null): NDArray {
    return red.argReduce('argmax', this, axis);
  }
  argmin(this: NDArray, axis?: number | null): NDArray {
    return red.argReduce('argmin', this, axis);
  }
  dot(this: NDArray, b: NDArray): NDArray {
    return dot(this, b);
  }

  // ---- autograd
  /** Allocates a zero gradient buffer and marks this array as a leaf (MXNet attach_grad). */
  attachGrad(this: NDArray, gradReq: GradReq = 'write'): void {
    attachGrad(this, gradReq);
  }
  /** Backpropagates from this array; headGrad defaults to ones of this shape. */
  backward(this: NDArray, headGrad?: NDArray | number, options?: BackwardOptions): void {
    backward(this, headGrad, options);
  }
}

declare module './ndarray-core.ts' {
  // The methods attached below, as members of NDArray for the type checker.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface NDArray extends ArrayMethods {}
}

for (const [key, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(ArrayMethods.prototype))) {
  if (key !== 'constructor') Object.defineProperty(NDArray.prototype, key, descriptor);
}

function flatArgs(args: readonly (number | readonly number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return (args[0] as number[]).slice();
  return args as number[];
}
