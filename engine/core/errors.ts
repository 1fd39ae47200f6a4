// The engine's coded error catalog: every error a user can meet names the operation, the values
// involved (shapes, dtypes, devices, indices) and what to do about it.

export type EngineErrorCode =
  'E_SHAPE' | 'E_DTYPE' | 'E_DEVICE_MISMATCH' | 'E_INDEX' | 'E_ARGS' | 'E_GRAD' | 'E_OUT_OF_MEMORY' | 'E_NO_CUDA' | 'E_DISPOSED' | 'E_NATIVE' | 'E_NATIVE_LOAD';

export class EngineError extends Error {
  readonly code: EngineErrorCode;
  /** The operation that failed, e.g. 'add' or 'reshape'. */
  readonly op: string;
  constructor(code: EngineErrorCode, op: string, message: string, options?: { cause?: unknown }) {
    super(`${op}: ${message}`, options);
    this.name = 'EngineError';
    this.code = code;
    this.op = op;
  }
}

export function formatShape(shape: readonly number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

export const errors = {
  invalidShape(op: string, shape: readonly unknown[], why: string): EngineError {
    return new EngineError('E_SHAPE', op, `invalid shape [${shape.map(String).join(', ')}]: ${why}. ` + 'Dimensions must be non-negative integers.');
  },
  shapeMismatch(op: string, detail: string): EngineError {
    return new EngineError('E_SHAPE', op, detail);
  },
  broadcast(op: string, a: readonly number[], b: readonly number[]): EngineError {
    return new EngineError(
      'E_SHAPE',
      op,
      `shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast ` +
        'together: trailing dimensions must be equal or 1. Reshape one operand (e.g. expandDims) first.',
    );
  },
  tooLarge(op: string, shape: readonly number[], bytes: number, budget: number): EngineError {
    return new EngineError(
      'E_OUT_OF_MEMORY',
      op,
      `an array of shape ${formatShape(shape)} needs ` +
        `${formatBytes(bytes)}, more than the ${formatBytes(budget)} the engine may use. Use a smaller shape or batch.`,
    );
  },
  dtype(op: string, detail: string): EngineError {
    return new EngineError('E_DTYPE', op, detail);
  },
  unknownDtype(op: string, got: unknown): EngineError {
    return new EngineError('E_DTYPE', op, `unknown dtype ${JSON.stringify(got)}; expected one of ` + 'float32, float64, int32, int64, uint8, bool.');
  },
  deviceMismatch(op: string, a: string, b: string): EngineError {
    return new EngineError('E_DEVICE_MISMATCH', op, `arrays are on ${a} and ${b}; move one with ` + 'copyto/asInContext so both live on the same device.');
  },
  index(op: string, axis: number, index: number, size: number): EngineError {
    return new EngineError('E_INDEX', op, `index ${index} is out of bounds for axis ${axis} with size ${size}` + ` (valid: ${-size} .. ${size - 1}).`);
  },
  axis(op: string, axis: number, ndim: number): EngineError {
    return new EngineError('E_INDEX', op, `axis ${axis} is out of bounds for an array of ndim ${ndim}` + ` (valid: ${-ndim} .. ${ndim - 1}).`);
  },
  args(op: string, detail: string): EngineError {
    return new EngineError('E_ARGS', op, detail);
  },
  grad(op: string, detail: string): EngineError {
    return new EngineError('E_GRAD', op, detail);
  },
  /** Wraps an error thrown by the native addon, keeping its code and naming the operation. */
  fromNative(op: string, err: unknown, context: string): EngineError {
    if (err instanceof EngineError) {
      // An allocation failing inside an op is reported as that op's failure.
      return err.op === 'alloc' && op !== 'alloc' ? new EngineError(err.code, op, err.message, { cause: err }) : err;
    }
    const e = err as { code?: string; message?: string };
    const code = NATIVE_CODES[e?.code ?? ''] ?? 'E_NATIVE';
    const hint = NATIVE_HINTS[code] ?? '';
    return new EngineError(code, op, `${e?.message ?? String(err)} (${context})${hint}`, { cause: err });
  },
};

const NATIVE_CODES: Record<string, EngineErrorCode> = {
  E_NATIVE_ARGS: 'E_ARGS',
  E_OUT_OF_BOUNDS: 'E_INDEX',
  E_DTYPE: 'E_DTYPE',
  E_OUT_OF_MEMORY: 'E_OUT_OF_MEMORY',
  E_DISPOSED: 'E_DISPOSED',
  E_DEVICE_MISMATCH: 'E_DEVICE_MISMATCH',
  E_NO_CUDA: 'E_NO_CUDA',
  E_DNNL: 'E_NATIVE',
  E_CUDA: 'E_NATIVE',
  E_NATIVE_LOAD: 'E_NATIVE_LOAD',
};

const NATIVE_HINTS: Partial<Record<EngineErrorCode, string>> = {
  E_DISPOSED: '. The array (or a view sharing its storage) was disposed; do not use it afterwards.',
  E_NO_CUDA: '. No usable GPU in this build or machine; use cpu() or tryGpu(), which falls back to cpu().',
  E_OUT_OF_MEMORY: '. Free arrays with dispose() or use smaller shapes.',
};

function formatBytes(n: number): string {
  if (n >= 2 ** 40) return `${(n / 2 ** 40).toFixed(1)} TiB`;
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  return `${n} bytes`;
}
