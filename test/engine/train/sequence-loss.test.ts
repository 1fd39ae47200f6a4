// Softmax cross-entropy with a label per position — what a character language model trains on:
// (N, T, V) logits against (N, T) class ids. Gluon's loss gives one value per sample, the mean over
// the T positions; PyTorch's F.cross_entropy takes the classes on axis 1, (N, V, T), and gives
// (N, T) with reduction='none'. Both the values and the gradient of their sum are compared.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autograd, np } from '../../../engine/index.ts';
import { SoftmaxCrossEntropyLoss } from '../../../engine/train/index.ts';
import { compareRelative, runTorch } from '../support/torch-oracle.ts';
import { toWire, type WireArray } from '../support/numpy-oracle.ts';

const body = String.raw`
def run(c):
    logits = T(c['logits'])
    labels = torch.tensor(arr(c['labels']).astype(np.int64))
    per_position = F.cross_entropy(logits.permute(0, 2, 1), labels, reduction='none')
    per_sample = per_position.mean(dim=1)
    per_sample.sum().backward()
    return {'loss': W(per_sample), 'grad': W(logits.grad)}
`;

test('softmax cross-entropy over (N, T, V) logits and (N, T) labels equals PyTorch F.cross_entropy on (N, V, T)', () => {
  const shapes: [number, number, number][] = [
    [2, 5, 7],
    [3, 1, 4],
    [4, 16, 28],
  ];
  const cases = shapes.map(([n, t, v]) => {
    const logits = np.random.normal(0, 3, [n, t, v]);
    const labels = np
      .array(
        Array.from({ length: n * t }, () => Math.floor(Math.random() * v)),
        { dtype: 'int32' },
      )
      .reshape([n, t]);
    return { logits, labels };
  });
  const results = runTorch<{ logits: WireArray; labels: WireArray }, { loss: WireArray; grad: WireArray }>(
    body,
    cases.map((c) => ({ logits: toWire(c.logits), labels: toWire(c.labels) })),
  );
  const loss = new SoftmaxCrossEntropyLoss();
  cases.forEach((c, i) => {
    const r = results[i]!;
    assert.equal(r.error, undefined, r.error);
    c.logits.attachGrad();
    // float labels, as the training data hands them over
    const l = autograd.record(() => loss.call(c.logits, c.labels.astype('float32')));
    l.backward();
    assert.deepEqual(l.shape, [shapes[i]![0]]);
    const lossDiff = compareRelative(l, r.loss, 1e-5);
    assert.equal(lossDiff, null, `loss ${JSON.stringify(shapes[i])}: ${lossDiff}`);
    const gradDiff = compareRelative(c.logits.grad!, r.grad, 1e-4);
    assert.equal(gradDiff, null, `gradient ${JSON.stringify(shapes[i])}: ${gradDiff}`);
  });
});
