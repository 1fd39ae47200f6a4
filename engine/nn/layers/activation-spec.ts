// Activation's descriptor (pure, importable by the renderer).

import { ONE_INPUT, ONE_OUTPUT, type LayerSpec } from './layer-spec.ts';

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
};
