// Dense's descriptor (pure, importable by the renderer): weight (units, features), bias (units,).

import { ACTIVATIONS, onnxActivation } from './activation-spec.ts';
import { ONE_INPUT, ONE_OUTPUT, product, type LayerSpec, type OnnxEmitter } from './layer-spec.ts';

/**
 * Dense in ONNX: Gemm(transB=1) on a 2-d input (Flatten first when flattening a deeper one); with
 * flatten=false the features are the last axis, which Gemm cannot do, so MatMul(x, Wᵀ) + b.
 */
function denseToOnnx(e: OnnxEmitter): string {
  const a = e.attrs;
  const [x, shape] = [e.inputs[0]!, e.inputShapes[0]!];
  const bias = a.useBias !== false ? [e.param('bias')] : [];
  let y: string;
  if (a.flatten !== false || shape.length === 2) {
    const flat = shape.length === 2 ? x : e.node('Flatten', [x], { axis: 1 });
    y = e.node('Gemm', [flat, e.param('weight'), ...bias], { transB: 1 });
  } else {
    y = e.node('MatMul', [x, e.node('Transpose', [e.param('weight')], { perm: [1, 0] })]);
    if (bias.length) y = e.node('Add', [y, bias[0]!]);
  }
  return a.activation ? onnxActivation(e, a.activation as string, y) : y;
}

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
  onnx: denseToOnnx,
};
