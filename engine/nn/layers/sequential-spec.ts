// Descriptors of the container kinds (pure, importable by the renderer): Sequential chains its
// children; Concurrent runs them side by side and concatenates. Their output shapes depend on
// the children, which the graph builder propagates through.

import { ONE_INPUT, ONE_OUTPUT, type LayerSpec } from './layer-spec.ts';

export const SEQUENTIAL_SPEC: LayerSpec = {
  kind: 'Sequential',
  category: 'structure',
  doc: 'Stacks blocks sequentially; children are keyed 0, 1, ...',
  attrs: [],
  inputs: ONE_INPUT,
  outputs: ONE_OUTPUT,
  params: [],
  outputShape: (_a, [x]) => [...x!],
  repr: () => 'Sequential(\n\n)',
};

export const CONCURRENT_SPEC: LayerSpec = {
  kind: 'Concurrent',
  category: 'structure',
  doc: 'Runs children on the same input and concatenates their outputs along an axis.',
  attrs: [{ name: 'axis', type: 'int', default: -1, doc: 'concatenation axis' }],
  inputs: ONE_INPUT,
  outputs: ONE_OUTPUT,
  params: [],
  outputShape: (_a, [x]) => [...x!],
  repr: () => 'Concurrent(\n\n)',
  onnx: { unsupported: 'documents draw branches with edges and join them with Concat' },
};
