// The training panel's pure logic (React-free, unit-tested under node): the form and the config
// it sends, folding the engine's training events into chart series and a live view, ETA text,
// per-node gradient norms for the canvas badges, and parameter statistics from the events'
// per-parameter summaries (so the parameter table moves without extra requests).
import { FieldError, dataSource, num, posInt, type DataFormFields } from './data-source-form.ts';
export { DATA_KINDS, DATA_KIND_LABELS, featureList, toggleFeature, type DataKind } from './data-source-form.ts';
import type {
  EpochRecord,
  ParameterRow,
  ParameterSummary,
  TrainingConfigInput,
  TrainingProgress,
  TrainingState,
  TrainingStatus,
} from '../../engine/protocol/service-api.ts';

export type TaskChoice = 'auto' | 'classification' | 'regression';
export type LossName = 'auto' | 'l2' | 'l1' | 'softmax-cross-entropy' | 'sigmoid-binary-cross-entropy';
export type OptimizerName = 'sgd' | 'adam' | 'adamw';
/** 'step' is the engine's FactorScheduler (lr × factor every N steps). */
export type ScheduleName = 'none' | 'step' | 'cosine';

export const TASKS: readonly TaskChoice[] = ['auto', 'classification', 'regression'];
export const LOSS_NAMES: readonly LossName[] = ['auto', 'softmax-cross-entropy', 'sigmoid-binary-cross-entropy', 'l2', 'l1'];
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['sgd', 'adam', 'adamw'];
export const SCHEDULES: readonly ScheduleName[] = ['none', 'step', 'cosine'];

/** What the form holds: text fields stay strings until Start (so typing "0." is possible). */
export interface TrainingForm extends DataFormFields {
  task: TaskChoice;
  /** Fraction of the samples held out for validation. */
  validationFraction: string;
  loss: LossName;
  optimizer: OptimizerName;
  learningRate: string;
  momentum: string;
  wd: string;
  schedule: ScheduleName;
  /** step schedule: multiply the rate by `scheduleFactor` every `scheduleStep` steps. */
  scheduleStep: string;
  scheduleFactor: string;
  /** cosine schedule: linear warmup steps, and the rate it ends at. */
  warmupSteps: string;
  finalLr: string;
  /** Global gradient-norm clipping threshold (empty: off). */
  clipGlobalNorm: string;
  batchSize: string;
  epochs: string;
  device: string;
  /** Where checkpoints go (empty: none). */
  checkpointDir: string;
  /** Write one every N steps (empty: only when stopped). */
  checkpointEvery: string;
  /** The checkpoint "Resume from checkpoint" continues from. */
  resumeFrom: string;
}

export function defaultForm(): TrainingForm {
  return {
    // Long enough (80,000 samples seen, ~15 s on a laptop CPU) that the charts visibly move and the
    // per-epoch chart gets ten points; a run of 2,000 samples ended before anyone saw it.
    data: 'mnist',
    limit: '10000',
    dataPath: '',
    textWindow: '',
    labelColumn: '',
    featureColumns: '',
    task: 'auto',
    validationFraction: '0.2',
    loss: 'auto',
    optimizer: 'sgd',
    learningRate: '0.1',
    momentum: '0.9',
    wd: '0',
    schedule: 'none',
    scheduleStep: '100',
    scheduleFactor: '0.5',
    warmupSteps: '0',
    finalLr: '0',
    clipGlobalNorm: '',
    batchSize: '64',
    epochs: '10',
    device: 'cpu',
    checkpointDir: '',
    checkpointEvery: '',
    resumeFrom: '',
  };
}

export type ConfigResult = { ok: true; config: TrainingConfigInput } | { ok: false; error: string };

/** The learning-rate schedule (its base rate is the optimizer's). */
function schedule(form: TrainingForm): TrainingConfigInput['schedule'] {
  if (form.schedule === 'step') {
    return {
      kind: 'factor',
      step: num(form.scheduleStep, 'decay every', posInt, 'a whole number of steps ≥ 1'),
      factor: num(form.scheduleFactor, 'decay factor', (v) => v > 0 && v <= 1, 'in (0, 1]'),
    };
  }
  if (form.schedule === 'cosine') {
    return {
      kind: 'cosine',
      warmupSteps: num(form.warmupSteps, 'warmup steps', (v) => Number.isInteger(v) && v >= 0, 'a whole number ≥ 0'),
      finalLr: num(form.finalLr, 'final lr', (v) => v >= 0, '≥ 0'),
    };
  }
  return undefined;
}

function checkpoint(form: TrainingForm): TrainingConfigInput['checkpoint'] {
  const dir = form.checkpointDir.trim();
  const every = form.checkpointEvery.trim();
  if (dir === '') {
    if (every !== '') throw new FieldError('every N steps: set a checkpoint directory first');
    return undefined;
  }
  return every === '' ? { dir } : { dir, everySteps: num(every, 'every N steps', posInt, 'a whole number of steps ≥ 1') };
}

/**
 * The startTraining config for the form, or the first field that is not valid. `resume` adds
 * resumeFrom (the form's checkpoint path): "Resume from checkpoint" sends the same settings the
 * run was started with, since the engine refuses a different batch size or seed.
 */
export function buildConfig(form: TrainingForm, options: { resume?: boolean } = {}): ConfigResult {
  try {
    const epochs = num(form.epochs, 'epochs', posInt, 'a whole number ≥ 1');
    const batchSize = num(form.batchSize, 'batch size', posInt, 'a whole number ≥ 1');
    const lr = num(form.learningRate, 'learning rate', (v) => v > 0 && v <= 1000, '> 0');
    const momentum = form.optimizer === 'sgd' ? num(form.momentum, 'momentum', (v) => v >= 0 && v <= 1, 'between 0 and 1') : 0;
    const wd = num(form.wd, 'weight decay', (v) => v >= 0 && v <= 10, 'between 0 and 10');
    const data = dataSource(form);
    const validationFraction = num(form.validationFraction, 'validation', (v) => v >= 0 && v < 1, 'a fraction in [0, 1)');
    const optimizer: NonNullable<TrainingConfigInput['optimizer']> = { name: form.optimizer, learningRate: lr, wd };
    if (form.optimizer === 'sgd') optimizer.momentum = momentum;
    const config: TrainingConfigInput = { data, optimizer, epochs, batchSize, validationFraction };
    if (form.task !== 'auto') config.task = form.task;
    if (form.loss !== 'auto') config.loss = form.loss;
    const sched = schedule(form);
    if (sched) config.schedule = sched;
    if (form.clipGlobalNorm.trim() !== '') config.clipGlobalNorm = num(form.clipGlobalNorm, 'clip norm', (v) => v > 0, '> 0 (or empty: no clipping)');
    const ckpt = checkpoint(form);
    if (ckpt) config.checkpoint = ckpt;
    if (options.resume) {
      const from = form.resumeFrom.trim();
      if (from === '') throw new FieldError('resume from: pick a checkpoint (or type its path)');
      config.resumeFrom = from;
    }
    if (form.device) config.device = form.device;
    return { ok: true, config };
  } catch (e) {
    if (e instanceof FieldError) return { ok: false, error: e.message };
    throw e;
  }
}

/** Per-step (per-event) points and per-epoch points, as uPlot's columns. */
export interface TrainingSeries {
  /** Global step of each live point. */
  steps: number[];
  /** Running mean of the epoch's training loss / accuracy at that step. */
  loss: (number | null)[];
  accuracy: (number | null)[];
  /** One entry per finished epoch (1-based epoch numbers for the x axis). */
  epochs: number[];
  trainLoss: (number | null)[];
  validationLoss: (number | null)[];
  trainAccuracy: (number | null)[];
  validationAccuracy: (number | null)[];
}

export type TrainingPhase = 'idle' | 'starting' | TrainingState;

export interface TrainingView {
  phase: TrainingPhase;
  runId: string | null;
  /** The latest status (from an event, a control call's answer or training-finished). */
  status: Omit<TrainingStatus, 'history'> | null;
  series: TrainingSeries;
  /** The latest per-parameter summaries, by parameter name. */
  parameters: Record<string, ParameterSummary>;
  /** Gradient norm per canvas node name (from the latest summaries). */
  gradNorms: Record<string, number>;
  /** A message for the panel: a start failure or the run's error. */
  error: string | null;
  /** How many samples the run trains and validates on (from startTraining's answer). */
  samples: { train: number; validation: number } | null;
  /** Where the run's parameters started: fresh from the document's seed, the values the model held, or a checkpoint. */
  startedFrom?: 'fresh' | 'continue' | 'checkpoint';
  /**
   * The store's openedAt when the run started: the document it trains. Another document opened
   * meanwhile shows no gradient badges from it (its layers may share the trained model's names).
   */
  openedAt?: number;
}

export function emptySeries(): TrainingSeries {
  return { steps: [], loss: [], accuracy: [], epochs: [], trainLoss: [], validationLoss: [], trainAccuracy: [], validationAccuracy: [] };
}

export function idleView(): TrainingView {
  return { phase: 'idle', runId: null, status: null, series: emptySeries(), parameters: {}, gradNorms: {}, error: null, samples: null };
}

/** A fresh view for a run that was just asked to start. */
export function startingView(): TrainingView {
  return { ...idleView(), phase: 'starting' };
}

/**
 * The chart of a run being resumed from a checkpoint: its per-step points stay, so the resumed
 * run's points continue them; its epoch points are dropped, because the resumed run's first event
 * sends the checkpoint's epoch history again (and later epochs of the old run no longer happened).
 */
export function resumeSeries(series: TrainingSeries): TrainingSeries {
  return { ...emptySeries(), steps: [...series.steps], loss: [...series.loss], accuracy: [...series.accuracy] };
}

/**
 * Drops the carried-over points (the first `carried`) that lie after `step`, the checkpoint's
 * step: the old run trained past its checkpoint, and the resumed run redoes those steps.
 */
export function cutCarriedAfter(series: TrainingSeries, step: number, carried: number): TrainingSeries {
  const keep = series.steps.map((s, i) => i >= carried || s <= step);
  if (keep.every(Boolean)) return series;
  const pick = <T>(values: T[]) => values.filter((_, i) => keep[i]);
  return { ...series, steps: pick(series.steps), loss: pick(series.loss), accuracy: pick(series.accuracy) };
}

/** "checkpoint-step120.npz" from a path (either separator: the engine may run on Windows). */
export function fileNameOf(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function appendEpochs(series: TrainingSeries, records: readonly EpochRecord[]): TrainingSeries {
  if (records.length === 0) return series;
  const next = {
    ...series,
    epochs: [...series.epochs],
    trainLoss: [...series.trainLoss],
    validationLoss: [...series.validationLoss],
    trainAccuracy: [...series.trainAccuracy],
    validationAccuracy: [...series.validationAccuracy],
  };
  for (const r of records) {
    const x = r.epoch + 1;
    if (next.epochs.includes(x)) continue;
    next.epochs.push(x);
    next.trainLoss.push(r.trainLoss);
    next.validationLoss.push(r.validationLoss);
    next.trainAccuracy.push(r.trainAccuracy);
    next.validationAccuracy.push(r.validationAccuracy);
  }
  return next;
}

/**
 * √(Σ gradNorm²) over each node's parameters, keyed by the owning block's name the engine gives
 * with each summary (a layer's node name); parameters without a gradient norm or an owner are
 * skipped. Names are never split here: batchnorm0_running_mean belongs to batchnorm0.
 */
export function gradNormsByNode(summaries: readonly ParameterSummary[]): Record<string, number> {
  const squares: Record<string, number> = {};
  for (const s of summaries) {
    if (s.gradNorm === null || !Number.isFinite(s.gradNorm) || s.block === undefined) continue;
    const node = s.block;
    squares[node] = (squares[node] ?? 0) + s.gradNorm * s.gradNorm;
  }
  return Object.fromEntries(Object.entries(squares).map(([k, v]) => [k, Math.sqrt(v)]));
}

/** Folds one training-progress event of the view's run into the view (others are ignored). */
export function foldProgress(view: TrainingView, event: TrainingProgress): TrainingView {
  if (view.runId !== null && event.runId !== view.runId) return view;
  const { epochsDone, parameters, ...status } = event;
  let series = appendEpochs(view.series, epochsDone);
  const lastStep = series.steps.at(-1);
  if (event.step > 0 && (lastStep === undefined || event.step > lastStep)) {
    series = { ...series, steps: [...series.steps, event.step], loss: [...series.loss, event.loss], accuracy: [...series.accuracy, event.accuracy] };
  }
  const next: TrainingView = { ...view, runId: event.runId, phase: event.state, status, series };
  if (parameters.length > 0) {
    next.parameters = Object.fromEntries(parameters.map((p) => [p.name, p]));
    next.gradNorms = gradNormsByNode(parameters);
  }
  return next;
}

/** A status (a control call's answer or training-finished) for the view's run. */
export function foldStatus(view: TrainingView, status: TrainingStatus): TrainingView {
  if (view.runId !== null && status.runId !== view.runId) return view;
  const { history, ...rest } = status;
  return {
    ...view,
    runId: status.runId,
    phase: status.state,
    status: rest,
    series: appendEpochs(view.series, history),
    error: status.error ? `${status.error.code}: ${status.error.message}` : view.error,
  };
}

export function isActive(phase: TrainingPhase): boolean {
  return phase === 'starting' || phase === 'running' || phase === 'paused' || phase === 'stopping';
}

/** 75 → "1:15", 3725 → "1:02:05", unknown → "–". */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** Progress as a fraction in [0, 1]. */
export function progressFraction(status: Pick<TrainingStatus, 'step' | 'totalSteps'> | null): number {
  if (!status || status.totalSteps <= 0) return 0;
  return Math.min(1, Math.max(0, status.step / status.totalSteps));
}

/** "epoch 2/5 · step 130/625". */
export function progressText(status: Omit<TrainingStatus, 'history'> | null): string {
  if (!status) return 'not started';
  const epoch = Math.min(status.epoch + 1, status.epochs);
  return `epoch ${epoch}/${status.epochs} · step ${status.step}/${status.totalSteps}`;
}

/**
 * The loss and accuracy the readouts show: the epoch's running means, or, right after an epoch
 * ended (its running means were reset: a finished run, or one stopped on an epoch boundary), the
 * last finished epoch's training values, so a finished run does not read "–".
 */
export function metricReadouts(status: Omit<TrainingStatus, 'history'> | null, series: TrainingSeries): { loss: number | null; accuracy: number | null } {
  if (!status) return { loss: null, accuracy: null };
  const betweenEpochs = status.batch === 0 && series.epochs.length > 0;
  return {
    loss: status.loss ?? (betweenEpochs ? (series.trainLoss.at(-1) ?? null) : null),
    accuracy: status.accuracy ?? (betweenEpochs ? (series.trainAccuracy.at(-1) ?? null) : null),
  };
}

/** A number for a readout: 4 significant digits, or "–". */
export function readout(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toPrecision(4);
}

/** The parameter table's rows with mean / std (and min / max from the histogram's range) of the summaries. */
export function applySummaries(rows: readonly ParameterRow[], summaries: Record<string, ParameterSummary>): ParameterRow[] {
  let changed = false;
  const next = rows.map((row) => {
    const s = summaries[row.name];
    if (!s || s.mean === null || s.std === null) return row;
    changed = true;
    const edges = s.histogram.edges;
    const count = s.shape.reduce((a, b) => a * b, 1);
    return {
      ...row,
      stats: {
        count: row.stats?.count ?? count,
        mean: s.mean,
        std: s.std,
        min: edges.length > 0 ? edges[0]! : (row.stats?.min ?? 'NaN'),
        max: edges.length > 0 ? edges[edges.length - 1]! : (row.stats?.max ?? 'NaN'),
      },
    };
  });
  return changed ? next : [...rows];
}
