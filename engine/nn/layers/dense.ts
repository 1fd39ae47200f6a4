// Dense: y = act(x·Wᵀ + b) with W of shape (units, inUnits), on the engine's fused linear op.
// inUnits may be left out: the weight is then (units, -1) and initialization waits for the
// first batch (deferred initialization), as Gluon's Dense does.

import type { NDArray } from '../../ndarray/ndarray.ts';
import type { DType } from '../../ndarray/dtype.ts';
import { linear } from '../../ops/linalg.ts';
import type { InitSpec } from '../../init/registry.ts';
import { Block } from '../block.ts';
import type { HybridUnit } from '../hybrid.ts';
import type { ParameterDict } from '../parameter-dict.ts';
import type { Parameter } from '../parameter.ts';
import { modelErrors, pyTuple } from '../model-errors.ts';
import { Activation, checkActivation, type ActivationType } from './activation.ts';
import type { LayerSpec } from './layer-spec.ts';
import { DENSE_SPEC, inUnitsOf } from './dense-spec.ts';

/** Dense's options (Gluon's keyword arguments, camelCased). */
export interface DenseArgs {
  /** Activation applied to the output; none (linear) by default. */
  activation?: ActivationType | null;
  /** Input features; 0 or omitted = infer from the first batch (deferred initialization). */
  inUnits?: number;
  useBias?: boolean;
  /** true: x is (N, ...) and flattened to (N, inUnits); false: the last axis is the features. */
  flatten?: boolean;
  dtype?: DType;
  /** The weight's own init; null = the block-level init given to initialize(). */
  weightInitializer?: InitSpec | null;
  biasInitializer?: InitSpec;
  /** Share another Dense's parameters: `{params: shared.params}` (tied layers). */
  params?: ParameterDict;
  prefix?: string;
}

export class Dense extends Block {
  static readonly spec: LayerSpec = DENSE_SPEC;

  readonly units: number;
  readonly flatten: boolean;
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly act: Activation | null;

  constructor(units: number, args: DenseArgs = {}) {
    super({ prefix: args.prefix, params: args.params ?? null });
    if (!Number.isInteger(units) || units < 1) throw modelErrors.block(this.name, `units must be a positive integer, got ${units}.`);
    const inUnits = args.inUnits ?? 0;
    if (!Number.isInteger(inUnits) || inUnits < 0) throw modelErrors.block(this.name, `inUnits must be a non-negative integer, got ${inUnits}.`);
    this.units = units;
    this.flatten = args.flatten ?? true;
    const dtype = args.dtype ?? 'float32';
    this.weight = this.params.get('weight', { shape: [units, inUnits], init: args.weightInitializer ?? null, dtype, allowDeferredInit: true });
    this.bias = args.useBias === false ? null
      : this.params.get('bias', { shape: [units], init: args.biasInitializer ?? 'zeros', dtype, allowDeferredInit: true });
    const act = args.activation ? checkActivation(this.name, args.activation) : null;
    this.act = act ? this.nameScope(() => this.registerChild(new Activation(act, { prefix: `${act}_` }), 'act')) : null;
  }

  /** weight = (units, features of x) — Gluon 2.0's Dense.infer_shape. */
  override inferShape(x: NDArray): void {
    const want = [this.units, inUnitsOf(x.shape, this.flatten)];
    try {
      this.weight.shape = want;
    } catch {
      throw modelErrors.inputMismatch(this.name, this.weight.name, pyTuple(this.weight.shape!), pyTuple(want));
    }
  }

  override forward(x: NDArray): NDArray {
    this.ensureInitialized(x);
    const w = this.weight.data(x.device);
    const features = inUnitsOf(x.shape, this.flatten);
    if (w.shape[1] !== features) {
      throw modelErrors.inputMismatch(this.name, this.weight.name, pyTuple(w.shape), pyTuple([this.units, features]));
    }
    return linear(x, w, this.bias ? this.bias.data(x.device) : null, { activation: this.act?.actType ?? null, flatten: this.flatten });
  }

  override hybridUnits(): HybridUnit[] | null {
    if (this.forward !== Dense.prototype.forward) return null; // a subclass with its own math
    return [{ kind: 'linear', owner: this, weight: this.weight, bias: this.bias, units: this.units, flatten: this.flatten, act: this.act?.actType ?? null }];
  }

  override getConfig(): Record<string, unknown> {
    const s = this.weight.shape!;
    return { units: this.units, activation: this.act?.actType ?? null, inUnits: s[1] === -1 ? 0 : s[1], useBias: this.bias !== null, flatten: this.flatten };
  }

  override toString(): string {
    return Dense.spec.repr(this.getConfig());
  }
}
