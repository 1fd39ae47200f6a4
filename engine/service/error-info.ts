// Turns whatever a handler threw into the coded ErrorInfo a response carries. Engine, model and
// file errors keep their own codes and places; anything uncoded is an internal error (a bug).
import { EngineError } from '../core/errors.ts';
import { IoError } from '../io/io-error.ts';
import { ModelError } from '../nn/model-errors.ts';
import { ServiceError, type ErrorInfo } from '../protocol/service-protocol.ts';

export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof ServiceError) return error.toInfo();
  if (error instanceof IoError) {
    return { code: error.code, message: error.message, details: { file: error.file, entry: error.entry, offset: error.offset } };
  }
  if (error instanceof ModelError) return { code: error.code, message: error.message, details: { names: [...error.names] } };
  if (error instanceof EngineError) return { code: error.code, message: error.message, details: { op: error.op } };
  const coded = error as { code?: unknown; message?: unknown; name?: unknown };
  // Errors from the graph layer carry a code and, often, problems with their places.
  if (typeof coded?.code === 'string' && /^E_[A-Z0-9_]+$/.test(coded.code) && typeof coded.message === 'string') {
    const problems = (error as { problems?: unknown }).problems;
    return problems === undefined ? { code: coded.code, message: coded.message } : { code: coded.code, message: coded.message, details: { problems } };
  }
  if (error instanceof RangeError && /Invalid typed array length|Array buffer allocation failed/.test(error.message)) {
    return { code: 'E_OUT_OF_MEMORY', message: `the engine could not allocate memory: ${error.message}` };
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { code: 'E_INTERNAL', message: `internal error in the engine: ${message}` };
}
