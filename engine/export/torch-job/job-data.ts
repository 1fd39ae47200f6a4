// The data of a PyTorch training job: MNIST and the synthetic sets are written as .npz (the very
// rows of Blocksmith's train / validation split, so the job sees the same samples); CSV, .npy,
// .npz and text sources stay where they are, referenced by absolute path, with the split's row
// (text: window) indices written beside the job so the script splits them exactly as Blocksmith
// does. A text source also records its vocabulary, so the script can check it rebuilt the same.

import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeArrayFile } from '../../io/array-file.ts';
import type { DataSource, TrainingConfig } from '../../protocol/training-config.ts';
import { trainValidationSplit, type Dataset } from '../../train/data/dataset.ts';
import { DEFAULT_TEXT_WINDOW, loadDataSource } from '../../train/data/sources.ts';
import { ExportError } from '../export-error.ts';

/** What job.json says about the data (train.py's load_data reads it). */
export type JobData =
  | { kind: 'written'; source: DataSource; train: string; validation: string | null }
  | { kind: 'csv' | 'arrays'; source: DataSource; split: string }
  | { kind: 'text'; source: DataSource; split: string; vocab: readonly string[] };

export interface WrittenData {
  data: JobData;
  task: 'classification' | 'regression';
  featureShape: number[];
  labelShape: number[];
  trainSize: number;
  validationSize: number;
  /** Files written under the job directory (relative paths). */
  files: string[];
  /** Text data only: id → character (what the document's Embedding inputDim must equal). */
  vocab?: readonly string[];
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
 * The source as the job reads it: an absolute path, and for text the window and stride Blocksmith's
 * run resolves (a missing window is the document's sequence length, as prepareRun takes it).
 */
function resolvedSource(source: DataSource, inputShape: readonly number[]): DataSource {
  if (source.kind === 'mnist' || source.kind === 'spirals' || source.kind === 'linear') return source;
  if (source.kind !== 'text') return { ...source, path: resolve(source.path) };
  const length = inputShape[1] ?? -1;
  return { ...source, path: resolve(source.path), window: source.window ?? (length > 0 ? length : DEFAULT_TEXT_WINDOW), stride: source.stride ?? 1 };
}

/**
 * Loads the config's data as Blocksmith's run would (same seed, same split) and writes what the
 * job needs under `dir/data/`. `inputShape` is the document's (a text source's default window).
 */
export async function writeJobData(dir: string, config: TrainingConfig, seed: number, inputShape: readonly number[] = []): Promise<WrittenData> {
  const source = resolvedSource(config.data, inputShape);
  const all = await loadDataSource(source, { seed, ...(config.task ? { task: config.task } : {}) });
  const base = { task: all.task, featureShape: [...all.featureShape], labelShape: [...all.labelShape] };
  await mkdir(join(dir, 'data'), { recursive: true });
  if (source.kind === 'csv' || source.kind === 'arrays' || source.kind === 'text') {
    if (all.length > 1 << 24)
      throw new ExportError('E_EXPORT_JOB', 'data', `${all.length} rows: the split indices are kept as float32, exact up to 16,777,216 rows`);
    // The split of a table of row numbers is the split of the rows: the same permutation, no copy of the data.
    const rows: Dataset = { ...all, features: Float32Array.from({ length: all.length }, (_, i) => i), featureShape: [1] };
    const { train, validation } = trainValidationSplit(rows, splitOptions(config, seed));
    const asIndices = (ds: Dataset) => ({ dtype: 'int64' as const, shape: [ds.length], data: BigInt64Array.from(ds.features, (v) => BigInt(v)) });
    await writeArrayFile(join(dir, 'data', 'split.npz'), { train: asIndices(train), validation: asIndices(validation) }, { format: 'npz' });
    const sizes = { trainSize: train.length, validationSize: validation.length, files: ['data/split.npz'] };
    if (source.kind === 'text') {
      const vocab = all.vocab ?? [];
      return { ...base, ...sizes, vocab, data: { kind: 'text', source, split: 'data/split.npz', vocab } };
    }
    return { ...base, ...sizes, data: { kind: source.kind, source, split: 'data/split.npz' } };
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
