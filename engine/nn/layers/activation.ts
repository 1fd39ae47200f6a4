// Activation: an elementwise nonlinearity as a block (relu, sigmoid, tanh, softrelu, gelu).

import type { NDArray } from '../../ndarray/ndarray.ts';
import { unary } from '../../ops/elementwise.ts';
import { Block, type BlockOptions } from '../block.ts';
import { modelErrors } from '../model-errors.ts';
import { ONE_INPUT, ONE_OUTPUT, type LayerSpec } from './layer-spec.ts';

export const ACTIVATIONS = ['relu', 'sigmoid', 'tanh', 'softrelu', 'gelu'] as const;
export type ActivationType = (typeof ACTIVATIONS)[number];

export function checkActivation(where: string, act: unknown): ActivationType {
  if (!ACTIVATIONS.includes(act as ActivationType)) {
    throw modelErrors.block(where, `unknown activation ${JSON.stringify(act)}; use one of ${ACTIVATIONS.join(', ')}.`);
  }
  return act as ActivationType;
}

export class Activation extends Block {
  static readonly spec: LayerSpec = {
    kind: 'Activation',
    category: 'activation',
    doc: 'Applies an activation function elementwise.',
    attrs: [{ name: 'activation', type: 'enum', choices: ACTIVATIONS, doc: 'the function' }],
    inputs: ONE_INPUT,
    outputs: ONE_OUTPUT,
    params: [],
    outputShape: (_a, [x]) => [...x!],
    repr: (a) => `Activation(${String(a.activation)})`,
  };

  readonly actType: ActivationType;

  /** Gluon names it after the function: `relu0_`, or `dense0_relu_` inside a Dense. */
  constructor(activation: ActivationType, options: BlockOptions = {}) {
    super({ hint: checkActivation('Activation', activation), ...options });
    this.actType = activation;
  }

  override forward(x: NDArray): NDArray {
    return unary(this.actType, x);
  }

  getConfig(): Record<string, unknown> {
    return { activation: this.actType };
  }

  override toString(): string {
    return Activation.spec.repr(this.getConfig());
  }
}
