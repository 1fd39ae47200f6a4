// Dropout's descriptor (pure, importable by the renderer).

import { pyTuple } from '../model-errors.ts';
import { ONE_INPUT, ONE_OUTPUT, type LayerSpec } from './layer-spec.ts';

export const DROPOUT_SPEC: LayerSpec = {
  kind: 'Dropout',
  category: 'regularization',
  doc: 'Randomly zeroes elements while training.',
  attrs: [
    { name: 'rate', type: 'float', min: 0, max: 1, default: 0.5, doc: 'fraction of elements dropped' },
    { name: 'axes', type: 'intList', default: [], doc: 'axes sharing one mask value' },
  ],
  inputs: ONE_INPUT,
  outputs: ONE_OUTPUT,
  params: [],
  outputShape: (_a, [x]) => [...x!],
  // Exported models are for inference, where dropout passes its input through.
  onnx: (e) => e.node('Identity', [e.inputs[0]!]),
  repr: (a) => `Dropout(p = ${String(a.rate)}, axes=${pyTuple((a.axes as number[] | undefined) ?? [])})`,
};
