// Activation: an elementwise nonlinearity as a block (relu, sigmoid, tanh, softrelu, gelu), with
// its descriptor, ONNX nodes and code. Dense (and the convolutions) apply the same functions.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { unary } from '../../ops/elementwise.ts';
import { Block, type BlockOptions } from '../block.ts';
import type { HybridUnit } from '../hybrid.ts';
import { modelErrors } from '../model-errors.ts';
import { GLUON_ACTIVATION, pyActivate, TORCH_ACTIVATION } from './layer-code.ts';
import { ONE_INPUT, ONE_OUTPUT, type LayerSpec, type OnnxEmitter } from './layer-spec.ts';

export const ACTIVATIONS = ['relu', 'sigmoid', 'tanh', 'softrelu', 'gelu'] as const;
export type ActivationType = (typeof ACTIVATIONS)[number];

const ONNX_UNARY: Readonly<Record<string, string>> = { relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', softrelu: 'Softplus' };

/**
 * One activation as ONNX nodes on value `x`. Opset 17 has no Gelu (it arrives in 20), so gelu is
 * spelled out as the engine computes it: 0.5·x·(1 + erf(x/√2)).
 */
export function onnxActivation(e: OnnxEmitter, activation: string, x: string): string {
  const op = ONNX_UNARY[activation];
  return op ? e.node(op, [x]) : geluOnnx(e, x, false);
}

/** GELU in ONNX nodes: 0.5·x·(1 + erf(x/√2)), or the tanh form 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function geluOnnx(e: OnnxEmitter, x: string, tanh: boolean): string {
  const inner = tanh
    ? e.node('Tanh', [
        e.node('Mul', [
          e.node('Add', [x, e.node('Mul', [e.node('Mul', [e.node('Mul', [x, x]), x]), e.constant([0.044715])])]),
          e.constant([Math.sqrt(2 / Math.PI)]),
        ]),
      ])
    : e.node('Erf', [e.node('Div', [x, e.constant([Math.SQRT2])])]);
  return e.node('Mul', [e.node('Mul', [x, e.node('Add', [inner, e.constant([1])])]), e.constant([0.5])]);
}

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
    onnx: (e) => onnxActivation(e, e.attrs.activation as string, e.inputs[0]!),
    onnxImport: { ops: ['Relu', 'Sigmoid', 'Tanh'], read: (n) => ({ attrs: { activation: n.opType.toLowerCase() } }) },
    code: {
      pytorch: { forward: (s) => pyActivate(TORCH_ACTIVATION, s.attrs.activation, s.inputs[0]!) },
      gluon: { forward: (s) => pyActivate(GLUON_ACTIVATION, s.attrs.activation, s.inputs[0]!) },
      typescript: { child: (s) => ({ type: 'Activation', make: `new Activation('${String(s.attrs.activation)}', { prefix: '${s.prefix}' })` }) },
    },
    create: (a, o) => new Activation(a.activation as ActivationType, o),
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
