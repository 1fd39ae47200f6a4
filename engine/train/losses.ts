// Gluon's losses (mxnet.gluon.loss). Each returns one value per sample — the mean over the
// non-batch axes — so `loss.backward()` sums over the batch and Trainer.step(batchSize) divides
// by it, exactly as Gluon splits the work between the loss and the trainer.
//
// @example
//   const lossFn = new SoftmaxCrossEntropyLoss();
//   const l = autograd.record(() => lossFn.call(net.call(x), y)); // shape [batch]
//   l.backward(); trainer.step(x.shape[0]);

import type { NDArray } from '../ndarray/ndarray.ts';
import { np } from '../ndarray/np.ts';
import { npx } from '../ndarray/npx.ts';
import { trainingErrors } from './train-errors.ts';

export type LossName = 'l2' | 'l1' | 'softmax-cross-entropy' | 'sigmoid-binary-cross-entropy';

export abstract class Loss {
  /** Global scale of the loss (Gluon's `weight`); null means 1. */
  readonly weight: number | null;
  abstract readonly name: LossName;

  constructor(weight: number | null = null) {
    this.weight = weight;
  }

  /** One loss value per sample: shape [batch]. */
  abstract forward(pred: NDArray, label: NDArray): NDArray;

  call(pred: NDArray, label: NDArray): NDArray {
    return this.forward(pred, label);
  }

  protected scaled(x: NDArray, extra = 1): NDArray {
    const w = (this.weight ?? 1) * extra;
    return w === 1 ? x : x.mul(w);
  }
}

/** Mean over every axis but the batch axis (0), as Gluon's `F.mean(loss, axis=self._batch_axis, exclude=True)`. */
function perSample(x: NDArray): NDArray {
  if (x.ndim <= 1) return x;
  return x.mean(Array.from({ length: x.ndim - 1 }, (_, i) => i + 1));
}

/** Gluon's `_reshape_like`: a label with the prediction's element count takes its shape ([N] vs [N, 1]). */
function likePred(label: NDArray, pred: NDArray): NDArray {
  if (label.size === pred.size && label.shape.join() !== pred.shape.join()) return label.reshape(pred.shape);
  return label;
}

/** ½·(pred − label)², averaged per sample (Gluon L2Loss, whose weight defaults to 1 and halves). */
export class L2Loss extends Loss {
  readonly name = 'l2';
  forward(pred: NDArray, label: NDArray): NDArray {
    const d = pred.sub(likePred(label, pred));
    return perSample(this.scaled(d.square(), 0.5));
  }
}

/** |pred − label|, averaged per sample. */
export class L1Loss extends Loss {
  readonly name = 'l1';
  forward(pred: NDArray, label: NDArray): NDArray {
    return perSample(this.scaled(pred.sub(likePred(label, pred)).abs()));
  }
}

export interface SoftmaxCrossEntropyOptions {
  /** The class axis (default -1). */
  axis?: number;
  /** Labels are class indices (default true), else a distribution over classes of pred's shape. */
  sparseLabel?: boolean;
  /** pred already holds log-probabilities (default false: pred are logits). */
  fromLogits?: boolean;
  weight?: number | null;
}

/**
 * −log softmax(pred)[label]. log-softmax is one fused, max-shifted kernel, so large logits do not
 * overflow (the numerically stable form). Sparse labels become a one-hot mask (label == arange(C)),
 * the engine's stand-in for Gluon's `pick`.
 */
export class SoftmaxCrossEntropyLoss extends Loss {
  readonly name = 'softmax-cross-entropy';
  readonly axis: number;
  readonly sparseLabel: boolean;
  readonly fromLogits: boolean;

  constructor(options: SoftmaxCrossEntropyOptions = {}) {
    super(options.weight ?? null);
    this.axis = options.axis ?? -1;
    this.sparseLabel = options.sparseLabel ?? true;
    this.fromLogits = options.fromLogits ?? false;
  }

  forward(pred: NDArray, label: NDArray): NDArray {
    const axis = this.axis < 0 ? this.axis + pred.ndim : this.axis;
    const logp = this.fromLogits ? pred : npx.logSoftmax(pred, axis);
    let target: NDArray;
    if (this.sparseLabel) {
      const classes = pred.shape[axis]!;
      if (label.size * classes !== pred.size) {
        throw trainingErrors.sparseLabels(label.shape, pred.shape, axis);
      }
      const shape = pred.shape.map((d, i) => (i === axis ? 1 : d));
      const along = pred.shape.map((d, i) => (i === axis ? d : 1));
      target = label.reshape(shape).eq(np.arange(classes, undefined, 1, { device: pred.device }).reshape(along));
    } else {
      target = likePred(label, pred);
    }
    return perSample(this.scaled(logp.mul(target).sum(axis).neg()));
  }
}

export interface SigmoidBinaryCrossEntropyOptions {
  /** pred are probabilities already (default false: pred are logits). */
  fromSigmoid?: boolean;
  weight?: number | null;
}

/**
 * Binary cross-entropy. From logits it uses Gluon's stable form
 * max(x, 0) − x·z + log(1 + exp(−|x|)), which never exponentiates a large positive number.
 */
export class SigmoidBinaryCrossEntropyLoss extends Loss {
  readonly name = 'sigmoid-binary-cross-entropy';
  readonly fromSigmoid: boolean;

  constructor(options: SigmoidBinaryCrossEntropyOptions = {}) {
    super(options.weight ?? null);
    this.fromSigmoid = options.fromSigmoid ?? false;
  }

  forward(pred: NDArray, label: NDArray): NDArray {
    const z = likePred(label, pred);
    let loss: NDArray;
    if (!this.fromSigmoid) {
      loss = pred.relu().sub(pred.mul(z)).add(npx.softrelu(pred.abs().neg()));
    } else {
      // Gluon's eps keeps log() finite at probabilities of exactly 0 or 1.
      const eps = 1e-12;
      loss = pred
        .add(eps)
        .log()
        .mul(z)
        .add(np.subtract(1, pred).add(eps).log().mul(np.subtract(1, z)))
        .neg();
    }
    return perSample(this.scaled(loss));
  }
}

/** A loss by name (the service and the CLI choose losses by string). */
export function createLoss(name: LossName): Loss {
  switch (name) {
    case 'l2':
      return new L2Loss();
    case 'l1':
      return new L1Loss();
    case 'softmax-cross-entropy':
      return new SoftmaxCrossEntropyLoss();
    case 'sigmoid-binary-cross-entropy':
      return new SigmoidBinaryCrossEntropyLoss();
    default:
      throw trainingErrors.unknownLoss(name);
  }
}
