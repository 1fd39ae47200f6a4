// Drives training runs through the service for the editor (React-free): starts (fresh or from a
// checkpoint), pauses, resumes and stops a run of the current document, lists checkpoints, folds the training events into the store's training
// view, and updates the parameter table's statistics from each event's per-parameter summaries
// (no extra request per step). One controller per engine session: trainingFor(session).
import type { MethodResult } from '../../engine/protocol/service-api.ts';
import type { ServiceClient } from '../../engine/protocol/service-client.ts';
import { DOC_ID, type EngineSession } from './engine-session.ts';
import type { EditorStore } from '../store/editor-store.ts';
import { refuseOnProblems } from '../store/problem-focus.ts';
import {
  applySummaries,
  buildConfig,
  cutCarriedAfter,
  foldProgress,
  foldStatus,
  idleView,
  isActive,
  resumeSeries,
  startingView,
  type TrainingView,
} from '../training/training-model.ts';
import { messageOf } from './error-message.ts';

export type CheckpointList = MethodResult<'listCheckpoints'>;
export type DataFileInfo = MethodResult<'inspectDataFile'>;
export type Generated = MethodResult<'generateText'>;
export interface GenerateRequest {
  prompt: string;
  length: number;
  temperature: number;
  seed: number;
  textFile?: string;
}

export class TrainingController {
  constructor(
    private readonly store: EditorStore,
    private readonly session: EngineSession,
    private readonly client: ServiceClient,
  ) {
    client.on('training-progress', (event) => {
      const { training, parameters, setTraining, setEngine } = this.store.getState();
      if (training.phase === 'idle') return;
      const next = foldProgress(training, event);
      if (next === training) return;
      setTraining(next);
      if (parameters && event.parameters.length > 0) setEngine({ parameters: applySummaries(parameters, next.parameters) });
    });
    client.on('training-finished', (status) => {
      const { training, setTraining } = this.store.getState();
      if (training.phase === 'idle') return;
      const next = foldStatus(training, status);
      if (next === training) return;
      setTraining(next);
      void this.refreshTable();
    });
    client.on('engine-restarted', () => {
      const { training, setTraining } = this.store.getState();
      if (isActive(training.phase)) setTraining({ ...training, phase: 'failed', error: 'The engine restarted; the run was lost.' });
    });
  }

  /**
   * Starts a run with the form's settings: 'fresh' rebuilds the model from the document's seed
   * first (the parameters a newly opened document gets), 'continue' trains the values the model
   * holds now (after an earlier run, a load, an edit in the tensor view).
   */
  start(from: 'fresh' | 'continue' = 'fresh'): Promise<void> {
    return this.launch(from);
  }

  /**
   * Starts a run that continues from the form's checkpoint (resumeFrom) with the form's settings.
   * The chart keeps the points it has up to the checkpoint's step, so the new run's points
   * continue the line where the checkpoint left it.
   */
  resumeFromCheckpoint(): Promise<void> {
    return this.launch('checkpoint');
  }

  /** The checkpoints in a directory, by step (the engine lists them; nothing is read). */
  async listCheckpoints(dir: string): Promise<CheckpointList> {
    return this.client.call('listCheckpoints', { dir });
  }

  /** A data file's columns (CSV) or arrays (.npz / .npy), to pick the label and features from. */
  async inspectDataFile(path: string, kind: 'csv' | 'arrays'): Promise<DataFileInfo> {
    return this.client.call('inspectDataFile', { path, kind });
  }

  /** Text sampled from the trained character model (the vocabulary: `text`'s, else the last text trained on). */
  async generateText(request: GenerateRequest): Promise<Generated> {
    await this.session.flush();
    return this.client.call('generateText', { docId: DOC_ID, ...request });
  }

  private async launch(from: 'fresh' | 'continue' | 'checkpoint'): Promise<void> {
    const { trainingForm, setTraining, training: previous, document } = this.store.getState();
    const resume = from === 'checkpoint';
    const built = buildConfig(trainingForm, { resume });
    if (!built.ok) {
      setTraining({ ...idleView(), error: built.error });
      return;
    }
    const carried = resume ? resumeSeries(previous.series) : null;
    const starting = { ...startingView(), openedAt: this.store.getState().openedAt, startedFrom: from };
    setTraining(carried ? { ...starting, series: carried } : starting);
    try {
      await this.session.flush();
      const refused = refuseOnProblems(this.store, 'Training', { showList: false });
      if (refused) {
        setTraining({ ...idleView(), error: refused });
        return;
      }
      // A seed makes the engine rebuild the model: the document's own seed gives the parameters it starts with.
      const config = from === 'fresh' ? { ...built.config, seed: built.config.seed ?? document.seed } : built.config;
      const started = await this.client.call('startTraining', { docId: DOC_ID, config });
      let view: TrainingView = { ...this.store.getState().training, samples: { train: started.trainSize, validation: started.validationSize } };
      if (carried) view = { ...view, series: cutCarriedAfter(view.series, started.step, carried.steps.length) };
      // Events may have come first (they carry the run id too).
      if (view.runId === null) view = { ...view, runId: started.runId, phase: view.phase === 'starting' ? 'running' : view.phase };
      setTraining(view);
      if (started.warnings?.length) this.store.getState().setEngine({ notice: { kind: 'info', text: `Training: ${started.warnings.join('; ')}` } });
      // The table once (names, shapes, initializers); its statistics then follow the events.
      await this.refreshTable();
    } catch (error) {
      setTraining({ ...idleView(), error: `Training did not start: ${messageOf(error)}` });
    }
  }

  pause(): Promise<void> {
    return this.control('pauseTraining');
  }
  resume(): Promise<void> {
    return this.control('resumeTraining');
  }
  stop(): Promise<void> {
    return this.control('stopTraining');
  }

  private async control(method: 'pauseTraining' | 'resumeTraining' | 'stopTraining'): Promise<void> {
    const { training } = this.store.getState();
    if (!training.runId) return;
    if (method === 'stopTraining') this.store.getState().setTraining({ ...training, phase: 'stopping' });
    try {
      const status = await this.client.call(method, { runId: training.runId });
      this.store.getState().setTraining(foldStatus(this.store.getState().training, status));
    } catch (error) {
      const view = this.store.getState().training;
      this.store.getState().setTraining({ ...view, error: messageOf(error) });
    }
  }

  private async refreshTable(): Promise<void> {
    try {
      const table = await this.client.call('parameterTable', { docId: DOC_ID, statistics: true });
      const { training } = this.store.getState();
      this.store.getState().setEngine({ parameters: applySummaries(table.parameters, isActive(training.phase) ? training.parameters : {}) });
    } catch {
      // The table is a convenience: the run's own events still update the view.
    }
  }
}

const controllers = new WeakMap<EngineSession, TrainingController>();

/** The one training controller of an engine session (created, and subscribed, on first use). */
export function trainingFor(store: EditorStore, session: EngineSession): TrainingController {
  let controller = controllers.get(session);
  if (!controller) {
    controller = new TrainingController(store, session, session.client);
    controllers.set(session, controller);
  }
  return controller;
}
