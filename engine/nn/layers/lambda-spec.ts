// Lambda's descriptor (pure, importable by the renderer). Documents store the function by name.

import { ONE_INPUT, ONE_OUTPUT, type LayerSpec } from './layer-spec.ts';

export const LAMBDA_SPEC: LayerSpec = {
  kind: 'Lambda',
  category: 'core',
  doc: 'Wraps a function (or the name of an npx/np function) as a block.',
  attrs: [{ name: 'function', type: 'function', doc: 'the function, or its npx/np name' }],
  inputs: ONE_INPUT,
  outputs: ONE_OUTPUT,
  params: [],
  outputShape: (_a, [x]) => [...x!],
  onnx: { unsupported: 'a Lambda runs arbitrary engine code, which has no ONNX equivalent' },
  repr: (a) => `Lambda(${typeof a.function === 'string' ? a.function : '<lambda>'})`,
};
