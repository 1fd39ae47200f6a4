// Random arrays from the addon's counter-based Philox stream. A global (seed, counter) pair makes
// a seeded program reproducible: each call uses blocks [counter, counter + ceil(n / 4)) and
// advances the counter past them. A per-call seed reads its own stream from counter 0.

import { native } from '../backend/backend.ts';
import { errors } from '../core/errors.ts';
import { DTYPE_INFO, isFloat } from './dtype.ts';
import { NDArray } from './ndarray.ts';
import type { CreateOptions, ShapeArg } from './creation.ts';

export interface RandomOptions extends CreateOptions {
  /** Use this seed (from counter 0) instead of advancing the global stream. */
  seed?: number;
}

/** The engine's one piece of process-wide random state (MXNet's is global too). */
const stream = { seed: 0, counter: 0 };

/** Restarts the global stream: the same seed gives the same sequence of arrays. */
export function seed(n: number): void {
  checkSeed('seed', n);
  stream.seed = n;
  stream.counter = 0;
}

function checkSeed(op: string, n: number): void {
  if (!Number.isInteger(n) || n < 0 || n >= 2 ** 53) throw errors.args(op, `seed must be an integer in [0, 2^53), got ${n}`);
}

type Kernel = 'randomUniform' | 'randomNormal';

function sample(op: string, kernel: Kernel, a: number, b: number, shape: ShapeArg, options?: RandomOptions): NDArray {
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw errors.args(op, `parameters must be finite numbers, got ${a} and ${b}`);
  const dtype = options?.dtype ?? 'float32';
  if (!isFloat(dtype)) throw errors.dtype(op, `random ${op} makes float32 or float64 arrays, not ${dtype}; use astype() afterwards`);
  const x = NDArray._allocChecked(op, typeof shape === 'number' ? [shape] : shape, dtype, options?.device ?? options?.ctx);
  let s = stream.seed;
  let counter = stream.counter;
  if (options?.seed !== undefined) {
    checkSeed(op, options.seed);
    s = options.seed;
    counter = 0;
  } else {
    stream.counter += Math.ceil(x.size / 4);
  }
  try {
    native()[kernel](DTYPE_INFO[dtype].code, x.buffer, x.size, a, b, s, counter);
  } catch (e) {
    throw errors.fromNative(op, e, `${dtype}${JSON.stringify(x.shape)} on ${x.device}`);
  }
  return x;
}

/** Uniform on [low, high): `np.random.uniform(0, 1, [2, 20])` (the chapter's `size=(2, 20)`). */
export function uniform(low = 0, high = 1, shape: ShapeArg = [], options?: RandomOptions): NDArray {
  return sample('uniform', 'randomUniform', low, high, shape, options);
}

/** Normal with mean `loc` and standard deviation `scale`. */
export function normal(loc = 0, scale = 1, shape: ShapeArg = [], options?: RandomOptions): NDArray {
  if (scale < 0) throw errors.args('normal', `scale must be non-negative, got ${scale}`);
  return sample('normal', 'randomNormal', loc, scale, shape, options);
}
