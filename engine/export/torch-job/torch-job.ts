// `blocksmith export DOC.json --torch-job DIR` and the editor's Training › Export training job…:
// the document's model and training settings as a PyTorch distributed (DDP) job directory —
//   model.py            the PyTorch module (the existing PyTorch code export, unchanged)
//   init.safetensors    the parameters the job starts from (Blocksmith names, document embedded)
//   document.json       the document exactly as Blocksmith serialises it (checkpoints embed it)
//   job.json            the training settings, resolved (defaults filled in as Blocksmith fills them)
//   data/               MNIST / synthetic sets as .npz, or the split of a file (CSV, arrays, text) referenced by path
//   train.py, blocksmith_job.py   the loop (torchrun, DDP, DistributedSampler) and its helpers
//   README.md           the torchrun lines for one machine and several, CPU or GPU

import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuiltModel } from '../../graph/build.ts';
import type { TrainingConfig } from '../../protocol/training-config.ts';
import { checkTextEmbeddings } from '../../train/text-model.ts';
import { exportModel } from '../export-model.ts';
import { ExportError } from '../export-error.ts';
import { writeJobData } from './job-data.ts';
import { jobReadme } from './job-readme.ts';

export const TORCH_JOB_FORMAT = 'blocksmith.torch-job';
const PYTHON_FILES = ['train.py', 'blocksmith_job.py'] as const;
const DEFAULT_LR = { sgd: 0.1, adam: 0.001, adamw: 0.001 } as const;

/**
 * The folder of train.py and blocksmith_job.py: beside this module when it runs from source, or
 * from the repository root when the engine runs bundled (electron/dist/engine.js, two levels down).
 */
function pythonDir(): string {
  const candidates = [new URL('./python/', import.meta.url), new URL('../../engine/export/torch-job/python/', import.meta.url)].map((u) => fileURLToPath(u));
  const found = candidates.find((dir) => existsSync(join(dir, 'train.py')));
  if (!found) throw new ExportError('E_EXPORT_JOB', '', `the job's Python files are missing (looked in ${candidates.join(', ')})`);
  return found;
}

export type LrScaling = 'none' | 'linear' | 'sqrt';

export interface TorchJobOptions {
  /** Scale the learning rate with the number of processes (default none: the global batch stays the document's). */
  scaleLr?: LrScaling;
  /** The batch size is per process (global batch = batch × processes) instead of split across them. */
  perProcessBatch?: boolean;
  /** Processes per machine the README's commands use (default 2). */
  nprocPerNode?: number;
}

export interface TorchJobReport {
  dir: string;
  files: string[];
  modelClass: string;
  trainSize: number;
  validationSize: number;
  /** The command that runs the job on this machine (from the job directory). */
  command: string;
}

/**
 * Writes the job. `model` holds the values the job starts from (as Start in the editor would:
 * rebuilt from the config's seed, or the values the document holds).
 * @example await exportTorchJob(model, zTrainingConfig.parse({ data: { kind: 'mnist' }, epochs: 1 }), 'job');
 */
export async function exportTorchJob(model: BuiltModel, config: TrainingConfig, dir: string, options: TorchJobOptions = {}): Promise<TorchJobReport> {
  const root = resolve(dir);
  await mkdir(join(root, 'checkpoints'), { recursive: true });
  const seed = config.seed ?? model.document.seed;
  const data = await writeJobData(root, config, seed, model.document.input.shape);
  // As Start would: an Embedding that does not fit the text's vocabulary is named before anything runs.
  if (data.vocab) checkTextEmbeddings(model.document, data.vocab.length, config.data.kind === 'text' ? config.data.path : 'text');
  // PyTorch modules have fixed input sizes (Blocksmith settles deferred ones on the first batch).
  const expected = model.document.input.shape.slice(1);
  if (expected.length !== data.featureShape.length || expected.some((d, i) => d !== -1 && d !== data.featureShape[i])) {
    throw new ExportError(
      'E_EXPORT_JOB',
      '',
      `the data's samples have shape (${data.featureShape.join(', ')}) but the document's input is ` +
        `(${model.document.input.shape.join(', ')}); set the input shape to (-1, ${data.featureShape.join(', ')}) or pick matching data`,
    );
  }
  await exportModel(model, { target: 'pytorch', path: join(root, 'model.py') });
  await exportModel(model, { target: 'safetensors', path: join(root, 'init.safetensors') });
  const code = await readFile(join(root, 'model.py'), 'utf8');
  // The model's class is the one the file's first line names: helper modules (a positional
  // encoding, a block definition) come before it in the file.
  const named = /^# (\w+)/.exec(code)?.[1];
  const modelClass = named && new RegExp(`^class ${named}\\(nn\\.Module\\)`, 'm').test(code) ? named : undefined;
  if (!modelClass) throw new ExportError('E_EXPORT_JOB', '', 'the PyTorch export has no nn.Module class');
  await writeFile(join(root, 'document.json'), JSON.stringify(model.document));

  const opt = config.optimizer ?? { name: 'sgd' as const };
  const frozen = model.net
    .collectParams()
    .entries()
    .filter(([, p]) => p.gradReq === 'null')
    .map(([name]) => name);
  const job = {
    format: TORCH_JOB_FORMAT,
    version: 1,
    title: model.document.title ?? null,
    model_class: modelClass,
    init: 'init.safetensors',
    data: data.data,
    task: data.task,
    feature_shape: data.featureShape,
    label_shape: data.labelShape,
    loss: config.loss ?? (data.task === 'classification' ? 'softmax-cross-entropy' : 'l2'),
    optimizer: { ...opt, learningRate: opt.learningRate ?? DEFAULT_LR[opt.name] },
    schedule: config.schedule ?? null,
    clip_global_norm: config.clipGlobalNorm ?? null,
    epochs: config.epochs,
    batch_size: config.batchSize,
    seed,
    per_process_batch: options.perProcessBatch ?? false,
    scale_lr: options.scaleLr ?? 'none',
    checkpoint_every: config.checkpoint?.everySteps ?? 0,
    frozen,
    train_size: data.trainSize,
    validation_size: data.validationSize,
  };
  await writeFile(join(root, 'job.json'), `${JSON.stringify(job, null, 2)}\n`);
  const python = pythonDir();
  for (const name of PYTHON_FILES) await copyFile(join(python, name), join(root, name));
  const nproc = options.nprocPerNode ?? 2;
  await writeFile(join(root, 'README.md'), jobReadme({ title: model.document.title ?? modelClass, nproc, job }));
  return {
    dir: root,
    modelClass,
    trainSize: data.trainSize,
    validationSize: data.validationSize,
    files: ['README.md', 'job.json', 'document.json', 'model.py', 'init.safetensors', ...PYTHON_FILES, ...data.files],
    command: `torchrun --standalone --nproc_per_node=${nproc} train.py`,
  };
}
