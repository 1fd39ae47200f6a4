// Evaluation helpers of a training run: a data set's mean loss and accuracy in predict mode, and
// the accuracy update that knows how each loss encodes a class.

import type { NDArray } from '../ndarray/ndarray.ts';
import type { Device } from '../ndarray/device.ts';
import { autograd } from '../autograd/index.ts';
import type { Block } from '../nn/block.ts';
import type { Loss } from './losses.ts';
import { Accuracy, LossMetric } from './metrics.ts';
import { batchCount, epochOrder, makeBatch, type Dataset } from './data/dataset.ts';

const EVAL_BATCH = 1024;

/** Binary cross-entropy has one logit per sample: the class is its sign, not an argmax. */
export function updateAccuracy(metric: Accuracy, loss: Loss, y: NDArray, out: NDArray): void {
  if (loss.name !== 'sigmoid-binary-cross-entropy') return metric.update(y, out);
  const predicted = out.gt(0).reshape(-1);
  metric.update(y, predicted);
  predicted.dispose();
}

/** Mean loss and accuracy (classification) over `ds`, in predict mode (dropout off), nothing recorded. */
export function evaluate(net: Block, loss: Loss, ds: Dataset, device: Device): { loss: number; accuracy: number | null } {
  const lossMetric = new LossMetric();
  const acc = new Accuracy(-1); // the class axis is the last: (N, C), or (N, T, C) with a label per position
  const order = epochOrder(ds, 0, 0, false);
  autograd.pause(() => {
    for (let i = 0; i < batchCount(ds, EVAL_BATCH); i++) {
      const { x, y } = makeBatch(ds, order, i, EVAL_BATCH, device);
      const out = net.call(x);
      const l = loss.call(out, y);
      lossMetric.update(l);
      if (ds.task === 'classification') updateAccuracy(acc, loss, y, out);
      for (const a of [x, y, out, l]) a.dispose();
    }
  });
  const accuracy = acc.get()[1];
  return { loss: lossMetric.get()[1], accuracy: ds.task === 'classification' && Number.isFinite(accuracy) ? accuracy : null };
}
