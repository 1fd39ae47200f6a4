// An in-memory data set on the host (features and labels as float32 rows), with the operations a
// training run needs: subsets, a seeded train / validation split, and shuffled batches turned into
// NDArrays on the training device one batch at a time.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { np } from '../../ndarray/np.ts';
import type { Device } from '../../ndarray/device.ts';
import { mixSeed, permutation } from './rng.ts';
import { datasetErrors } from './data-errors.ts';

export type Task = 'classification' | 'regression';

export interface Dataset {
  readonly name: string;
  /** length × product(featureShape) values, row-major. */
  readonly features: Float32Array;
  readonly featureShape: readonly number[];
  /** length × product(labelShape) values; class indices (as floats) for classification. */
  readonly labels: Float32Array;
  readonly labelShape: readonly number[];
  readonly length: number;
  readonly task: Task;
  /** Classification only: labels are 0 .. numClasses-1. */
  readonly numClasses?: number;
  /** Text data only: id → character (the vocabulary generation decodes with). */
  readonly vocab?: readonly string[];
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * The same samples seen in the model's input shape (without the batch axis) when only the layout
 * differs — MNIST's 784 pixels as (1, 28, 28) for a convolutional network. Rows are row-major, so
 * no value moves. Returns `ds` itself when the shapes already agree or the sizes differ.
 */
export function shapedFor(ds: Dataset, sampleShape: readonly number[]): Dataset {
  if (sampleShape.some((d) => d < 1) || sampleShape.length === 0) return ds;
  const same = sampleShape.length === ds.featureShape.length && sampleShape.every((d, i) => d === ds.featureShape[i]);
  if (same || sizeOf(sampleShape) !== sizeOf(ds.featureShape)) return ds;
  return { ...ds, featureShape: [...sampleShape] };
}

/** The rows `indices` of `ds`, copied, in that order. */
export function subset(ds: Dataset, indices: ArrayLike<number>, name = ds.name): Dataset {
  const f = sizeOf(ds.featureShape);
  const l = sizeOf(ds.labelShape);
  const features = new Float32Array(indices.length * f);
  const labels = new Float32Array(indices.length * l);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i]!;
    features.set(ds.features.subarray(r * f, (r + 1) * f), i * f);
    labels.set(ds.labels.subarray(r * l, (r + 1) * l), i * l);
  }
  return { ...ds, name, features, labels, length: indices.length };
}

export interface SplitOptions {
  /** Fraction of the rows held out for validation (default 0.2); ignored when `validation` is given. */
  validationFraction?: number;
  /** Exact validation size. */
  validation?: number;
  /** Exact training size (default: all remaining rows). */
  train?: number;
  seed?: number;
}

/** A seeded random train / validation split (disjoint rows). */
export function trainValidationSplit(ds: Dataset, options: SplitOptions = {}): { train: Dataset; validation: Dataset } {
  const fraction = options.validationFraction ?? 0.2;
  if (!(fraction >= 0 && fraction < 1)) throw datasetErrors.validationFraction(ds.name, fraction);
  const nVal = options.validation ?? Math.round(ds.length * fraction);
  const nTrain = options.train ?? ds.length - nVal;
  if (nVal < 0 || nTrain < 1 || nVal + nTrain > ds.length) {
    throw datasetErrors.split(ds.name, nTrain, nVal, ds.length);
  }
  const order = permutation(ds.length, mixSeed(options.seed ?? 0, 0x5eed));
  return {
    validation: subset(ds, order.subarray(0, nVal), `${ds.name} (validation)`),
    train: subset(ds, order.subarray(nVal, nVal + nTrain), `${ds.name} (train)`),
  };
}

export interface Batch {
  x: NDArray;
  y: NDArray;
  size: number;
}

/** Number of batches per epoch (the last one may be smaller: Gluon's last_batch='keep'). */
export function batchCount(ds: Dataset, batchSize: number): number {
  return Math.ceil(ds.length / batchSize);
}

/** The row order of one epoch: a pure function of (seed, epoch), so a resumed run repeats it. */
export function epochOrder(ds: Dataset, seed: number, epoch: number, shuffle = true): Uint32Array {
  if (!shuffle) return Uint32Array.from({ length: ds.length }, (_, i) => i);
  return permutation(ds.length, mixSeed(seed, epoch + 1));
}

/** Batch `index` of an epoch order, as arrays on `device`. */
export function makeBatch(ds: Dataset, order: Uint32Array, index: number, batchSize: number, device: Device): Batch {
  const rows = order.subarray(index * batchSize, Math.min(ds.length, (index + 1) * batchSize));
  const picked = subset(ds, rows);
  return {
    x: np.array(picked.features, { shape: [rows.length, ...ds.featureShape], device }),
    y: np.array(picked.labels, { shape: [rows.length, ...ds.labelShape], device }),
    size: rows.length,
  };
}

/** Shuffled batches of one epoch (the chapter's DataLoader(shuffle=True)). */
export function* batches(ds: Dataset, batchSize: number, options: { seed?: number; epoch?: number; shuffle?: boolean; device: Device }): Generator<Batch> {
  const order = epochOrder(ds, options.seed ?? 0, options.epoch ?? 0, options.shuffle ?? true);
  for (let i = 0; i < batchCount(ds, batchSize); i++) yield makeBatch(ds, order, i, batchSize, options.device);
}

/** Builds a classification or regression set from flat arrays, checking sizes and labels. */
export function makeDataset(init: Omit<Dataset, 'task' | 'numClasses' | 'length'> & { task?: Task }): Dataset {
  const f = sizeOf(init.featureShape);
  const l = sizeOf(init.labelShape);
  const length = f === 0 ? 0 : init.features.length / f;
  if (!Number.isInteger(length) || init.labels.length !== length * l) {
    throw datasetErrors.wholeRows(init.name, init.features.length, init.labels.length, init.featureShape, init.labelShape);
  }
  if (length === 0) throw datasetErrors.noRows(init.name);
  const integral = l === 1 && init.labels.every((v) => Number.isInteger(v) && v >= 0);
  const task = init.task ?? (integral ? 'classification' : 'regression');
  if (task === 'classification') {
    if (!integral) throw datasetErrors.classLabels(init.name);
    let max = 0;
    for (const v of init.labels) if (v > max) max = v;
    return { ...init, length, task, numClasses: max + 1 };
  }
  return { ...init, length, task };
}
