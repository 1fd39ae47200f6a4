// dtypes: names, byte sizes, typed-array mapping and numpy-like promotion (MXNet flavoured:
// int + float32 stays float32, and integer division gives float32).

import { DTYPE_CODE, type DTypeCode } from '../backend/native-addon.ts';
import { errors } from '../core/errors.ts';

export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8' | 'bool';
export const DEFAULT_DTYPE: DType = 'float32';

export type TypedArrayOf<D extends DType> = D extends 'float32'
  ? Float32Array
  : D extends 'float64'
    ? Float64Array
    : D extends 'int32'
      ? Int32Array
      : D extends 'int64'
        ? BigInt64Array
        : Uint8Array;
export type AnyTypedArray = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

export const DTYPE_INFO: Readonly<
  Record<
    DType,
    {
      code: DTypeCode;
      bytes: number;
      isFloat: boolean;
      rank: number;
      make: (n: number) => AnyTypedArray;
    }
  >
> = {
  bool: { code: DTYPE_CODE.bool, bytes: 1, isFloat: false, rank: 0, make: (n) => new Uint8Array(n) },
  uint8: { code: DTYPE_CODE.uint8, bytes: 1, isFloat: false, rank: 1, make: (n) => new Uint8Array(n) },
  int32: { code: DTYPE_CODE.int32, bytes: 4, isFloat: false, rank: 2, make: (n) => new Int32Array(n) },
  int64: { code: DTYPE_CODE.int64, bytes: 8, isFloat: false, rank: 3, make: (n) => new BigInt64Array(n) },
  float32: { code: DTYPE_CODE.float32, bytes: 4, isFloat: true, rank: 4, make: (n) => new Float32Array(n) },
  float64: { code: DTYPE_CODE.float64, bytes: 8, isFloat: true, rank: 5, make: (n) => new Float64Array(n) },
};

export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(DTYPE_INFO, x);
}

export function checkDType(op: string, x: unknown): DType {
  if (!isDType(x)) throw errors.unknownDtype(op, x);
  return x;
}

export function isFloat(d: DType): boolean {
  return DTYPE_INFO[d].isFloat;
}

/**
 * Result dtype of a binary op on two arrays: the wider of the two on the chain
 * bool < uint8 < int32 < int64 < float32 < float64, except that any float with float32 (and any
 * int with float32) gives float32, as MXNet does.
 */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  return DTYPE_INFO[a].rank >= DTYPE_INFO[b].rank ? a : b;
}

/** Result dtype of array ⊕ JS number (numpy 2 / NEP 50 style: the array's kind wins unless it must become float). */
export function scalarResultType(a: DType, scalar: number): DType {
  if (DTYPE_INFO[a].isFloat) return a;
  if (!Number.isInteger(scalar)) return DEFAULT_DTYPE;
  return a === 'bool' ? 'int64' : a;
}

/** Reads element i of a typed array as a JS number (int64 via Number: exact up to 2^53). */
export function typedGet(t: AnyTypedArray, i: number): number {
  const v = t[i]!;
  return typeof v === 'bigint' ? Number(v) : v;
}
