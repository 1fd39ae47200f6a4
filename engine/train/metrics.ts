// Evaluation metrics (mxnet.metric / gluon.metric): Accuracy and a running-mean Loss. Both read
// back only what they need (argmax indices, loss sums), never a whole activation tensor.
//
// @example
//   const acc = new Accuracy(); acc.update(labels, net.call(x)); acc.get(); // ['accuracy', 0.93]

import type { NDArray } from '../ndarray/ndarray.ts';
import { trainingErrors } from './train-errors.ts';

export interface Metric {
  readonly name: string;
  reset(): void;
  /** [name, value]; NaN before any update. */
  get(): [string, number];
}

/** Fraction of rows whose argmax over the class axis equals the label. */
export class Accuracy implements Metric {
  readonly name = 'accuracy';
  readonly axis: number;
  correct = 0;
  count = 0;

  constructor(axis = 1) {
    this.axis = axis;
  }

  update(labels: NDArray, preds: NDArray): void {
    const predicted = preds.ndim > 1 ? preds.argmax(this.axis) : preds;
    const p = predicted.toTyped();
    const l = labels.toTyped();
    if (p.length !== l.length) {
      throw trainingErrors.accuracyCount(l.length, p.length);
    }
    for (let i = 0; i < p.length; i++) if (Number(p[i]) === Number(l[i])) this.correct++;
    this.count += p.length;
    if (predicted !== preds) predicted.dispose();
  }

  reset(): void {
    this.correct = 0;
    this.count = 0;
  }

  get(): [string, number] {
    return [this.name, this.count === 0 ? Number.NaN : this.correct / this.count];
  }
}

/** The mean of every per-sample loss value seen since the last reset. */
export class LossMetric implements Metric {
  readonly name: string;
  sum = 0;
  count = 0;

  constructor(name = 'loss') {
    this.name = name;
  }

  /** `losses` holds one value per sample (what a Loss returns). */
  update(losses: NDArray): void {
    const s = losses.sum();
    this.sum += Number(s.item());
    s.dispose();
    this.count += losses.size;
  }

  reset(): void {
    this.sum = 0;
    this.count = 0;
  }

  get(): [string, number] {
    return [this.name, this.count === 0 ? Number.NaN : this.sum / this.count];
  }
}

/** Gluon calls it metric.Loss; LossMetric avoids a clash with the Loss base class of losses.ts. */
export { LossMetric as Loss };
