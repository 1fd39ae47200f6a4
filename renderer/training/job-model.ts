// The Training tab following a PyTorch job directory (pure, React-free): the engine's readTorchJob
// answer folded into the same TrainingView a run in the engine produces, so the charts, progress
// bar, readouts and parameter statistics draw a job exactly as they draw an engine run.
import type { TorchJobProgress } from '../../engine/protocol/torch-job.ts';
import { emptySeries, gradNormsByNode, idleView, type TrainingView } from './training-model.ts';

/** The window event Training › Export training job… sends: the job section scrolls into view (the menu cannot reach React state). */
export const EXPORT_JOB_EVENT = 'blocksmith:export-training-job';

/** What the job section's form holds (strings until used, like the training form). */
export interface JobForm {
  dir: string;
  nprocPerNode: string;
  scaleLr: 'none' | 'linear' | 'sqrt';
  /** Load each new checkpoint's values into the document's model (the parameter panel shows them). */
  loadCheckpoints: boolean;
}

export function defaultJobForm(): JobForm {
  return { dir: '', nprocPerNode: '2', scaleLr: 'none', loadCheckpoints: true };
}

/** The processes per machine typed in, or an error message that names the field. */
export function parseNproc(text: string): number | string {
  const v = Number(text.trim());
  return Number.isInteger(v) && v >= 1 && v <= 1024 ? v : 'processes: a whole number from 1 to 1024';
}

/** The view of a followed job: its log's status and points, and the latest checkpoint's summaries (kept while unchanged). */
export function jobView(progress: TorchJobProgress, previous: TrainingView): TrainingView {
  const { status, steps } = progress;
  const { history, ...rest } = status;
  const series = emptySeries();
  for (const p of steps) {
    series.steps.push(p.step);
    series.loss.push(p.loss);
    series.accuracy.push(p.accuracy);
  }
  for (const r of history) {
    series.epochs.push(r.epoch + 1);
    series.trainLoss.push(r.trainLoss);
    series.validationLoss.push(r.validationLoss);
    series.trainAccuracy.push(r.trainAccuracy);
    series.validationAccuracy.push(r.validationAccuracy);
  }
  const same = previous.runId === status.runId;
  const parameters = progress.parameters.length > 0 ? Object.fromEntries(progress.parameters.map((p) => [p.name, p])) : same ? previous.parameters : {};
  return {
    ...idleView(),
    phase: progress.started ? status.state : 'idle',
    runId: status.runId,
    status: rest,
    series,
    parameters,
    gradNorms: gradNormsByNode(Object.values(parameters)),
    error: status.error ? `${status.error.code}: ${status.error.message}` : null,
    ...(previous.openedAt !== undefined ? { openedAt: previous.openedAt } : {}),
  };
}

/** One line about the job for the section: its state, processes and last checkpoint. */
export function jobSummary(progress: TorchJobProgress | null): string {
  if (!progress) return 'not followed';
  if (!progress.started) return progress.process?.running ? 'starting…' : 'exported, not started (no metrics.jsonl yet)';
  const ranks = progress.worldSize ? `${progress.worldSize} process${progress.worldSize === 1 ? '' : 'es'}` : '';
  const ckpt = progress.checkpoint ? `checkpoint step ${progress.checkpoint.step}` : 'no checkpoint yet';
  return [progress.status.state, ranks, ckpt].filter(Boolean).join(' · ');
}
