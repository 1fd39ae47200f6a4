// The training panel's pure logic (React-free, unit-tested under node): the form and the config
// it sends, folding the engine's training events into chart series and a live view, ETA text,
// per-node gradient norms for the canvas badges, and parameter statistics from the events'
// per-parameter summaries (so the parameter table moves without extra requests).
import type {
  EpochRecord, ParameterRow, ParameterSummary, TrainingConfigInput, TrainingProgress, TrainingState, TrainingStatus,
} from '../../engine/schema/service-api.ts';

export type DataKind = 'mnist' | 'spirals' | 'linear';
export type LossName = 'auto' | 'l2' | 'l1' | 'softmax-cross-entropy' | 'sigmoid-binary-cross-entropy';
export type OptimizerName = 'sgd' | 'adam' | 'adamw';

export const DATA_KINDS: readonly DataKind[] = ['mnist', 'spirals', 'linear'];
export const LOSS_NAMES: readonly LossName[] = ['auto', 'softmax-cross-entropy', 'sigmoid-binary-cross-entropy', 'l2', 'l1'];
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['sgd', 'adam', 'adamw'];

/** What the form holds: text fields stay strings until Start (so typing "0." is possible). */
export interface TrainingForm {
  data: DataKind;
  /** MNIST: how many of the 10,000 digits to use (empty: all). */
  limit: string;
  loss: LossName;
  optimizer: OptimizerName;
  learningRate: string;
  momentum: string;
  wd: string;
  batchSize: string;
  epochs: string;
  device: string;
  /** Where Export parameters writes (the engine resolves a relative path against its directory). */
  exportPath: string;
  /** Export with Gluon's full names (`dense0_weight`) instead of structural keys (`0.weight`). */
  exportFullNames: boolean;
}

export function defaultForm(): TrainingForm {
  return {
    data: 'mnist', limit: '2000', loss: 'auto', optimizer: 'sgd', learningRate: '0.1', momentum: '0.9', wd: '0',
    batchSize: '64', epochs: '5', device: 'cpu', exportPath: 'trained.params', exportFullNames: true,
  };
}

export type ConfigResult = { ok: true; config: TrainingConfigInput } | { ok: false; error: string };

function num(text: string, field: string, check: (v: number) => boolean, rule: string): number | string {
  const v = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(v) || !check(v)) return `${field} must be ${rule}`;
  return v;
}

/** The startTraining config for the form, or the first field that is not valid. */
export function buildConfig(form: TrainingForm): ConfigResult {
  const posInt = (v: number) => Number.isInteger(v) && v >= 1;
  const epochs = num(form.epochs, 'epochs', posInt, 'a whole number ≥ 1');
  const batchSize = num(form.batchSize, 'batch size', posInt, 'a whole number ≥ 1');
  const lr = num(form.learningRate, 'learning rate', (v) => v > 0 && v <= 1000, '> 0');
  const momentum = form.optimizer === 'sgd' ? num(form.momentum, 'momentum', (v) => v >= 0 && v <= 1, 'between 0 and 1') : 0;
  const wd = num(form.wd, 'weight decay', (v) => v >= 0 && v <= 10, 'between 0 and 10');
  for (const v of [epochs, batchSize, lr, momentum, wd]) if (typeof v === 'string') return { ok: false, error: v };
  let data: TrainingConfigInput['data'];
  if (form.data === 'mnist') {
    if (form.limit.trim() === '') data = { kind: 'mnist' };
    else {
      const limit = num(form.limit, 'samples', (v) => Number.isInteger(v) && v >= 10, 'a whole number ≥ 10');
      if (typeof limit === 'string') return { ok: false, error: limit };
      data = { kind: 'mnist', limit };
    }
  } else data = { kind: form.data };
  const optimizer: NonNullable<TrainingConfigInput['optimizer']> = { name: form.optimizer, learningRate: lr as number, wd: wd as number };
  if (form.optimizer === 'sgd') optimizer.momentum = momentum as number;
  const config: TrainingConfigInput = { data, optimizer, epochs: epochs as number, batchSize: batchSize as number };
  if (form.loss !== 'auto') config.loss = form.loss;
  if (form.device) config.device = form.device;
  return { ok: true, config };
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
}

export function emptySeries(): TrainingSeries {
  return { steps: [], loss: [], accuracy: [], epochs: [], trainLoss: [], validationLoss: [], trainAccuracy: [], validationAccuracy: [] };
}

export function idleView(): TrainingView {
  return { phase: 'idle', runId: null, status: null, series: emptySeries(), parameters: {}, gradNorms: {}, error: null };
}

/** A fresh view for a run that was just asked to start. */
export function startingView(): TrainingView {
  return { ...idleView(), phase: 'starting' };
}

function appendEpochs(series: TrainingSeries, records: readonly EpochRecord[]): TrainingSeries {
  if (records.length === 0) return series;
  const next = { ...series, epochs: [...series.epochs], trainLoss: [...series.trainLoss], validationLoss: [...series.validationLoss],
    trainAccuracy: [...series.trainAccuracy], validationAccuracy: [...series.validationAccuracy] };
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

/** Parameter name → the canvas node it belongs to (Gluon names: `dense0_weight` → `dense0`). */
export function nodeOfParameter(name: string): string {
  const cut = name.lastIndexOf('_');
  return cut > 0 ? name.slice(0, cut) : name;
}

/** √(Σ gradNorm²) over each node's parameters; parameters without a gradient norm are skipped. */
export function gradNormsByNode(summaries: readonly ParameterSummary[]): Record<string, number> {
  const squares: Record<string, number> = {};
  for (const s of summaries) {
    if (s.gradNorm === null || !Number.isFinite(s.gradNorm)) continue;
    const node = nodeOfParameter(s.name);
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
    ...view, runId: status.runId, phase: status.state, status: rest, series: appendEpochs(view.series, history),
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
