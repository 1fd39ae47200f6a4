// The chapter's custom blocks offered as built-in kinds until code blocks exist: FancyMLP (5.1.3),
// CenteredLayer and MyDense (5.4). Their classes stay in nn/examples/ (they are the chapter's
// listings); everything else about the three kinds is here.

import { CenteredLayer, MyDense } from '../examples/custom-layers.ts';
import { FancyMLP } from '../examples/fancy-mlp.ts';
import { inUnitsOf } from './dense.ts';
import { ONE_INPUT, ONE_OUTPUT, type LayerSpec } from './layer-spec.ts';

const MY_DENSE_GLUON = `class MyDense(nn.Block):
    """The chapter's MyDense (5.4): relu(x . W + b) with W of shape (in_units, units)."""

    def __init__(self, units, in_units, **kwargs):
        super().__init__(**kwargs)
        self.weight = self.params.get('weight', shape=(in_units, units))
        self.bias = self.params.get('bias', shape=(units,))

    def forward(self, x):
        linear = nd.dot(x, self.weight.data(x.context)) + self.bias.data(x.context)
        return nd.relu(linear)
`;
const FANCY_WHY = 'FancyMLP has data-dependent control flow; write it by hand from the chapter';

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
  code: { pytorch: { unsupported: FANCY_WHY }, gluon: { unsupported: FANCY_WHY }, typescript: { unsupported: FANCY_WHY } },
  create: (_a, o) => new FancyMLP(o),
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
  code: {
    pytorch: { forward: (s) => `${s.inputs[0]!} - ${s.inputs[0]!}.mean()` },
    gluon: { forward: (s) => `${s.inputs[0]!} - ${s.inputs[0]!}.mean()` },
    typescript: { child: (s) => ({ type: 'examples.CenteredLayer', make: `new examples.CenteredLayer({ prefix: '${s.prefix}' })` }) },
  },
  create: (_a, o) => new CenteredLayer(o),
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
  code: {
    // MyDense keeps (in, out) weights; the loader transposes them into nn.Linear's (out, in).
    pytorch: {
      module: (s) => `nn.Linear(${String(s.attrs.inUnits)}, ${String(s.attrs.units)})`,
      forward: (s) => `F.relu(${s.self}(${s.inputs[0]!}))`,
      transposed: ['weight'],
    },
    gluon: {
      module: (s) => `MyDense(${String(s.attrs.units)}, ${String(s.attrs.inUnits)}, prefix='${s.prefix}')`,
      forward: (s) => `${s.self}(${s.inputs[0]!})`,
      preamble: MY_DENSE_GLUON,
    },
    typescript: {
      child: (s) => ({ type: 'examples.MyDense', make: `new examples.MyDense(${String(s.attrs.units)}, ${String(s.attrs.inUnits)}, { prefix: '${s.prefix}' })` }),
    },
  },
  create: (a, o) => new MyDense(a.units as number, a.inUnits as number, o),
};
