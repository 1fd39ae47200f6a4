// The training flags `blocksmith train` and `blocksmith export --torch-job` share: parsed into the
// service's training config (engine/protocol/training-config.ts), with one message per bad value.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { DataSource, TrainingConfigInput } from '../protocol/training-config.ts';

/** A mistake in a training flag: the commands print it with their usage. */
export class TrainUsageError extends Error {}

/** parseArgs options of the training flags. */
export const TRAIN_FLAGS = {
  data: { type: 'string' },
  label: { type: 'string' },
  features: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  optimizer: { type: 'string' },
  momentum: { type: 'string' },
  wd: { type: 'string' },
  seed: { type: 'string' },
  validation: { type: 'string' },
  device: { type: 'string' },
  'checkpoint-dir': { type: 'string' },
  'checkpoint-every': { type: 'string' },
  resume: { type: 'string' },
  window: { type: 'string' },
  stride: { type: 'string' },
} as const;

export type TrainFlagValues = { [K in keyof typeof TRAIN_FLAGS]?: string | undefined };

function column(text: string): string | number {
  return /^-?\d+$/.test(text) ? Number(text) : text;
}

/** --data: a built-in set by name, else a file whose extension says how to read it. */
function dataSource(values: TrainFlagValues): DataSource {
  const { data, label, features } = values;
  if (!data) throw new TrainUsageError('--data is required (mnist, spirals, linear, or a .csv / .npz / .npy / .txt file)');
  const window = flagNumber('window', values.window, true);
  const stride = flagNumber('stride', values.stride, true);
  const ext = extname(data).toLowerCase();
  if ((window !== undefined || stride !== undefined) && ext !== '.txt') throw new TrainUsageError('--window and --stride apply to a .txt text file');
  if (ext === '.txt') {
    if (label || features) throw new TrainUsageError('--label and --features do not apply to a text: the labels are the next characters');
    return { kind: 'text', path: data, ...(window !== undefined ? { window } : {}), ...(stride !== undefined ? { stride } : {}) };
  }
  if (data === 'mnist' || data === 'spirals' || data === 'linear') {
    if (label || features) throw new TrainUsageError(`--label and --features apply to files, not to the built-in '${data}' set`);
    return { kind: data };
  }
  const picked = { ...(label !== undefined ? { label: column(label) } : {}) };
  if (ext === '.csv') return { kind: 'csv', path: data, ...picked, ...(features ? { features: features.split(',').map(column) } : {}) };
  if (ext === '.npz' || ext === '.npy') return { kind: 'arrays', path: data, ...picked, ...(features ? { features } : {}) };
  throw new TrainUsageError(`--data '${data}' is not mnist, spirals, linear, or a .csv / .npz / .npy / .txt file`);
}

export function flagNumber(name: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new TrainUsageError(`--${name} must be ${integer ? 'an integer' : 'a number'} (got '${text}')`);
  }
  return v;
}

/** The training config the flags describe. SGD gets momentum 0.9 unless --momentum says otherwise. */
export function trainingConfigFromFlags(values: TrainFlagValues): TrainingConfigInput {
  const epochs = flagNumber('epochs', values.epochs, true);
  if (epochs === undefined) throw new TrainUsageError('--epochs is required');
  const optimizer = values.optimizer ?? 'sgd';
  if (optimizer !== 'sgd' && optimizer !== 'adam' && optimizer !== 'adamw')
    throw new TrainUsageError(`--optimizer must be sgd, adam or adamw (got '${optimizer}')`);
  const every = flagNumber('checkpoint-every', values['checkpoint-every'], true);
  if (every !== undefined && !values['checkpoint-dir']) throw new TrainUsageError('--checkpoint-every needs --checkpoint-dir');
  const lr = flagNumber('lr', values.lr, false);
  const momentum = flagNumber('momentum', values.momentum, false);
  const wd = flagNumber('wd', values.wd, false);
  const batchSize = flagNumber('batch-size', values['batch-size'], true);
  const seed = flagNumber('seed', values.seed, true);
  const validation = flagNumber('validation', values.validation, false);
  return {
    data: dataSource(values),
    epochs,
    optimizer: {
      name: optimizer,
      ...(lr !== undefined ? { learningRate: lr } : {}),
      ...(momentum !== undefined ? { momentum } : optimizer === 'sgd' ? { momentum: 0.9 } : {}),
      ...(wd !== undefined ? { wd } : {}),
    },
    ...(batchSize !== undefined ? { batchSize } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(validation !== undefined ? { validationFraction: validation } : {}),
    ...(values.device ? { device: values.device } : {}),
    ...(values['checkpoint-dir'] ? { checkpoint: { dir: values['checkpoint-dir'], ...(every !== undefined ? { everySteps: every } : {}) } } : {}),
    ...(values.resume ? { resumeFrom: values.resume } : {}),
    histogramBins: 0,
  };
}

/** A document file's JSON, or a usage error naming the file (what train and generate read first). */
export async function readDocumentJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (error) {
    throw new TrainUsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
