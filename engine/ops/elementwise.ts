// Elementwise ops: unary, binary with numpy broadcasting (array ⊕ array or array ⊕ number),
// in-place updates, casts and copies. This is the hottest path in the engine: no closures,
// strides computed only when shapes differ, the tape touched only while recording.

import { BINARY_OP, UNARY_OP, type BinaryOpCode } from '../backend/native-addon.ts';
import { native } from '../backend/backend.ts';
import { errors } from '../core/errors.ts';
import { DTYPE_INFO, checkDType, isFloat, promoteTypes, scalarResultType, type DType } from '../ndarray/dtype.ts';
import { Device } from '../ndarray/device.ts';
import { NDArray } from '../ndarray/ndarray-core.ts';
import { broadcastShapes, broadcastStrides, sameShape } from '../ndarray/shape.ts';
import { recordOp, recordingState, tracksGrad } from '../autograd/tape.ts';
import { castTo, checkSameDevice, describe } from './operands.ts';

export type UnaryName = keyof typeof UNARY_OP;
export type BinaryName = keyof typeof BINARY_OP;
export type Operand = NDArray | number;

const FLOAT_ONLY: Readonly<Record<UnaryName, boolean>> = {
  relu: true,
  sigmoid: true,
  tanh: true,
  gelu: true,
  exp: true,
  log: true,
  abs: false,
  neg: false,
  sqrt: true,
  square: false,
  softrelu: true,
  sign: false,
  leakyRelu: true,
  elu: true,
  selu: true,
  silu: true,
  hardSigmoid: true,
  hardSwish: true,
  geluTanh: true,
};

/** Recorded with the parametrised activations (leakyRelu, elu, silu) so backward gets alpha back. */
export interface UnaryAttrs {
  alpha: number;
}

/** f(x) elementwise; `alpha` is the parameter of leakyRelu / elu / silu (see UNARY_OP), 0 for the rest. */
export function unary(name: UnaryName, x: NDArray, alpha = 0): NDArray {
  const src = FLOAT_ONLY[name] && !isFloat(x.dtype) ? castTo(x, 'float32', name) : x;
  const out = NDArray._alloc(x.shape, src.dtype, x.device, name, x.size);
  try {
    native().unary(UNARY_OP[name], DTYPE_INFO[src.dtype].code, src.buffer, out.buffer, x.size, alpha);
  } catch (e) {
    throw errors.fromNative(name, e, describe(x));
  }
  if (recordingState.recording && src === x) recordOp(name, [x], out, alpha === 0 ? null : ({ alpha } satisfies UnaryAttrs));
  return out;
}

/** dx = dy * f'(x) through the addon (y = f(x) is passed for ops that prefer it). */
export function unaryBackward(name: UnaryName, x: NDArray, y: NDArray, dy: NDArray, alpha = 0): NDArray {
  const gy = castTo(dy, x.dtype, name);
  const dx = NDArray._alloc(x.shape, x.dtype, x.device, `${name} backward`);
  try {
    native().unaryBackward(UNARY_OP[name], DTYPE_INFO[x.dtype].code, x.buffer, y.buffer, gy.buffer, dx.buffer, x.size, alpha);
  } catch (e) {
    throw errors.fromNative(`${name} backward`, e, describe(x, dy));
  }
  return dx;
}

export function binary(name: BinaryName, a: Operand, b: Operand): NDArray {
  if (typeof b === 'number') {
    if (typeof a === 'number') throw errors.args(name, 'at least one operand must be an NDArray');
    return scalarOp(name, a, b, false);
  }
  if (typeof a === 'number') return scalarOp(name, b, a, true);
  if (a.device !== b.device) checkSameDevice(name, a, b);
  const code = BINARY_OP[name];
  let dtype = a.dtype === b.dtype ? a.dtype : promoteTypes(a.dtype, b.dtype);
  if (code === BINARY_OP.div && !isFloat(dtype)) dtype = 'float32';
  const ac = castTo(a, dtype, name);
  const bc = castTo(b, dtype, name);
  const outDtype: DType = code >= BINARY_OP.eq ? 'bool' : dtype;
  let out: NDArray;
  try {
    // Equal shapes, or one operand a single element that adds no axes: no stride lists needed.
    if (sameShape(a.shape, b.shape)) {
      out = NDArray._alloc(a.shape, outDtype, a.device, name, a.size);
      native().binaryFlat(code, DTYPE_INFO[dtype].code, ac.buffer, 1, bc.buffer, 1, out.buffer, a.size);
    } else if (b.size === 1 && b.ndim <= a.ndim) {
      out = NDArray._alloc(a.shape, outDtype, a.device, name, a.size);
      native().binaryFlat(code, DTYPE_INFO[dtype].code, ac.buffer, 1, bc.buffer, 0, out.buffer, a.size);
    } else if (a.size === 1 && a.ndim <= b.ndim) {
      out = NDArray._alloc(b.shape, outDtype, a.device, name, b.size);
      native().binaryFlat(code, DTYPE_INFO[dtype].code, ac.buffer, 0, bc.buffer, 1, out.buffer, b.size);
    } else {
      const shape = broadcastShapes(name, a.shape, b.shape);
      out = NDArray._alloc(shape, outDtype, a.device, name);
      native().binary(
        code,
        DTYPE_INFO[dtype].code,
        ac.buffer,
        broadcastStrides(a.shape, shape),
        bc.buffer,
        broadcastStrides(b.shape, shape),
        out.buffer,
        shape,
      );
    }
  } catch (e) {
    throw errors.fromNative(name, e, describe(a, b));
  } finally {
    // Promotion copies are private to this call: free them now rather than at the next GC.
    if (ac !== a) ac.dispose();
    if (bc !== b) bc.dispose();
  }
  if (recordingState.recording && code < BINARY_OP.eq) recordOp(name, [a, b], out);
  return out;
}

function scalarOp(name: BinaryName, x: NDArray, scalar: number, scalarFirst: boolean): NDArray {
  if (typeof scalar !== 'number') throw errors.args(name, `operand must be an NDArray or a number, got ${String(scalar)}`);
  const code: BinaryOpCode = BINARY_OP[name];
  let dtype = x.dtype;
  if (!DTYPE_INFO[dtype].isFloat) {
    dtype = scalarResultType(dtype, scalar);
    if (code === BINARY_OP.div && !isFloat(dtype)) dtype = 'float32';
  }
  const xc = dtype === x.dtype ? x : castTo(x, dtype, name);
  const out = NDArray._alloc(x.shape, code >= BINARY_OP.eq ? 'bool' : dtype, x.device, name, x.size);
  try {
    native().binaryScalar(code, DTYPE_INFO[dtype].code, xc.buffer, scalar, scalarFirst, out.buffer, x.size);
  } catch (e) {
    throw errors.fromNative(name, e, `${describe(x)} with scalar ${scalar}`);
  } finally {
    if (xc !== x) xc.dispose();
  }
  if (recordingState.recording && code < BINARY_OP.eq) recordOp(name, [x], out, { scalar, scalarFirst });
  return out;
}

/** x ⊕= b in place (numpy `x += b`): the result is broadcast-checked and cast back to x's dtype. */
export function inplace(name: BinaryName, x: NDArray, b: Operand): void {
  const op = `i${name}`;
  if (recordingState.recording && tracksGrad(x)) {
    throw errors.grad(
      op,
      'cannot modify an array in place while recording, because its value is needed for ' +
        'backward. Update it outside autograd.record() or use the out-of-place op.',
    );
  }
  const r = binary(name, x, b);
  writeInto(op, r, x);
  r.dispose();
}

/** Copies src's contents into dst (same shape; cast to dst's dtype when they differ). */
export function writeInto(op: string, src: NDArray, dst: NDArray): void {
  if (!sameShape(src.shape, dst.shape)) {
    throw errors.shapeMismatch(op, `cannot write a result of shape ${JSON.stringify(src.shape)} into an array of ` + `shape ${JSON.stringify(dst.shape)}`);
  }
  checkSameDevice(op, src, dst);
  try {
    if (src.dtype === dst.dtype) {
      native().copyBytes(src.buffer, 0, dst.buffer, 0, src.size * DTYPE_INFO[src.dtype].bytes);
    } else {
      native().cast(DTYPE_INFO[src.dtype].code, src.buffer, DTYPE_INFO[dst.dtype].code, dst.buffer, src.size);
    }
  } catch (e) {
    throw errors.fromNative(op, e, describe(src, dst));
  }
}

export function copy(x: NDArray): NDArray {
  const out = toDevice(x, x.device, 'copy');
  if (recordingState.recording) recordOp('copy', [x], out);
  return out;
}

function toDevice(x: NDArray, device: Device, op: string): NDArray {
  const out = NDArray._alloc(x.shape, x.dtype, device, op);
  try {
    native().copyBytes(x.buffer, 0, out.buffer, 0, x.size * DTYPE_INFO[x.dtype].bytes);
  } catch (e) {
    out.dispose();
    throw errors.fromNative(op, e, `${describe(x)} to ${device}`);
  }
  return out;
}

/** MXNet copyto: always copies; to a device (new array) or into an existing array (returned). */
export function copyto(x: NDArray, target: Device | NDArray): NDArray {
  if (target instanceof Device) {
    const out = toDevice(x, target, 'copyto');
    if (recordingState.recording) recordOp('copy', [x], out);
    return out;
  }
  if (!(target instanceof NDArray)) throw errors.args('copyto', 'target must be a Device or an NDArray');
  if (target === x) return x;
  if (!sameShape(x.shape, target.shape)) {
    throw errors.shapeMismatch('copyto', `source shape ${JSON.stringify(x.shape)} differs from target shape ` + `${JSON.stringify(target.shape)}`);
  }
  if (x.device === target.device) {
    writeInto('copyto', x, target);
  } else {
    const moved = castTo(x, target.dtype, 'copyto');
    try {
      native().copyBytes(moved.buffer, 0, target.buffer, 0, x.size * DTYPE_INFO[target.dtype].bytes);
    } catch (e) {
      throw errors.fromNative('copyto', e, `${describe(x)} into ${describe(target)}`);
    }
  }
  return target;
}

export function astype(x: NDArray, dtype: DType): NDArray {
  checkDType('astype', dtype);
  const out = x.dtype === dtype ? copy(x) : castTo(x, dtype, 'astype');
  if (recordingState.recording && out !== x && isFloat(dtype) && isFloat(x.dtype)) recordOp('astype', [x], out);
  return out;
}
