// The data of a PyTorch training job: MNIST and the synthetic sets are written as .npz (the very
// rows of Blocksmith's train / validation split, so the job sees the same samples); CSV, .npy and
// .npz sources stay where they are, referenced by absolute path, with the split's row indices
// written beside the job so the script splits them exactly as Blocksmith does.

import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeArrayFile } from '../../io/array-file.ts';
import type { DataSource, TrainingConfig } from '../../protocol/training-config.ts';
import { trainValidationSplit, type Dataset } from '../../train/data/dataset.ts';
import { loadDataSource } from '../../train/data/sources.ts';
import { ExportError } from '../export-error.ts';

/** What job.json says about the data (train.py's load_data reads it). */
export type JobData =
  { kind: 'written'; source: DataSource; train: string; validation: string | null } | { kind: 'csv' | 'arrays'; source: DataSource; split: string };

export interface WrittenData {
  data: JobData;
  task: 'classification' | 'regression';
  featureShape: number[];
  labelShape: number[];
  trainSize: number;
  validationSize: number;
  /** Files written under the job directory (relative paths). */
  files: string[];
}

function splitOptions(config: TrainingConfig, seed: number) {
  return {
    seed,
    ...(config.validationFraction !== undefined ? { validationFraction: config.validationFraction } : {}),
    ...(config.validationSize !== undefined ? { validation: config.validationSize } : {}),
    ...(config.trainSize !== undefined ? { train: config.trainSize } : {}),
  };
}

/** features [N, ...featureShape] and labels [N, ...labelShape] as float32, as Blocksmith holds them. */
async function writeSet(path: string, ds: Dataset): Promise<void> {
  await writeArrayFile(
    path,
    {
      x: { dtype: 'float32', shape: [ds.length, ...ds.featureShape], data: ds.features },
      y: { dtype: 'float32', shape: [ds.length, ...ds.labelShape], data: ds.labels },
    },
    { format: 'npz' },
  );
}

/**
 * Loads the config's data as Blocksmith's run would (same seed, same split) and writes what the
 * job needs under `dir/data/`.
 */
export async function writeJobData(dir: string, config: TrainingConfig, seed: number): Promise<WrittenData> {
  const source = config.data;
  // The job's loss and accuracy take (N, C) logits; a language model's (N, T, V) with a label per position is not written for yet.
  if (source.kind === 'text') {
    throw new ExportError('E_EXPORT_JOB', 'data', 'text data (a label per position) is not supported by PyTorch jobs yet; train it in Blocksmith');
  }
  const all = await loadDataSource(source, { seed, ...(config.task ? { task: config.task } : {}) });
  const base = { task: all.task, featureShape: [...all.featureShape], labelShape: [...all.labelShape] };
  await mkdir(join(dir, 'data'), { recursive: true });
  if (source.kind === 'csv' || source.kind === 'arrays') {
    if (all.length > 1 << 24)
      throw new ExportError('E_EXPORT_JOB', 'data', `${all.length} rows: the split indices are kept as float32, exact up to 16,777,216 rows`);
    // The split of a table of row numbers is the split of the rows: the same permutation, no copy of the data.
    const rows: Dataset = { ...all, features: Float32Array.from({ length: all.length }, (_, i) => i), featureShape: [1] };
    const { train, validation } = trainValidationSplit(rows, splitOptions(config, seed));
    const asIndices = (ds: Dataset) => ({ dtype: 'int64' as const, shape: [ds.length], data: BigInt64Array.from(ds.features, (v) => BigInt(v)) });
    await writeArrayFile(join(dir, 'data', 'split.npz'), { train: asIndices(train), validation: asIndices(validation) }, { format: 'npz' });
    const absolute = { ...source, path: resolve(source.path) } as DataSource;
    return {
      ...base,
      data: { kind: source.kind, source: absolute, split: 'data/split.npz' },
      trainSize: train.length,
      validationSize: validation.length,
      files: ['data/split.npz'],
    };
  }
  const { train, validation } = trainValidationSplit(all, splitOptions(config, seed));
  await writeSet(join(dir, 'data', 'train.npz'), train);
  const files = ['data/train.npz'];
  if (validation.length > 0) {
    await writeSet(join(dir, 'data', 'validation.npz'), validation);
    files.push('data/validation.npz');
  }
  return {
    ...base,
    data: { kind: 'written', source, train: 'data/train.npz', validation: validation.length > 0 ? 'data/validation.npz' : null },
    trainSize: train.length,
    validationSize: validation.length,
    files,
  };
}
