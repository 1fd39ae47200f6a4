// Activation's descriptor (pure, importable by the renderer).

import { ONE_INPUT, ONE_OUTPUT, type LayerSpec, type OnnxEmitter } from './layer-spec.ts';

const ONNX_UNARY: Readonly<Record<string, string>> = { relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', softrelu: 'Softplus' };

/**
 * One activation as ONNX nodes on value `x`. Opset 17 has no Gelu (it arrives in 20), so gelu is
 * spelled out as the engine computes it: 0.5·x·(1 + erf(x/√2)).
 */
export function onnxActivation(e: OnnxEmitter, activation: string, x: string): string {
  const op = ONNX_UNARY[activation];
  if (op) return e.node(op, [x]);
  const erf = e.node('Erf', [e.node('Div', [x, e.constant([Math.SQRT2])])]);
  return e.node('Mul', [e.node('Mul', [x, e.node('Add', [erf, e.constant([1])])]), e.constant([0.5])]);
}

export const ACTIVATIONS = ['relu', 'sigmoid', 'tanh', 'softrelu', 'gelu'] as const;
export type ActivationType = (typeof ACTIVATIONS)[number];

export const ACTIVATION_SPEC: LayerSpec = {
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
};
