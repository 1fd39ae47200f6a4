// A data-source description (engine/protocol/training-config.ts) → a data set, and the seeded
// train / validation split a run uses. The service and the CLI describe data this way.

import type { DataSource } from '../../protocol/training-config.ts';
import { subset, trainValidationSplit, type Dataset, type Task } from './dataset.ts';
import { parseCsv } from './csv.ts';
import { readArrayFileData } from './array-file-data.ts';
import { openRegularFile } from '../../io/array-file.ts';
import { loadMnist } from './mnist.ts';
import { syntheticLinear, twoSpirals } from './synthetic.ts';
import { permutation, mixSeed } from './rng.ts';
import { dataFileErrors, unreadableFile } from './data-errors.ts';
import { textCorpus, textDataset } from './text.ts';

/** Windows of this many characters when a text source does not say (the char-transformer's input length). */
export const DEFAULT_TEXT_WINDOW = 32;

/** A file's text, refusing FIFOs and devices before a byte is read (they would block or never end). */
async function readRegularText(path: string): Promise<string> {
  try {
    const fh = await openRegularFile(path);
    try {
      return await fh.readFile('utf8');
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw unreadableFile(path, e);
  }
}

export async function loadDataSource(source: DataSource, options: { seed?: number; task?: Task } = {}): Promise<Dataset> {
  const seed = options.seed ?? 0;
  const task = options.task ? { task: options.task } : {};
  switch (source.kind) {
    case 'mnist': {
      const all = await loadMnist();
      if (source.limit === undefined || source.limit >= all.length) return all;
      // A random subset, not the first rows: those are all zeros.
      return subset(all, permutation(all.length, mixSeed(seed, 0x6d6e)).subarray(0, source.limit));
    }
    case 'spirals':
      return twoSpirals({ ...source, seed });
    case 'linear':
      return syntheticLinear({ ...source, seed });
    case 'csv':
      return parseCsv(await readRegularText(source.path), { ...source, source: source.path, ...task });
    case 'arrays':
      return readArrayFileData(source.path, { ...source, ...task });
    case 'text': {
      if (options.task === 'regression') throw dataFileErrors.textTask(source.path);
      return textDataset(textCorpus(await readRegularText(source.path), source.path), source.window ?? DEFAULT_TEXT_WINDOW, source.stride ?? 1);
    }
  }
}

export interface SplitData {
  train: Dataset;
  validation: Dataset | null;
}

/** Loads and splits; a validation size of 0 means no validation set. */
export async function loadSplitData(
  source: DataSource,
  options: {
    seed?: number;
    task?: Task;
    validationFraction?: number;
    trainSize?: number;
    validationSize?: number;
  },
): Promise<SplitData> {
  const all = await loadDataSource(source, options);
  const { train, validation } = trainValidationSplit(all, {
    seed: options.seed ?? 0,
    ...(options.validationFraction !== undefined ? { validationFraction: options.validationFraction } : {}),
    ...(options.validationSize !== undefined ? { validation: options.validationSize } : {}),
    ...(options.trainSize !== undefined ? { train: options.trainSize } : {}),
  });
  return { train, validation: validation.length > 0 ? validation : null };
}
