// Every layer kind against PyTorch, forward and backward (test/engine/support/layer-oracle.ts):
// adding a kind adds its rows here. Cases cover the attribute combinations that change the math.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareWithTorch, type LayerCase } from '../support/layer-oracle.ts';

const CASES: LayerCase[] = [
  { name: 'Dense flatten', kind: 'Dense', attrs: { units: 5, activation: 'tanh' }, inputs: [[3, 2, 4]],
    torch: "torch.tanh(F.linear(xs[0].flatten(1), p['weight'], p['bias']))" },
  { name: 'Dense last axis', kind: 'Dense', attrs: { units: 3, flatten: false, useBias: false }, inputs: [[2, 4, 6]],
    torch: "F.linear(xs[0], p['weight'])" },
  { name: 'Add two', kind: 'Add', inputs: [[2, 3, 4], [2, 3, 4]], torch: 'xs[0] + xs[1]' },
  { name: 'Add three broadcasting', kind: 'Add', inputs: [[2, 3, 4], [1, 3, 1], [4]], torch: 'xs[0] + xs[1] + xs[2]' },
  { name: 'Multiply broadcasting', kind: 'Multiply', inputs: [[2, 3, 4, 4], [2, 3, 1, 1]], torch: 'xs[0] * xs[1]' },
  { name: 'Reshape', kind: 'Reshape', attrs: { shape: [1, 4, -1] }, inputs: [[2, 12]], torch: 'xs[0].reshape(2, 1, 4, 3)' },
  { name: 'Transpose', kind: 'Transpose', attrs: { axes: [0, 2, 3, 1] }, inputs: [[2, 3, 4, 5]], torch: 'xs[0].permute(0, 2, 3, 1)' },
  { name: 'Softmax', kind: 'Softmax', attrs: { axis: 1 }, inputs: [[3, 5, 2]], torch: 'F.softmax(xs[0], dim=1)' },
  { name: 'LogSoftmax', kind: 'LogSoftmax', inputs: [[4, 7]], torch: 'F.log_softmax(xs[0], dim=-1)' },
  { name: 'GlobalAvgPool2D', kind: 'GlobalAvgPool2D', inputs: [[2, 3, 5, 4]], torch: 'F.adaptive_avg_pool2d(xs[0], 1)' },
  { name: 'GlobalMaxPool2D', kind: 'GlobalMaxPool2D', inputs: [[2, 3, 5, 4]], torch: 'F.adaptive_max_pool2d(xs[0], 1)' },
  { name: 'GlobalAvgPool1D', kind: 'GlobalAvgPool1D', inputs: [[2, 3, 7]], torch: 'F.adaptive_avg_pool1d(xs[0], 1)' },
  { name: 'GlobalMaxPool1D', kind: 'GlobalMaxPool1D', inputs: [[2, 3, 7]], torch: 'F.adaptive_max_pool1d(xs[0], 1)' },
];

test('every layer kind equals PyTorch forward and backward (max relative error 1e-4)', () => {
  assert.deepEqual(compareWithTorch(CASES), []);
});
