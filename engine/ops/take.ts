// Row gather (npx.take / an embedding lookup) and its adjoint: out[..., :] = table[idx[...], :]
// for integer indices of any shape into a (rows, dim) table, on the native take / takeBackward
// kernels. The gradient scatter-adds into the table, so a token that repeats sums every
// gradient that read it (a dense gradient, as Gluon's Embedding with sparse_grad false).

import { native } from '../backend/backend.ts';
import { errors, formatShape } from '../core/errors.ts';
import { DTYPE_INFO, isFloat } from '../ndarray/dtype.ts';
import { NDArray } from '../ndarray/ndarray-core.ts';
import { recordOp, recordingState } from '../autograd/tape.ts';
import { zeros } from '../ndarray/creation.ts';
import { checkArray, checkSameDevice, describe } from './operands.ts';

export interface TakeAttrs {
  index: NDArray;
  n: number;
  rows: number;
  dim: number;
}

/** Indices as int32 / int64 (float indices, as Gluon feeds them, are truncated to int32). */
function asIndex(op: string, indices: NDArray): NDArray {
  if (indices.dtype === 'int32' || indices.dtype === 'int64') return indices;
  if (indices.dtype === 'bool') throw errors.dtype(op, 'indices must be integers (int32, int64) or whole floats, got bool');
  return indices.astype('int32');
}

/**
 * Rows of `table` (rows, dim) picked by `indices` (any shape): the result has shape
 * indices.shape + [dim]. An index outside [0, rows) is an error on the CPU.
 *
 *   const vectors = npx.take(weight, tokens); // (N, T) tokens → (N, T, dim)
 */
export function take(table: NDArray, indices: NDArray): NDArray {
  const op = 'take';
  checkArray(op, table, 'table');
  checkArray(op, indices, 'indices');
  checkSameDevice(op, table, indices);
  if (table.ndim !== 2) throw errors.shapeMismatch(op, `needs a (rows, dim) table, got ${formatShape(table.shape)}`);
  const index = asIndex(op, indices);
  const [rows, dim] = table.shape as [number, number];
  const n = index.size;
  const out = NDArray._alloc([...index.shape, dim], table.dtype, table.device, op);
  try {
    native().take(DTYPE_INFO[table.dtype].code, DTYPE_INFO[index.dtype].code, table.buffer, index.buffer, out.buffer, n, rows, dim);
  } catch (e) {
    throw errors.fromNative(op, e, `${describe(table)}, indices ${formatShape(indices.shape)}`);
  }
  if (recordingState.recording && isFloat(table.dtype)) recordOp(op, [table], out, { index, n, rows, dim } satisfies TakeAttrs);
  return out;
}

/** d table: zeros, then each index's output gradient added into its row. */
export function takeBackward(gy: NDArray, table: NDArray, a: TakeAttrs): NDArray {
  const g = gy.dtype === table.dtype ? gy : gy.astype(table.dtype);
  const dt = zeros(table.shape, { dtype: table.dtype, device: table.device });
  try {
    native().takeBackward(DTYPE_INFO[table.dtype].code, DTYPE_INFO[a.index.dtype].code, g.buffer, a.index.buffer, dt.buffer, a.n, a.rows, a.dim);
  } catch (e) {
    throw errors.fromNative('take backward', e, describe(table, gy));
  }
  return dt;
}
