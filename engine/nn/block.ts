// Block: the unit of a model. It owns a ParameterDict and registered child blocks; subclasses
// override forward(). call() finishes any deferred initialization of the block's own parameters
// (so the overall order is execution order, as in Gluon) and then runs forward().

import type { NDArray } from '../ndarray/ndarray.ts';
import type { Device } from '../ndarray/device.ts';
import { Uniform } from '../init/basic-initializers.ts';
import { Initializer } from '../init/initializer.ts';
import type { InitSpec } from '../init/registry.ts';
import { NamingScope, currentNamingScope, withNamingScope } from './naming-scope.ts';
import { ParameterDict, matchAtStart } from './parameter-dict.ts';
import type { Parameter } from './parameter.ts';
import { modelErrors } from './model-errors.ts';
import { loadParameters, saveParameters, type LoadParametersOptions, type SaveParametersOptions } from './parameter-file.ts';
import { recordingState } from '../autograd/tape.ts';
import { HybridCache, type HybridUnit } from './hybrid.ts';

export interface BlockOptions {
  /** Exact prefix (under a parent's name scope: appended to the parent's prefix). Default: hint + counter. */
  prefix?: string | undefined;
  /** Share these parameters: get() returns the dict's existing Parameter objects (tied layers). */
  params?: ParameterDict | null | undefined;
  /** Name hint for the automatic prefix; default the lower-cased class name (`dense` → `dense0_`). */
  hint?: string | undefined;
}

export interface BlockInitializeOptions {
  device?: Device | readonly Device[];
  forceReinit?: boolean;
}

/** A plain options object, as opposed to an InitSpec (an Initializer, a name or a [name, args] pair). */
function isOptions(v: unknown): v is BlockInitializeOptions {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Initializer);
}

/** The naming scope of a block's nameScope(): children are named under the block's prefix. */
class BlockScope extends NamingScope {
  readonly block: Block;
  constructor(block: Block) {
    super('');
    this.block = block;
  }
}

/** Indents every line but the first (Gluon's _indent), for nested reprs. */
export function indentRepr(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((l, i) => (i === 0 ? l : pad + l))
    .join('\n');
}

/**
 * @example
 *   class MLP extends Block {
 *     readonly hidden = this.registerChild(new Dense(256, { activation: 'relu' }), 'hidden');
 *     readonly output = this.registerChild(new Dense(10), 'output');
 *     override forward(x: NDArray): NDArray { return this.output.call(this.hidden.call(x)); }
 *   }
 *   const net = new MLP();
 *   net.initialize();
 *   net.call(np.random.uniform(0, 1, [2, 20])); // (2, 10); weights inferred as (256, 20), (10, 256)
 */
export class Block {
  readonly prefix: string;
  /** The prefix without its trailing '_' (dense0). */
  readonly name: string;
  readonly params: ParameterDict;
  private readonly _children = new Map<string, Block>();
  private _scope: BlockScope | null = null;
  private _ready = false;
  private _hybrid: HybridCache | null = null;
  private _version = 0;

  constructor(options: BlockOptions = {}) {
    const hint = options.hint ?? this.constructor.name.toLowerCase();
    const scope = currentNamingScope();
    const shared = options.params ?? null;
    if (scope instanceof BlockScope) {
      const local = options.prefix ?? scope.next(hint);
      const parent = scope.block.params;
      this.prefix = scope.block.prefix + local;
      this.params = shared ? new ParameterDict(shared.prefix, shared) : new ParameterDict(parent.prefix + local, parent.sharedWith);
    } else {
      this.prefix = options.prefix ?? scope.next(hint);
      this.params = shared ? new ParameterDict(shared.prefix, shared) : new ParameterDict(this.prefix);
    }
    this.name = this.prefix.endsWith('_') ? this.prefix.slice(0, -1) : this.prefix;
  }

  /** Runs fn so that blocks created in it are named under this block (`model0_dense0_`). */
  nameScope<T>(fn: () => T): T {
    return withNamingScope(this._scope ?? (this._scope = new BlockScope(this)), fn);
  }

  /**
   * Registers a child under `name` (default: its position, as Sequential numbers them) and
   * returns it, so `this.hidden = this.registerChild(new Dense(256), 'hidden')` reads naturally.
   */
  registerChild<T extends Block>(block: T, name: string = String(this._children.size)): T {
    this._children.set(name, block);
    this._version++;
    this._hybrid?.clear();
    return block;
  }

  /** Counts changes to the children (a hybridized parent's plan inlines them and rebuilds on change). */
  get structureVersion(): number {
    return this._version;
  }

  /** Children in registration order, by attribute name or position. */
  get children(): ReadonlyMap<string, Block> {
    return this._children;
  }

  /** The i-th child (negative counts from the end): `rgnet.at(0).at(1).at<Dense>(0).bias`. */
  at<T extends Block = Block>(index: number): T {
    const list = [...this._children.values()];
    const i = index < 0 ? index + list.length : index;
    if (!Number.isInteger(i) || i < 0 || i >= list.length) {
      throw modelErrors.block(this.name, `child index ${index} is out of range: it has ${list.length} children.`);
    }
    return list[i] as T;
  }

  /**
   * Whether forward keeps no reference to its input or output arrays once it returns, so that an
   * eager container may free an intermediate after its last reader (engine/nn/intermediates.ts):
   * true for the engine's own layer kinds — the block's class declares its own `spec`, forward is
   * the class's, no user code runs (LayerSpec.runsUserCode) — whose children all qualify. A
   * subclass written by a user, or a replaced forward, answers false.
   */
  keepsNoArrays(): boolean {
    const kind = this.constructor as { spec?: { runsUserCode?: true }; prototype: Block };
    if (!Object.prototype.hasOwnProperty.call(kind, 'spec') || kind.spec?.runsUserCode || this.forward !== kind.prototype.forward) return false;
    return this.childrenKeepNoArrays();
  }

  /** @internal every child keepsNoArrays (for containers that qualify by their own rule). */
  protected childrenKeepNoArrays(): boolean {
    for (const child of this._children.values()) if (!child.keepsNoArrays()) return false;
    return true;
  }

  /** The computation; subclasses override it. Call blocks through call() so deferred init runs. */
  forward(..._inputs: NDArray[]): NDArray {
    throw modelErrors.block(this.name, `${this.constructor.name} must override forward(...inputs).`);
  }

  /**
   * Runs the block: finishes deferred initialization of its own parameters, then forward(). A
   * hybridized block called with one input outside autograd.record() and in predict mode runs its
   * cached plan instead (see hybridize()).
   */
  call(...inputs: NDArray[]): NDArray {
    if (this._hybrid !== null && inputs.length === 1 && !recordingState.recording && !recordingState.training) {
      const y = this._hybrid.call(this, inputs[0]!);
      if (y !== null) return y;
    }
    this.ensureInitialized(...inputs);
    return this.forward(...inputs);
  }

  /**
   * Every output of a block with several output ports, in port order (a recurrent layer's output
   * and final states; a graph's Output nodes); one-output blocks give [call()].
   */
  callOutputs(...inputs: NDArray[]): NDArray[] {
    return [this.call(...inputs)];
  }

  /** @internal call() without the hybridized plan (a plan's own eager fallback for this block). */
  _callEager(...inputs: NDArray[]): NDArray {
    this.ensureInitialized(...inputs);
    return this.forward(...inputs);
  }

  /**
   * Gluon's hybridize(): with `active` (default true) this block and every descendant compile their
   * forward. The first call at a given input shape, dtype and device (outside autograd.record(), in
   * predict mode) traces the forward into a plan; later calls at that signature replay it: each
   * run of Dense layers (with their activations, Flatten and Dropout between them) is one native
   * call on prepared oneDNN primitives, a network with Conv2D, pooling, BatchNorm and Add (also in
   * graphs) one native net plan (blocked layouts, packed weights, batch norm folded), and other
   * blocks run eagerly inside the plan. A new input
   * shape traces a new plan (up to 8 per block); re-initializing or replacing parameters, or adding
   * children, rebuilds it. Under autograd.record() or in train mode the block runs eagerly, so
   * gradients are unchanged. Every call returns fresh arrays: outputs are never overwritten by a
   * later call. `hybridize(false)` switches back to eager.
   *
   *   net.hybridize();
   *   const y = net.call(x); // traced; the next call with x's shape replays the plan
   */
  hybridize(active = true): void {
    this.apply((b) => {
      b._hybrid = active ? new HybridCache() : null;
    });
  }

  /** @internal the hybridized state (tests read builds / size); null when not hybridized. */
  get hybridCache(): HybridCache | null {
    return this._hybrid;
  }

  /**
   * What this block contributes to a hybridized plan; null (the default) runs it eagerly, as it is.
   * Layers whose math the plan knows (Dense, Conv2D, pooling, BatchNorm, Add, Activation, Flatten,
   * Dropout, Sequential, GraphBlock) override it (engine/nn/hybrid-units.ts).
   */
  hybridUnits(): HybridUnit[] | null {
    return null;
  }

  /** Sets unknown parameter dims from the first inputs; layers with deferrable params override it. */
  inferShape(..._inputs: NDArray[]): void {
    const pending = this.params
      .values()
      .filter((p) => !p.shapeIsKnown)
      .map((p) => p.name);
    throw modelErrors.inferShape(this.name, this.constructor.name, pending);
  }

  /** Finishes deferred initialization of this block's own parameters (weight, then bias). */
  protected ensureInitialized(...inputs: NDArray[]): void {
    // Once every own parameter is initialized it stays so (re-initialization keeps the known
    // shape), so the per-call check is skipped from then on: call() is on the hot path.
    if (this._ready) return;
    let pending: Parameter[] | null = null;
    let allInitialized = true;
    for (const [, p] of this.params) {
      if (p.state === 'deferred') (pending ??= []).push(p);
      else if (p.state !== 'initialized') allInitialized = false;
    }
    if (pending) {
      if (pending.some((p) => !p.shapeIsKnown)) this.inferShape(...inputs);
      for (const p of pending) p.finishDeferredInit();
    }
    this._ready = allInitialized;
  }

  /** This block's and its descendants' parameters by full name; `select` is matched at the start. */
  collectParams(select?: string): ParameterDict {
    const out = new ParameterDict(this.params.prefix);
    const re = select ? matchAtStart(select) : null;
    out.update(this.params.entries().filter(([k]) => !re || re.test(k)));
    for (const child of this._children.values()) out.update(child.collectParams(select));
    return out;
  }

  /** Parameters by structural path (`0.weight`, `hidden.bias`); a shared one appears once per path. */
  structuralParams(prefix = ''): Map<string, Parameter> {
    const out = new Map<string, Parameter>();
    const own = this.params.prefix;
    for (const [name, p] of this.params) out.set(prefix + (name.startsWith(own) ? name.slice(own.length) : name), p);
    for (const [key, child] of this._children) {
      for (const [k, p] of child.structuralParams(`${prefix}${key}.`)) out.set(k, p);
    }
    return out;
  }

  /**
   * Initializes every parameter; `init` is the block-level default (Uniform(0.07)), which each
   * parameter's own init overrides. `net.initialize({device})` is short for `initialize(undefined, {device})`.
   */
  initialize(init?: InitSpec | BlockInitializeOptions, options: BlockInitializeOptions = {}): void {
    if (isOptions(init)) [init, options] = [undefined, init];
    this.collectParams().initialize(init ?? new Uniform(), options);
  }

  zeroGrad(): void {
    this.collectParams().zeroGrad();
  }

  resetDevice(device: Device | readonly Device[]): void {
    for (const p of this.collectParams().values()) p.resetDevice(device);
  }

  /** Calls fn on every descendant, then on this block (Gluon's apply). */
  apply(fn: (block: Block) => void): this {
    for (const child of this._children.values()) child.apply(fn);
    fn(this);
    return this;
  }

  /** Writes the parameters to `path` (structural keys by default; see parameter-file.ts). */
  saveParameters(path: string, options?: SaveParametersOptions): Promise<void> {
    return saveParameters(this, path, options);
  }

  /** Reads parameters written by saveParameters (either key style); checks names, shapes and dtypes. */
  loadParameters(path: string, options?: LoadParametersOptions): Promise<void> {
    return loadParameters(this, path, options);
  }

  /** The attributes that rebuild this block through createLayer (none for a plain Block). */
  getConfig(): Record<string, unknown> {
    return {};
  }

  toString(): string {
    const lines = [...this._children].map(([key, b]) => `  (${key}): ${indentRepr(b.toString(), 2)}`);
    return `${this.constructor.name}(\n${lines.join('\n')}\n)`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
