// Activation: an elementwise nonlinearity as a block (relu, sigmoid, tanh, softrelu, gelu).

import type { NDArray } from '../../ndarray/ndarray.ts';
import { unary } from '../../ops/elementwise.ts';
import { Block, type BlockOptions } from '../block.ts';
import type { HybridUnit } from '../hybrid.ts';
import { modelErrors } from '../model-errors.ts';
import type { LayerSpec } from './layer-spec.ts';
import { ACTIVATION_SPEC, ACTIVATIONS, type ActivationType } from './activation-spec.ts';

export { ACTIVATIONS, type ActivationType };

export function checkActivation(where: string, act: unknown): ActivationType {
  if (!ACTIVATIONS.includes(act as ActivationType)) {
    throw modelErrors.block(where, `unknown activation ${JSON.stringify(act)}; use one of ${ACTIVATIONS.join(', ')}.`);
  }
  return act as ActivationType;
}

export class Activation extends Block {
  static readonly spec: LayerSpec = ACTIVATION_SPEC;

  readonly actType: ActivationType;

  /** Gluon names it after the function: `relu0_`, or `dense0_relu_` inside a Dense. */
  constructor(activation: ActivationType, options: BlockOptions = {}) {
    super({ hint: checkActivation('Activation', activation), ...options });
    this.actType = activation;
  }

  override forward(x: NDArray): NDArray {
    return unary(this.actType, x);
  }

  override hybridUnits(): HybridUnit[] | null {
    return this.forward === Activation.prototype.forward ? [{ kind: 'act', owner: this, act: this.actType }] : null;
  }

  override getConfig(): Record<string, unknown> {
    return { activation: this.actType };
  }

  override toString(): string {
    return Activation.spec.repr(this.getConfig());
  }
}
