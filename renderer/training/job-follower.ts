// Follows a PyTorch training job from the editor (React-free): exports one from the current
// document with the training form's settings, starts / stops torchrun on the engine's machine,
// and polls the job directory (readTorchJob) into the Training tab's view; each new checkpoint's
// values can be loaded into the document's model, so the parameter panel shows them.
import type { MethodResult } from '../../engine/protocol/service-api.ts';
import type { TorchJobProgress } from '../../engine/protocol/torch-job.ts';
import type { ServiceClient } from '../../engine/protocol/service-client.ts';
import { DOC_ID, type EngineSession } from '../services/engine-session.ts';
import type { EditorStore } from '../store/editor-store.ts';
import { applySummaries, buildConfig, isActive } from './training-model.ts';
import { jobView } from './job-model.ts';

export const JOB_POLL_MS = 1000;

export type JobExport = MethodResult<'exportTorchJob'>;

export class JobFollower {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private following: string | null = null;
  private knownStep: number | undefined;
  private loadedStep: number | undefined;
  /** The latest answer, for the section's summary line; listeners redraw it. */
  progress: TorchJobProgress | null = null;
  loadCheckpoints = true;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly store: EditorStore,
    private readonly session: EngineSession,
    private readonly client: ServiceClient,
  ) {}

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get followedDir(): string | null {
    return this.following;
  }

  /** Writes the job for the current document with the training form's settings. */
  async exportJob(dir: string, options: { nprocPerNode: number; scaleLr: 'none' | 'linear' | 'sqrt' }): Promise<JobExport> {
    const built = buildConfig(this.store.getState().trainingForm);
    if (!built.ok) throw new Error(built.error);
    await this.session.flush();
    // The editor's checkpoint directory and resume file belong to its own runs, not to the job.
    const { checkpoint: _c, resumeFrom: _r, ...config } = built.config;
    return this.client.call('exportTorchJob', { docId: DOC_ID, dir, config, ...options });
  }

  /** torchrun in the job directory on the engine's machine, then follows it. */
  async start(dir: string, nprocPerNode: number, resume?: string): Promise<void> {
    await this.client.call('startTorchJob', { dir, nprocPerNode, ...(resume ? { resume } : {}) });
    this.follow(dir);
  }

  async stop(dir: string): Promise<void> {
    await this.client.call('stopTorchJob', { dir });
    await this.poll();
  }

  /** Polls `dir` until unfollow(); the Training tab then shows the job. */
  follow(dir: string): void {
    if (isActive(this.store.getState().training.phase) && !this.store.getState().training.runId?.startsWith('job:')) {
      throw new Error('A run is training in the engine; stop it before following a job.');
    }
    this.unfollow();
    this.following = dir;
    this.knownStep = undefined;
    this.loadedStep = undefined;
    void this.poll();
  }

  unfollow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.following = null;
    this.notify();
  }

  /** Bumped on every change (the section's useSyncExternalStore snapshot). */
  revision = 0;

  private notify(): void {
    this.revision++;
    for (const l of this.listeners) l();
  }

  private async poll(): Promise<void> {
    const dir = this.following;
    if (dir === null) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    try {
      const progress = await this.client.call('readTorchJob', { dir, ...(this.knownStep !== undefined ? { knownCheckpointStep: this.knownStep } : {}) });
      if (this.following !== dir) return;
      // A run started in the engine meanwhile owns the view: following ends.
      const current = this.store.getState().training;
      if (current.phase === 'starting' || (current.runId !== null && !current.runId.startsWith('job:') && isActive(current.phase))) {
        this.unfollow();
        return;
      }
      this.progress = progress;
      this.knownStep = progress.checkpoint?.step;
      const { training, setTraining } = this.store.getState();
      setTraining(jobView(progress, training));
      if (this.loadCheckpoints && progress.checkpoint && progress.checkpoint.step !== this.loadedStep) {
        this.loadedStep = progress.checkpoint.step;
        await this.showCheckpointValues(progress.checkpoint.path);
      }
    } catch (error) {
      const { training, setTraining } = this.store.getState();
      setTraining({ ...training, error: `Following ${dir}: ${(error as { message?: string }).message ?? String(error)}` });
    }
    this.notify();
    if (this.following === dir) this.timer = setTimeout(() => void this.poll(), JOB_POLL_MS);
  }

  /** The checkpoint's values into the document's model; the parameter table then shows them. */
  private async showCheckpointValues(path: string): Promise<void> {
    try {
      try {
        await this.client.call('loadParameters', { docId: DOC_ID, path });
      } catch (error) {
        // Not built yet (no forward pass since it was opened): one builds it, then the values load.
        if ((error as { code?: string }).code !== 'E_NO_MODEL') throw error;
        await this.client.call('forward', { docId: DOC_ID, maxValues: 0 });
        await this.client.call('loadParameters', { docId: DOC_ID, path });
      }
      const table = await this.client.call('parameterTable', { docId: DOC_ID, statistics: true });
      this.store.getState().setEngine({ parameters: applySummaries(table.parameters, this.store.getState().training.parameters) });
    } catch (error) {
      // The document may no longer match the job (edited since the export): the charts still follow.
      this.store
        .getState()
        .setEngine({ notice: { kind: 'info', text: `The checkpoint's values did not load: ${(error as { message?: string }).message ?? String(error)}` } });
    }
  }
}

const followers = new WeakMap<EngineSession, JobFollower>();

/** The one job follower of an engine session. */
export function jobFollowerFor(store: EditorStore, session: EngineSession): JobFollower {
  let follower = followers.get(session);
  if (!follower) {
    follower = new JobFollower(store, session, session.client);
    followers.set(session, follower);
  }
  return follower;
}
