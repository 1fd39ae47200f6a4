// Dense's descriptor (pure, importable by the renderer): weight (units, features), bias (units,).

import { ACTIVATIONS } from './activation-spec.ts';
import { ONE_INPUT, ONE_OUTPUT, product, type LayerSpec } from './layer-spec.ts';

/** Input features: everything but the batch axis when flattening, else the last axis. */
export function inUnitsOf(x: readonly number[], flatten: boolean): number {
  return flatten ? product(x.slice(1)) : x[x.length - 1]!;
}

export const DENSE_SPEC: LayerSpec = {
  kind: 'Dense',
  category: 'core',
  doc: 'Fully connected layer: act(x·Wᵀ + b).',
  attrs: [
    { name: 'units', type: 'int', min: 1, doc: 'output features' },
    { name: 'activation', type: 'enum', choices: ACTIVATIONS, default: null, doc: 'activation (none = linear)' },
    { name: 'inUnits', type: 'int', min: 0, default: 0, doc: 'input features; 0 = infer from the first batch' },
    { name: 'useBias', type: 'bool', default: true, doc: 'add a bias' },
    { name: 'flatten', type: 'bool', default: true, doc: 'flatten all but the first axis of the input' },
    { name: 'weightInitializer', type: 'initializer', default: null, doc: 'weight init (null: the block-level init)' },
    { name: 'biasInitializer', type: 'initializer', default: 'zeros', doc: 'bias init' },
  ],
  inputs: ONE_INPUT,
  outputs: ONE_OUTPUT,
  params: [
    {
      name: 'weight', init: null,
      shape: (a, x) => [a.units as number, x ? inUnitsOf(x, a.flatten !== false) : ((a.inUnits as number) || -1)],
    },
    { name: 'bias', init: 'zeros', shape: (a) => [a.units as number], present: (a) => a.useBias !== false },
  ],
  outputShape: (a, [x]) => (a.flatten === false ? [...x!.slice(0, -1), a.units as number] : [x![0]!, a.units as number]),
  // x·Wᵀ: batch × inUnits × units multiply-adds (unknown batch counts as 1).
  flops: (a, [x]) => {
    const rows = a.flatten === false ? product(x!.slice(0, -1)) : x![0]!;
    return 2 * Math.max(rows, 1) * Math.max(inUnitsOf(x!, a.flatten !== false), 0) * (a.units as number);
  },
  repr: (a, x) => {
    const inUnits = x ? inUnitsOf(x, a.flatten !== false) : ((a.inUnits as number) || -1);
    return `Dense(${inUnits} -> ${String(a.units)}, ${a.activation ? `Activation(${String(a.activation)})` : 'linear'})`;
  },
};
