// Checks shared by every op before it calls the addon: same device, dtype conversion, and the
// text that native errors get so they name shapes, dtypes and devices.

import { errors } from '../core/errors.ts';
import { native } from '../backend/backend.ts';
import { DTYPE_INFO, type DType } from '../ndarray/dtype.ts';
import { NDArray } from '../ndarray/ndarray-core.ts';

/** Throws E_DEVICE_MISMATCH before any native call; MXNet never copies across devices silently. */
export function checkSameDevice(op: string, a: NDArray, b: NDArray): void {
  if (a.device !== b.device) throw errors.deviceMismatch(op, a.device.toString(), b.device.toString());
}

export function describe(...xs: NDArray[]): string {
  return xs.map((x) => `${x.dtype}${JSON.stringify(x.shape)} on ${x.device}`).join(', ');
}

/** x converted to dtype (x itself when it already has it). Not recorded: callers record the op. */
export function castTo(x: NDArray, dtype: DType, op: string): NDArray {
  if (x.dtype === dtype) return x;
  const out = NDArray._alloc(x.shape, dtype, x.device, op);
  try {
    native().cast(DTYPE_INFO[x.dtype].code, x.buffer, DTYPE_INFO[dtype].code, out.buffer, x.size);
  } catch (e) {
    out.dispose();
    throw errors.fromNative(op, e, `casting ${describe(x)} to ${dtype}`);
  }
  return out;
}

/** Ensures x is a NDArray (helps plain-JS callers passing arrays of numbers by mistake). */
export function checkArray(op: string, x: unknown, what = 'argument'): NDArray {
  if (!(x instanceof NDArray)) throw errors.args(op, `${what} must be an NDArray, got ${typeof x === 'object' ? JSON.stringify(x) : String(x)}`);
  return x;
}
