// What the PyTorch training job tests share: where PyTorch and torchrun are (Debian's
// python3-torch, called as /usr/bin/python3), the MNIST MLP and its training settings, and readers
// of the job's metrics log.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModel, parseDocument, runModel, type BuiltModel } from '../../../engine/graph/index.ts';
import type { EpochRecord, TrainingConfigInput } from '../../../engine/protocol/training-config.ts';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const PYTHON = '/usr/bin/python3';
export const hasTorch = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' }).status === 0;
export const skip = hasTorch ? false : `${PYTHON} cannot import torch and numpy (apt install python3-torch python3-numpy)`;
/** Debian installs torchrun as /usr/bin/torchrun; `python3 -m torch.distributed.run` is the same program. */
export const TORCHRUN = existsSync('/usr/bin/torchrun') ? ['/usr/bin/torchrun'] : [PYTHON, '-m', 'torch.distributed.run'];
export const ENV = { ...process.env, OMP_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1' };

/** The split and settings of the engine's MNIST training test: 8,000 / 2,000 digits, SGD 0.1, momentum 0.9. */
export const CONFIG: TrainingConfigInput = {
  data: { kind: 'mnist' },
  trainSize: 8000,
  validationSize: 2000,
  epochs: 1,
  batchSize: 64,
  optimizer: { name: 'sgd', learningRate: 0.1, momentum: 0.9 },
};

/** The MNIST MLP example as JSON (a fresh copy each call). */
export function mnistDocument(): unknown {
  return JSON.parse(readFileSync(path.join(root, 'assets/examples/mnist-mlp.json'), 'utf8'));
}

/** The MNIST MLP built and initialized with seed 0 (deferred shapes settled). */
export async function mnistModel(): Promise<BuiltModel> {
  const { document } = parseDocument(mnistDocument());
  const model = buildModel(document!, { seed: 0 });
  runModel(model, []);
  return model;
}

export type Line = Record<string, unknown>;

/** The job's metrics.jsonl, one object a line. */
export async function metrics(dir: string): Promise<Line[]> {
  return (await readFile(path.join(dir, 'metrics.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);
}

export const epochsOf = (lines: Line[]) => lines.filter((l) => l.kind === 'epoch') as unknown as (EpochRecord & { samplesPerRank: number[] })[];

/** Runs /usr/bin/python3 with the job's environment; fails the test when it fails. */
export function python(args: string[], cwd: string): string {
  const r = spawnSync(PYTHON, args, { cwd, env: ENV, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `python3 ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}
