// The model layer's coded error catalog (style convention 20): each factory names the parameter,
// block or file involved, the values seen and what to do next. Codes are stable for the UI. The
// class itself lives in engine/core/model-error.ts, so that engine/init can raise it too.
import { initError, ModelError, pyTuple } from '../core/model-error.ts';

export { ModelError, pyTuple };
export type { ModelErrorCode } from '../core/model-error.ts';

/** Reading a parameter whose initialization waits for the first batch (Gluon's DeferredInitializationError). */
export class DeferredInitError extends ModelError {
  constructor(param: string) {
    super(
      'E_PARAM_DEFERRED',
      `Parameter '${param}' has not been initialized yet because initialization was ` +
        'deferred: its shape is only known once data flows through the network. Run one batch through the ' +
        'network first (net.call(x)), or give the layer its input size (e.g. new Dense(10, {inUnits: 20})) so ' +
        'initialize() can finish immediately.',
      [param],
    );
    this.name = 'DeferredInitError';
  }
}

/** Quoted, comma-joined names; long lists keep the first 3 and last 4 around ', ..., ' like Gluon. */
export function quoteList(names: readonly string[]): string {
  const q = names.map((n) => `'${n}'`);
  if (q.length <= 7) return q.join(', ');
  return `${q.slice(0, 3).join(', ')}, ..., ${q.slice(-4).join(', ')}`;
}

export const modelErrors = {
  uninitialized(param: string): ModelError {
    return new ModelError(
      'E_PARAM_UNINITIALIZED',
      `Parameter '${param}' has not been initialized. Call ` +
        'net.initialize() (or param.initialize()) before reading its data. Initialize through the whole ' +
        'network (net.initialize() or net.collectParams().initialize()) rather than block.params, which ' +
        'does not include the parameters of nested child blocks.',
      [param],
    );
  },
  notOnDevice(param: string, device: string, devices: readonly string[]): ModelError {
    return new ModelError(
      'E_PARAM_DEVICE',
      `Parameter '${param}' was not initialized on device ${device}. ` +
        `It lives on ${devices.join(', ')}; pass one of those, or initialize it with {device: ${device}}.`,
      [param],
    );
  },
  invalidShape(param: string, shape: string, why = ''): ModelError {
    return new ModelError(
      'E_PARAM_SHAPE',
      `Cannot initialize Parameter '${param}' because it has invalid shape: ` +
        `${shape}.${why || ' Give every dimension (e.g. inUnits for Dense), or allow deferred initialization.'}`,
      [param],
    );
  },
  incompatibleShape(param: string, wanted: string, stored: string): ModelError {
    return new ModelError(
      'E_PARAM_SHAPE',
      `Expected shape ${wanted} is incompatible with given shape ${stored} ` +
        `for Parameter '${param}': the ranks must match and every known dimension must agree.`,
      [param],
    );
  },
  gradReq(param: string, got: unknown): ModelError {
    return new ModelError('E_PARAM_GRAD_REQ', `Parameter '${param}': gradReq must be one of 'write', 'add' or ` + `'null', but got ${JSON.stringify(got)}.`, [
      param,
    ]);
  },
  noGrad(param: string): ModelError {
    return new ModelError(
      'E_PARAM_GRAD_REQ',
      `Cannot get the gradient of Parameter '${param}' because its ` +
        "gradReq is 'null' (constants never have gradients). Set param.gradReq = 'write' to track it.",
      [param],
    );
  },
  attrMismatch(param: string, attr: string, desired: string, stored: string): ModelError {
    return new ModelError(
      'E_PARAM_ATTR',
      `Cannot retrieve Parameter '${param}' because the desired ${attr} ` + `does not match the stored one: desired ${desired} vs stored ${stored}.`,
      [param],
    );
  },
  conflict(name: string): ModelError {
    return new ModelError(
      'E_PARAM_CONFLICT',
      `Two different Parameters are both named '${name}'; give one of ` + 'the blocks another prefix so every parameter name is unique.',
      [name],
    );
  },
  noConstant(name: string): ModelError {
    return new ModelError('E_CONSTANT', `No constant named '${name}'. Pass a value to create it: ` + `params.getConstant('${name}', value).`, [name]);
  },
  block(block: string, detail: string): ModelError {
    return new ModelError('E_BLOCK', `${block}: ${detail}`, [block]);
  },
  inferShape(block: string, cls: string, pending: readonly string[]): ModelError {
    return new ModelError(
      'E_INFER_SHAPE',
      `${block} (${cls}) has parameters with unknown shape: ` +
        `${pending.join(', ')}. Give their shapes in the constructor, or override ${cls}.inferShape(x) to set ` +
        'them from the first input.',
      [block, ...pending],
    );
  },
  inputMismatch(block: string, param: string, expected: string, implied: string): ModelError {
    return new ModelError(
      'E_PARAM_SHAPE',
      `${block}: the input does not fit Parameter '${param}': it has shape ` +
        `${expected}, but the data needs ${implied}. Check inUnits (or the previous layer's output size).`,
      [block, param],
    );
  },
  init: initError,
};
