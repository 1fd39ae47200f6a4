// Descriptors of the chapter's custom blocks offered as built-in kinds until code blocks exist
// (pure, importable by the renderer): FancyMLP (5.1.3), CenteredLayer and MyDense (5.4). The
// classes stay in nn/examples/; the registry in index.ts pairs them with these descriptors.

import { inUnitsOf } from './dense-spec.ts';
import { ONE_INPUT, ONE_OUTPUT, type LayerSpec } from './layer-spec.ts';

const FANCY_UNITS = 20;

export const FANCY_MLP_SPEC: LayerSpec = {
  kind: 'FancyMLP',
  category: 'core',
  doc: 'The chapter\'s FancyMLP: Dense(20, relu), a constant (20, 20) weight, the same Dense again, then data-dependent scaling and a sum (a scalar).',
  attrs: [],
  inputs: ONE_INPUT,
  outputs: ONE_OUTPUT,
  params: [
    { name: 'rand_weight', init: null, constant: true, shape: () => [FANCY_UNITS, FANCY_UNITS] },
    // The inner Dense also reads its own (20-wide) output, so its weight can only be (20, 20):
    // the input must have 20 features, which shape inference checks against this static shape.
    { name: 'weight', owner: 'dense', init: null, shape: (_a, x) => [FANCY_UNITS, x ? inUnitsOf(x, true) : FANCY_UNITS] },
    { name: 'bias', owner: 'dense', init: 'zeros', shape: () => [FANCY_UNITS] },
  ],
  outputShape: () => [],
  flops: (_a, [x]) => 2 * Math.max(x![0]!, 1) * FANCY_UNITS * (Math.max(inUnitsOf(x!, true), 0) + 2 * FANCY_UNITS),
  onnx: { unsupported: 'FancyMLP has data-dependent control flow (a while loop on the norm and a branch on the sum), which a static ONNX graph cannot express' },
  repr: (_a, x) => `FancyMLP(\n  (dense): Dense(${x ? inUnitsOf(x, true) : -1} -> ${FANCY_UNITS}, Activation(relu))\n)`,
};

export const CENTERED_LAYER_SPEC: LayerSpec = {
  kind: 'CenteredLayer',
  category: 'core',
  doc: 'The chapter\'s CenteredLayer: subtracts the mean of all elements.',
  attrs: [],
  inputs: ONE_INPUT,
  outputs: ONE_OUTPUT,
  params: [],
  outputShape: (_a, [x]) => [...x!],
  // x − mean(x) over every element: ReduceMean without axes (opset 17 takes axes as an attribute) keeps dims, so Sub broadcasts.
  onnx: (e) => e.node('Sub', [e.inputs[0]!, e.node('ReduceMean', [e.inputs[0]!], { keepdims: 1 })]),
  repr: () => 'CenteredLayer(\n\n)',
};

export const MY_DENSE_SPEC: LayerSpec = {
  kind: 'MyDense',
  category: 'core',
  doc: 'The chapter\'s MyDense: relu(x·W + b) with W of shape (inUnits, units), no deferred initialization.',
  attrs: [
    { name: 'units', type: 'int', min: 1, doc: 'output features' },
    { name: 'inUnits', type: 'int', min: 1, doc: 'input features (required: MyDense does not infer them)' },
  ],
  inputs: ONE_INPUT,
  outputs: ONE_OUTPUT,
  params: [
    // The data decides the rows it needs (its last axis), so a mismatch with inUnits shows up in shape inference.
    { name: 'weight', init: null, shape: (a, x) => [x && x[x.length - 1]! >= 0 ? x[x.length - 1]! : (a.inUnits as number), a.units as number] },
    { name: 'bias', init: null, shape: (a) => [a.units as number] },
  ],
  outputShape: (a, [x]) => [...x!.slice(0, -1), a.units as number],
  flops: (a, [x]) => 2 * Math.max(x!.slice(0, -1).reduce((p, d) => p * Math.max(d, 1), 1), 1) * (a.inUnits as number) * (a.units as number),
  // The weight is (inUnits, units), so no transpose: relu(x·W + b).
  onnx: (e) => e.node('Relu', [e.node('Add', [e.node('MatMul', [e.inputs[0]!, e.param('weight')]), e.param('bias')])]),
  repr: () => 'MyDense(\n\n)',
};
