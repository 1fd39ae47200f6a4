// The model error class, at the bottom of the engine so that the layers below the model layer
// (engine/init) can raise it without importing engine/nn: the arrow runs downward only. The
// model layer's catalog of factories (engine/nn/model-errors.ts) builds on it.

import { formatShape } from './errors.ts';

/** Python's tuple repr, as Gluon prints shapes: (256, 20), (10,), () (the engine's one shape formatter). */
export const pyTuple = formatShape;

export type ModelErrorCode =
  | 'E_PARAM_UNINITIALIZED'
  | 'E_PARAM_DEFERRED'
  | 'E_PARAM_SHAPE'
  | 'E_PARAM_DEVICE'
  | 'E_PARAM_GRAD_REQ'
  | 'E_PARAM_ATTR'
  | 'E_PARAM_CONFLICT'
  | 'E_CONSTANT'
  | 'E_BLOCK'
  | 'E_INFER_SHAPE'
  | 'E_INIT'
  | 'E_LOAD_MISSING'
  | 'E_LOAD_EXTRA'
  | 'E_LOAD_SHAPE'
  | 'E_LOAD_DTYPE'
  | 'E_LOAD_DEVICE'
  | 'E_LOAD_FORMAT';

export class ModelError extends Error {
  readonly code: ModelErrorCode;
  /** Parameter names, block names or file keys the error is about (for the UI to highlight). */
  readonly names: readonly string[];
  constructor(code: ModelErrorCode, message: string, names: readonly string[] = []) {
    super(message);
    this.name = 'ModelError';
    this.code = code;
    this.names = names;
  }
}

/** An initializer's error (E_INIT): the message names the parameter and what to do. */
export function initError(detail: string): ModelError {
  return new ModelError('E_INIT', detail);
}
