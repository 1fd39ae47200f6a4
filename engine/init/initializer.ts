// Initializer: fills a parameter's array in place. Subclasses implement initWeight(name, arr)
// (the chapter's MyInit); apply() is Gluon's Initializer.__call__: a parameter's chosen init runs
// its initWeight whatever the name, and only without one does the name's suffix decide.

import type { NDArray } from '../ndarray/ndarray.ts';
import { np } from '../ndarray/np.ts';
import { isFloat } from '../ndarray/dtype.ts';
import { initError } from '../core/model-error.ts';

/** What Gluon's InitDesc carries: the parameter's name and, when chosen, the init it asked for. */
export interface InitDesc {
  name: string;
  /** The parameter's own init (or the block-level one); when set it runs regardless of the name. */
  init?: Initializer | undefined;
}

export class Initializer {
  /** Registry name used by toSpec() so documents can store the initializer (e.g. 'xavier'). */
  readonly kind: string;
  /** Constructor arguments, as stored in documents (camelCase). */
  readonly args: Readonly<Record<string, unknown>>;

  constructor(kind?: string, args: Record<string, unknown> = {}) {
    // A registered subclass without its own constructor receives the registry's args object here.
    this.kind = typeof kind === 'string' ? kind : this.constructor.name.toLowerCase();
    this.args = args;
  }

  /** Fills `arr` in place; `name` is the parameter's full name (dense0_weight). Override this. */
  initWeight(name: string, _arr: NDArray): void {
    throw initError(
      `${this.constructor.name} does not implement initWeight(name, arr), needed for '${name}'. ` +
        'Subclass Initializer and override initWeight to fill arr in place.',
    );
  }

  /**
   * Gluon's dispatch. With desc.init set, that initializer's initWeight runs for every name. Without
   * it the suffix decides: weight → initWeight, bias/beta/min → 0, gamma/max → 1, *_quantize.
   */
  apply(desc: InitDesc | string, arr: NDArray): void {
    const d = typeof desc === 'string' ? { name: desc } : desc;
    if (d.init) {
      d.init.initWeight(d.name, arr);
      return;
    }
    const n = d.name;
    if (n.endsWith('weight')) this.initWeight(n, arr);
    else if (n.endsWith('bias') || n.endsWith('beta') || n.endsWith('min')) arr.set(null, 0);
    else if (n.endsWith('gamma') || n.endsWith('max')) arr.set(null, 1);
    else if (n.endsWith('weight_quantize')) writeInto(arr, randomUniform(arr, -127, 127).astype('int32'));
    else if (n.endsWith('bias_quantize')) arr.set(null, 0);
    else {
      throw initError(
        `Unknown initialization pattern for '${n}': by name only weight, bias, gamma, beta, ` +
          'min, max and *_quantize are known. Give the parameter its own init, or use Mixed([...patterns], [...inits]).',
      );
    }
  }

  /** [name, args]: what createInitializer() accepts back (documents store this). */
  toSpec(): [string, Record<string, unknown>] {
    return [this.kind, { ...this.args }];
  }

  /** MXNet's dumps(): the spec as JSON. */
  dumps(): string {
    return JSON.stringify(this.toSpec());
  }

  toString(): string {
    return `${this.constructor.name}(${Object.entries(this.args)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ')})`;
  }
}

/** Random values on arr's device, in arr's dtype when it is a float one. */
export function randomUniform(arr: NDArray, low: number, high: number): NDArray {
  return np.random.uniform(low, high, arr.shape, { dtype: isFloat(arr.dtype) ? arr.dtype : 'float32', device: arr.device });
}

export function randomNormal(arr: NDArray, loc: number, scale: number): NDArray {
  return np.random.normal(loc, scale, arr.shape, { dtype: isFloat(arr.dtype) ? arr.dtype : 'float32', device: arr.device });
}

/** arr[:] = value, casting to arr's dtype (numpy assignment semantics). */
export function writeInto(arr: NDArray, value: NDArray): void {
  arr.set(null, value.dtype === arr.dtype ? value : value.astype(arr.dtype));
}
