// Shape inference for the convolutional kinds: output sizes, deferred in_channels, and refusals
// that name the node and the rule before anything runs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inferShapes } from '../../../engine/graph/index.ts';
import { chainDocument } from '../support/chain-document.ts';

const errorsOf = (report: ReturnType<typeof inferShapes>) => report.problems.filter((p) => p.severity === 'error');

test("LeNet's shapes, with the convolution weights' in_channels inferred from the input", () => {
  const doc = chainDocument(
    [
      { kind: 'Conv2D', name: 'conv0', attrs: { channels: 6, kernelSize: [5, 5], padding: [2, 2], activation: 'sigmoid' } },
      { kind: 'AvgPool2D', name: 'pool0', attrs: { poolSize: [2, 2], strides: [2, 2] } },
      { kind: 'Conv2D', name: 'conv1', attrs: { channels: 16, kernelSize: [5, 5], activation: 'sigmoid' } },
      { kind: 'MaxPool2D', name: 'pool1' },
      { kind: 'Dense', name: 'dense0', attrs: { units: 10 } },
    ],
    [-1, 1, 28, 28],
  );
  const report = inferShapes(doc);
  assert.deepEqual(errorsOf(report), []);
  const out = ['n0', 'n1', 'n2', 'n3', 'n4'].map((id) => report.nodes[id]!.outputShapes[0]);
  assert.deepEqual(out, [
    [-1, 6, 28, 28],
    [-1, 6, 14, 14],
    [-1, 16, 10, 10],
    [-1, 16, 5, 5],
    [-1, 10],
  ]);
  assert.deepEqual(
    report.nodes.n0!.params.map((p) => p.shape),
    [[6, 1, 5, 5], [6]],
  );
  assert.deepEqual(
    report.nodes.n2!.params.map((p) => p.shape),
    [[16, 6, 5, 5], [16]],
  );
  // 2 · positions · out · in · k²  (batch counted as 1)
  assert.equal(report.nodes.n2!.flops, 2 * 100 * 16 * 6 * 25);
});

test('a convolution on flat data is refused naming the node and the layout it expects', () => {
  const report = inferShapes(chainDocument([{ kind: 'Conv2D', name: 'conv0', attrs: { channels: 4 } }], [-1, 784]));
  const [problem] = errorsOf(report);
  assert.ok(problem, 'a problem is reported');
  assert.equal(problem.nodeId, 'n0');
  assert.match(problem.message, /Conv2D expects \(N, C, H, W\), got \(N, 784\)/);
});

test('a kernel larger than the padded input, and channels that do not split into groups, are refused', () => {
  const big = errorsOf(
    inferShapes(chainDocument([{ kind: 'Conv2D', name: 'conv0', attrs: { channels: 4, kernelSize: [7, 7], padding: [1, 1] } }], [-1, 3, 4, 4])),
  );
  assert.match(big[0]!.message, /kernel \(7 with dilation\) is larger than the padded input \(4 \+ 2·1\)/);
  const groups = errorsOf(inferShapes(chainDocument([{ kind: 'Conv2D', name: 'conv0', attrs: { channels: 4, groups: 2 } }], [-1, 3, 8, 8])));
  assert.match(groups[0]!.message, /3 channels do not split into groups = 2/);
  const pool = errorsOf(inferShapes(chainDocument([{ kind: 'MaxPool2D', name: 'pool0', attrs: { poolSize: [5, 5] } }], [-1, 3, 4, 4])));
  assert.match(pool[0]!.message, /window \(5\) is larger than the padded input/);
});

test('transposed convolutions upsample: (L − 1)·s − 2p + d(k − 1) + output_padding + 1', () => {
  const report = inferShapes(
    chainDocument(
      [{ kind: 'Conv2DTranspose', name: 'up0', attrs: { channels: 8, kernelSize: [3, 3], strides: [2, 2], padding: [1, 1], outputPadding: [1, 1] } }],
      [-1, 4, 7, 9],
    ),
  );
  assert.deepEqual(errorsOf(report), []);
  assert.deepEqual(report.nodes.n0!.outputShapes[0], [-1, 8, 14, 18]);
  assert.deepEqual(
    report.nodes.n0!.params.map((p) => p.shape),
    [[4, 8, 3, 3], [8]],
  );
});
