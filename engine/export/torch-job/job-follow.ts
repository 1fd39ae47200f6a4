// Following a PyTorch training job from Blocksmith: its directory's metrics.jsonl (rank 0's JSON
// lines) folded into a training status like a run in the engine reports, the per-step loss
// points, and the latest checkpoint with per-parameter summaries of its values — so the editor's
// Training tab draws a job on a cluster (its directory synced here) as it draws its own runs.

import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readArrayFileInfo } from '../../io/array-file.ts';
import type { HostTensor } from '../../io/host-tensor.ts';
import type { EpochRecord, ParameterSummary, TrainingState, TrainingStatus } from '../../protocol/training-config.ts';
import { summarizeValues } from '../../train/param-summary.ts';
import { listCheckpoints } from '../../train/checkpoint.ts';
import { jobProcess, type JobProcessInfo } from './job-launch.ts';

/** At most this many per-step points are returned (the latest ones). */
const MAX_POINTS = 5000;

export interface JobStepPoint {
  step: number;
  loss: number | null;
  accuracy: number | null;
}

export interface JobCheckpoint {
  step: number;
  /** The .safetensors model file (opens as the trained model; loadParameters reads it). */
  path: string;
  /** The Blocksmith training checkpoint beside it (resumeFrom), when there is one. */
  resume: string | null;
}

export interface TorchJobProgress {
  dir: string;
  /** False until the job has written its first line (exported, not started yet). */
  started: boolean;
  status: TrainingStatus;
  worldSize: number | null;
  steps: JobStepPoint[];
  checkpoint: JobCheckpoint | null;
  /** Summaries of the latest checkpoint's values (empty when unchanged since `knownCheckpointStep`). */
  parameters: ParameterSummary[];
  /** The torchrun this engine started in the directory, if any. */
  process: JobProcessInfo | null;
}

type Line = Record<string, unknown> & { kind?: string };

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function parseLines(text: string): Line[] {
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    try {
      const v = JSON.parse(raw) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) lines.push(v as Line);
    } catch {
      // A line being written while we read (or a torn one after a crash): skipped.
    }
  }
  return lines;
}

function epochRecord(l: Line): EpochRecord {
  return {
    epoch: num(l.epoch) ?? 0,
    trainLoss: num(l.trainLoss),
    trainAccuracy: num(l.trainAccuracy),
    validationLoss: num(l.validationLoss),
    validationAccuracy: num(l.validationAccuracy),
    seconds: num(l.seconds) ?? 0,
  };
}

/** The job's log as a status (the last start onwards; a resumed job's start carries the history before it). */
export function foldJobLog(
  lines: readonly Line[],
  dir: string,
  exited: JobProcessInfo | null,
): { status: TrainingStatus; steps: JobStepPoint[]; worldSize: number | null } {
  let start: Line | null = null;
  let history: EpochRecord[] = [];
  let steps: JobStepPoint[] = [];
  let last: Line | null = null;
  let end: Line | null = null;
  let checkpoint: string | null = null;
  for (const l of lines) {
    if (l.kind === 'start') {
      start = l;
      end = null;
      const from = num(l.step) ?? 0;
      steps = steps.filter((p) => p.step <= from); // a resumed job redoes the steps after its checkpoint
      history = Array.isArray(l.history) ? (l.history as Line[]).map(epochRecord) : [];
    } else if (l.kind === 'step') {
      last = l;
      steps.push({ step: num(l.step) ?? 0, loss: num(l.loss), accuracy: num(l.accuracy) });
    } else if (l.kind === 'epoch') {
      history = [...history.filter((h) => h.epoch !== num(l.epoch)), epochRecord(l)];
    } else if (l.kind === 'checkpoint' && typeof l.path === 'string') {
      checkpoint = l.path;
    } else if (l.kind === 'end') {
      end = l;
    }
  }
  let state: TrainingState = end ? 'finished' : 'running';
  if (!end && exited && !exited.running) state = exited.stopped ? 'stopped' : exited.exitCode === 0 ? 'finished' : 'failed';
  const step = num(end?.step) ?? num(last?.step) ?? num(start?.step) ?? 0;
  const totalSteps = num(start?.totalSteps) ?? 0;
  const batchesPerEpoch = num(start?.batchesPerEpoch) ?? 0;
  const rate = num(last?.samplesPerSecond);
  const perStep = num(start?.batchSize) ?? 0;
  const status: TrainingStatus = {
    runId: `job:${dir}`,
    docId: '',
    state,
    step,
    totalSteps,
    epoch: Math.min(num(last?.epoch) ?? 0, Math.max(0, (num(start?.epochs) ?? 1) - 1)),
    epochs: num(start?.epochs) ?? 0,
    batch: num(last?.batch) ?? 0,
    batchesPerEpoch,
    loss: num(last?.loss),
    accuracy: num(last?.accuracy),
    learningRate: num(last?.learningRate) ?? 0,
    gradNorm: null,
    samplesPerSecond: rate,
    etaSeconds: state === 'running' && rate && perStep ? ((totalSteps - step) * perStep) / rate : null,
    history,
    checkpoint,
    error: state === 'failed' ? { code: 'E_JOB_FAILED', message: `torchrun exited with code ${exited?.exitCode}: ${exited?.output.slice(-400) ?? ''}` } : null,
  };
  return { status, steps: steps.slice(-MAX_POINTS), worldSize: num(start?.worldSize) };
}

async function latestCheckpoint(dir: string): Promise<JobCheckpoint | null> {
  const found = await listCheckpoints(join(dir, 'checkpoints'));
  const steps = new Set(found.map((c) => c.step));
  // The model file is written first, then the resume file; a step with only one is still being written.
  for (const step of [...steps].sort((a, b) => b - a)) {
    const path = join(dir, 'checkpoints', `checkpoint-step${step}.safetensors`);
    try {
      await stat(path);
      return { step, path, resume: join(dir, 'checkpoints', `checkpoint-step${step}.npz`) };
    } catch {
      continue;
    }
  }
  return null;
}

/**
 * Where the job in `dir` stands. Parameter summaries are computed only for a checkpoint newer
 * than `knownCheckpointStep` (a follower polls; the values of one checkpoint never change).
 */
export async function readJobProgress(dir: string, options: { knownCheckpointStep?: number; histogramBins?: number } = {}): Promise<TorchJobProgress> {
  const root = resolve(dir);
  let text = '';
  try {
    text = await readFile(join(root, 'metrics.jsonl'), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const process = jobProcess(root);
  const lines = parseLines(text);
  const { status, steps, worldSize } = foldJobLog(lines, root, process);
  const checkpoint = await latestCheckpoint(root);
  let parameters: ParameterSummary[] = [];
  if (checkpoint && checkpoint.step !== options.knownCheckpointStep) {
    const { content } = await readArrayFileInfo(checkpoint.path);
    const entries = Object.entries(content as Record<string, HostTensor>);
    parameters = entries.map(([name, t]) => {
      const values = t.data instanceof Float32Array || t.data instanceof Float64Array ? t.data : Float32Array.from(t.data as ArrayLike<number>);
      return summarizeValues(name, t.shape, values, options.histogramBins ?? 20);
    });
  }
  return { dir: root, started: lines.length > 0, status, worldSize, steps, checkpoint, parameters, process };
}
