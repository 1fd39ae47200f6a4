// NDArray's core: a contiguous row-major array in native storage (allocation, deferred
// transposes, reading back, printing, the autograd fields). It imports no op: engine/ops and
// engine/autograd build on this class, and engine/ndarray/ndarray.ts attaches the MXNet numpy-mode
// method set (one-line delegations to the ops) to it, so the dependency runs one way (tfjs
// attaches its chained ops to Tensor the same way). Import NDArray from ndarray.ts, except in
// engine/ops, engine/autograd and creation.ts, which must import this file.
//
// Storage sharing: reshape/expandDims/squeeze/flatten return views over the SAME native buffer.
// There is no refcount: dispose() on any view frees the storage for all of them (later use throws
// E_DISPOSED). Without dispose(), storage is freed when the last view is garbage collected.

import type { NativeBuffer } from '../backend/native-addon.ts';
import { deferCopy, native } from '../backend/backend.ts';
import { errors } from '../core/errors.ts';
import { DTYPE_INFO, checkDType, typedGet, type AnyTypedArray, type DType } from './dtype.ts';
import { currentDevice, type Device } from './device.ts';
import { checkShape, sizeOf, type Shape } from './shape.ts';
import { formatArray } from './format.ts';
import type { TapeNode } from '../autograd/tape.ts';
import { recordOp } from '../autograd/tape.ts';
import type { GradReq } from '../autograd/backward.ts';

export type NestedArray = number | boolean | NestedArray[];

/** Budget checks call into the addon, so only sizes this large pay for one. */
const BUDGET_CHECK_BYTES = 64 * 2 ** 20;

export class NDArray {
  private _buf: NativeBuffer;
  /** @internal set while this array is the not-yet-made transpose of a 2-D `_tsrc` (see _transposeOf). */
  _tsrc: NDArray | null = null;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly device: Device;
  readonly size: number;
  /** @internal autograd: the op that produced this array while recording. */
  _node: TapeNode | null = null;
  /** @internal autograd: gradient request set by attachGrad. */
  _gradReq: GradReq = 'null';
  /** @internal autograd: gradient buffer (allocated by attachGrad). */
  _grad: NDArray | null = null;

  /** @internal use np.* creation functions; this wraps existing storage. */
  constructor(buffer: NativeBuffer, shape: readonly number[], dtype: DType, device: Device, size = sizeOf(shape)) {
    this._buf = buffer;
    this.shape = shape;
    this.dtype = dtype;
    this.device = device;
    this.size = size;
  }

  /** The native storage (made now if this is a deferred transpose). */
  get buffer(): NativeBuffer {
    return this._tsrc === null ? this._buf : this._materialize();
  }

  /**
   * @internal The storage this array reads now, shared by its views (a deferred transpose still
   * names its source's): identity for tracking who holds a buffer, with no copy made.
   */
  get _storage(): NativeBuffer {
    return this._buf;
  }

  /**
   * @internal The transpose of the 2-D array `src` with its copy deferred: np.dot / np.matmul read
   * `src` directly with the GEMM's transpose flag (no copy at all for `np.dot(x, w.T)`); anything
   * else that reads `.buffer` makes the copy then. The backend makes it before `src`'s storage is
   * written or freed (backend.ts deferCopy), so the array always holds the values `src` had when
   * it was transposed, as an eager copy would.
   */
  static _transposeOf(src: NDArray): NDArray {
    const t = new NDArray(src.buffer, [src.shape[1]!, src.shape[0]!], src.dtype, src.device, src.size);
    t._tsrc = src;
    deferCopy(src.buffer, t);
    return t;
  }

  /** @internal makes a deferred transpose's copy (see _transposeOf). */
  _materialize(): NativeBuffer {
    const src = this._tsrc;
    if (src === null) return this._buf; // already made (the backend may ask again)
    const rows = src.shape[0]!,
      cols = src.shape[1]!;
    const out = NDArray._alloc(this.shape, this.dtype, this.device, 'transpose', this.size);
    try {
      native().copyStrided(DTYPE_INFO[this.dtype].code, src.buffer, 0, [1, cols], out._buf, 0, [rows, 1], [cols, rows]);
    } catch (e) {
      native().dispose(out._buf);
      throw errors.fromNative('transpose', e, `array of shape ${JSON.stringify(src.shape)}`);
    }
    this._buf = out._buf;
    this._tsrc = null;
    return this._buf;
  }

  /** @internal allocates uninitialised storage; `shape` must already be valid unless `op` validation is wanted. */
  static _alloc(shape: readonly number[], dtype: DType, device: Device, op = 'alloc', size = sizeOf(shape)): NDArray {
    const bytes = size * DTYPE_INFO[dtype].bytes;
    let buf: NativeBuffer;
    try {
      buf = native().alloc(device.typeCode, device.id, bytes);
    } catch (e) {
      throw errors.fromNative(op, e, `shape ${JSON.stringify(shape)}, dtype ${dtype}, device ${device}`);
    }
    return new NDArray(buf, shape, dtype, device, size);
  }

  /** @internal validated allocation for user-given shapes: checks dims and the memory budget first. */
  static _allocChecked(op: string, shape: readonly unknown[], dtype: unknown, device: Device | undefined): NDArray {
    const d = checkDType(op, dtype ?? 'float32');
    const size = checkShape(op, shape);
    const bytes = size * DTYPE_INFO[d].bytes;
    if (bytes > BUDGET_CHECK_BYTES) {
      const budget = native().memoryStats().budgetBytes;
      if (bytes > budget) throw errors.tooLarge(op, shape as number[], bytes, budget);
    }
    return NDArray._alloc((shape as number[]).slice(), d, device ?? currentDevice(), op, size);
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** Frees the storage now (shared by every reshape view of it). Idempotent. */
  dispose(): void {
    native().dispose(this.buffer);
  }

  get isDisposed(): boolean {
    return native().bufferInfo(this.buffer).disposed;
  }

  // ---- export
  /** A copy of the contents as a typed array (BigInt64Array for int64, Uint8Array for bool/uint8). */
  toTyped(): AnyTypedArray {
    const out = DTYPE_INFO[this.dtype].make(this.size);
    try {
      native().read(this.buffer, 0, out);
    } catch (e) {
      throw errors.fromNative('toTyped', e, `array of shape ${JSON.stringify(this.shape)}`);
    }
    return out;
  }
  /** Nested JS arrays (numbers; booleans for bool); a 0-d array gives its value. */
  toArray(): NestedArray {
    const t = this.toTyped();
    const isBool = this.dtype === 'bool';
    const shape = this.shape;
    let pos = 0;
    const build = (axis: number): NestedArray => {
      if (axis === shape.length) {
        const v = typedGet(t, pos++);
        return isBool ? v !== 0 : v;
      }
      const out: NestedArray[] = [];
      for (let i = 0; i < shape[axis]!; i++) out.push(build(axis + 1));
      return out;
    };
    return build(0);
  }
  /** The single element of a size-1 array, as a number (boolean for bool arrays). */
  item(): number | boolean {
    if (this.size !== 1) throw errors.args('item', `can only convert an array of size 1, got shape ${JSON.stringify(this.shape)}`);
    const v = typedGet(this.toTyped(), 0);
    return this.dtype === 'bool' ? v !== 0 : v;
  }
  /** numpy/MXNet repr: `array([1., 2.])`, with dtype and ctx suffixes when not default. */
  toString(): string {
    return formatArray(this);
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** The gradient written by backward(); null before attachGrad. */
  get grad(): NDArray | null {
    return this._grad;
  }
  get gradReq(): GradReq {
    return this._gradReq;
  }
}

/** @internal a shape-only view over the same storage (used by reshape and friends). */
export function viewOf(x: NDArray, shape: Shape, op: string): NDArray {
  const v = new NDArray(x.buffer, shape, x.dtype, x.device, x.size);
  recordOp(op, [x], v, x.shape);
  return v;
}
