// ParameterDict: parameters by full name (dense0_weight) under a prefix (dense0_). get() creates
// or returns a parameter, looking in a shared dict first, which is how tied layers end up holding
// the very same Parameter objects.

import type { NDArray } from '../ndarray/ndarray.ts';
import { createInitializer, type InitSpec } from '../init/registry.ts';
import { Initializer } from '../init/initializer.ts';
import { Uniform } from '../init/basic-initializers.ts';
import { Parameter, toShape, type InitializeOptions, type ParameterOptions } from './parameter.ts';
import { ConstantParameter } from './constant-parameter.ts';
import { ModelError, modelErrors, pyTuple } from './model-errors.ts';

/** Python's re.match: anchored at the start only (so '.*weight' works and 'weight' matches nothing). */
export function matchAtStart(select: string): RegExp {
  return new RegExp(`^(?:${select})`);
}

export class ParameterDict implements Iterable<[string, Parameter]> {
  readonly prefix: string;
  private readonly params = new Map<string, Parameter>();
  private readonly shared: ParameterDict | null;

  constructor(prefix = '', shared: ParameterDict | null = null) {
    this.prefix = prefix;
    this.shared = shared;
  }

  /**
   * The parameter `prefix + name`, created with `options` when new. An existing one is returned
   * after checking the options agree with it; unknown dims (-1) are filled from either side.
   * @example const w = params.get('weight', {shape: [3, 5]}) // mydense0_weight
   */
  get(name: string, options: ParameterOptions = {}): Parameter {
    const full = this.prefix + name;
    const found = this.lookup(full);
    if (!found) {
      const p = new Parameter(full, options);
      this.params.set(full, p);
      return p;
    }
    mergeOptions(found, options);
    return found;
  }

  /** A constant (gradReq 'null') holding `value`; later calls may omit the value. */
  getConstant(name: string, value?: NDArray): ConstantParameter {
    const full = this.prefix + name;
    const found = this.lookup(full);
    if (found) {
      if (!(found instanceof ConstantParameter)) {
        throw modelErrors.attrMismatch(full, 'kind', 'Constant', 'Parameter');
      }
      return found;
    }
    if (value === undefined) throw modelErrors.noConstant(full);
    const c = new ConstantParameter(full, value);
    this.params.set(full, c);
    return c;
  }

  /** The dict whose parameters get() returns before creating new ones (tied layers). */
  get sharedWith(): ParameterDict | null {
    return this.shared;
  }

  private lookup(full: string): Parameter | undefined {
    const own = this.params.get(full);
    if (own) return own;
    const fromShared = this.shared?.lookup(full);
    if (fromShared) this.params.set(full, fromShared);
    return fromShared;
  }

  /** The parameter with this full name (Gluon's params['dense0_weight']). */
  at(fullName: string): Parameter {
    const p = this.params.get(fullName);
    if (!p) {
      throw new ModelError(
        'E_PARAM_ATTR',
        `No parameter named '${fullName}' in ${this.prefix || 'this dict'}; ` +
          `it holds ${[...this.params.keys()].map((k) => `'${k}'`).join(', ') || 'nothing'}.`,
        [fullName],
      );
    }
    return p;
  }

  has(fullName: string): boolean {
    return this.params.has(fullName);
  }

  get size(): number {
    return this.params.size;
  }

  keys(): string[] {
    return [...this.params.keys()];
  }
  values(): Parameter[] {
    return [...this.params.values()];
  }
  entries(): [string, Parameter][] {
    return [...this.params.entries()];
  }
  [Symbol.iterator](): Iterator<[string, Parameter]> {
    return this.params.entries();
  }

  /** Adds other's parameters; the same name for two different Parameters is an error. */
  update(other: Iterable<[string, Parameter]>): this {
    for (const [k, v] of other) {
      const mine = this.params.get(k);
      if (mine && mine !== v) throw modelErrors.conflict(k);
      this.params.set(k, v);
    }
    return this;
  }

  /** A new dict (same prefix) with the parameters whose names match `select` at the start. */
  select(select: string): ParameterDict {
    const re = matchAtStart(select);
    return new ParameterDict(this.prefix).update(this.entries().filter(([k]) => re.test(k)));
  }

  /** Initializes every parameter with `init` as the block-level default (Uniform(0.07) by default). */
  initialize(init: InitSpec = new Uniform(), options: Omit<InitializeOptions, 'defaultInit'> = {}): void {
    const defaultInit = init instanceof Initializer ? init : createInitializer(init);
    for (const p of this.params.values()) p.initialize(null, { ...options, defaultInit });
  }

  zeroGrad(): void {
    for (const p of this.params.values()) p.zeroGrad();
  }

  /** Sets an attribute on every parameter, e.g. setAttr('gradReq', 'null') to freeze them. */
  setAttr<K extends 'gradReq' | 'lrMult' | 'wdMult'>(attr: K, value: Parameter[K]): void {
    for (const p of this.params.values()) p[attr] = value;
  }

  toString(): string {
    const head = this.prefix ? `${this.prefix} (` : '(';
    return `${head}\n${this.values()
      .map((p) => `  ${p.toString()}`)
      .join('\n')}\n)`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function specKey(init: InitSpec): string {
  return JSON.stringify(init instanceof Initializer ? init.toSpec() : init);
}

/** Gluon's get() on an existing name: merge unknown shape dims, everything else must agree. */
function mergeOptions(p: Parameter, o: ParameterOptions): void {
  if (o.shape !== undefined && o.shape !== null) {
    const want = toShape(o.shape)!;
    const have = p.shape;
    if (!have) {
      p.shape = want;
    } else {
      const ok = want.length === have.length && want.every((d, i) => d === -1 || have[i] === -1 || d === have[i]);
      if (!ok) throw modelErrors.attrMismatch(p.name, 'shape', pyTuple(want), pyTuple(have));
      p.shape = want.map((d, i) => (d === -1 ? have[i]! : d));
    }
  }
  if (o.dtype !== undefined && o.dtype !== p.dtype) throw modelErrors.attrMismatch(p.name, 'dtype', o.dtype, p.dtype);
  if (o.gradReq !== undefined && o.gradReq !== p.gradReq) throw modelErrors.attrMismatch(p.name, 'gradReq', o.gradReq, p.gradReq);
  if (o.init !== undefined && o.init !== null) {
    if (p.init === null) p.init = o.init;
    else if (o.init !== p.init && specKey(o.init) !== specKey(p.init)) {
      throw modelErrors.attrMismatch(p.name, 'init', specKey(o.init), specKey(p.init));
    }
  }
}
