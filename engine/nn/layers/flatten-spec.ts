// Flatten's descriptor (pure, importable by the renderer).

import { ONE_INPUT, ONE_OUTPUT, product, type LayerSpec } from './layer-spec.ts';

export const FLATTEN_SPEC: LayerSpec = {
  kind: 'Flatten',
  category: 'core',
  doc: 'Flattens all axes but the first.',
  attrs: [],
  inputs: ONE_INPUT,
  outputs: ONE_OUTPUT,
  params: [],
  outputShape: (_a, [x]) => [x![0]!, product(x!.slice(1))],
  repr: () => 'Flatten',
  onnx: (e) => e.node('Flatten', [e.inputs[0]!], { axis: 1 }),
};
