// A small catalog for the renderer's unit tests, shaped like the engine's layerCatalog answer.
import { makeCatalog, type LayerInfo } from '../../renderer/graph/catalog.ts';

const onePort = { inputs: [{ name: 'data', doc: 'input' }], outputs: [{ name: 'output', doc: 'result' }] };

export const layers: LayerInfo[] = [
  {
    kind: 'Dense',
    category: 'core',
    doc: 'Fully connected layer.',
    ...onePort,
    attrs: [
      { name: 'units', type: 'int', required: true, min: 1, doc: 'output features' },
      { name: 'activation', type: 'enum', required: false, default: null, choices: ['relu', 'tanh'], doc: 'activation' },
    ],
    params: [
      { name: 'weight', init: null },
      { name: 'bias', init: 'zeros' },
    ],
  },
  {
    kind: 'Activation',
    category: 'activation',
    doc: 'Elementwise function.',
    ...onePort,
    params: [],
    attrs: [{ name: 'activation', type: 'enum', required: true, choices: ['relu', 'sigmoid'], doc: 'the function' }],
  },
  {
    kind: 'Concat',
    category: 'structure',
    doc: 'Joins inputs.',
    inputs: [{ name: 'data', doc: 'arrays', variadic: true }],
    outputs: [{ name: 'output', doc: 'result' }],
    params: [],
    attrs: [{ name: 'axis', type: 'int', required: false, default: -1, doc: 'axis' }],
  },
  { kind: 'Sequential', category: 'structure', doc: 'A container.', ...onePort, params: [], attrs: [] },
];

export const catalog = makeCatalog(layers, ['constant', 'normal', 'uniform', 'xavier', 'zeros']);
