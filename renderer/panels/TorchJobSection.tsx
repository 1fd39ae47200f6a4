// The Training tab's "PyTorch job" section: export the document's training as a torchrun / DDP
// job directory (Training › Export training job… scrolls here), start or stop it with torchrun on
// the engine's machine, and follow a job directory — local, or synced from a cluster — whose log
// and checkpoints then drive the tab's charts, progress and parameter statistics.
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useEditorHandles } from '../store/editor-context.tsx';
import { defaultJobForm, EXPORT_JOB_EVENT, jobSummary, parseNproc, type JobForm } from '../training/job-model.ts';
import { jobFollowerFor, type JobExport } from '../training/job-follower.ts';
import { messageOf } from '../services/error-message.ts';

let savedForm: JobForm = defaultJobForm();

export function TorchJobSection({ engineReady }: { engineReady: boolean }) {
  const { store, session } = useEditorHandles();
  const follower = jobFollowerFor(store, session);
  const [form, setFormState] = useState<JobForm>(savedForm);
  const [report, setReport] = useState<JobExport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const section = useRef<HTMLDivElement>(null);
  const dirInput = useRef<HTMLInputElement>(null);
  useSyncExternalStore(
    (l) => follower.onChange(l),
    () => follower.revision,
  );
  const version = follower.progress;
  const following = follower.followedDir;
  const setForm = (patch: Partial<JobForm>) => setFormState((f) => (savedForm = { ...f, ...patch }));

  useEffect(() => {
    const show = () => {
      section.current?.scrollIntoView({ block: 'nearest' });
      dirInput.current?.focus();
    };
    window.addEventListener(EXPORT_JOB_EVENT, show);
    return () => window.removeEventListener(EXPORT_JOB_EVENT, show);
  }, []);
  useEffect(() => {
    follower.loadCheckpoints = form.loadCheckpoints;
  }, [follower, form.loadCheckpoints]);

  const act = async (what: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await what();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };
  const dir = form.dir.trim();
  const nproc = parseNproc(form.nprocPerNode);
  const running = version?.process?.running === true;
  return (
    <div className="training-checkpoints" data-testid="torch-job" ref={section}>
      <h4>PyTorch job (torchrun, DDP)</h4>
      <div className="training-settings">
        <label className="field wide" title="The job directory on the engine's machine: one to export into, or one synced from a cluster to follow">
          <span>job directory</span>
          <input
            ref={dirInput}
            className="mono"
            aria-label="Job directory"
            value={form.dir}
            placeholder="/path/to/job"
            onChange={(e) => setForm({ dir: e.target.value })}
          />
        </label>
        <label className="field" title="Processes per machine (torchrun --nproc_per_node)">
          <span>processes</span>
          <input className="mono" aria-label="Processes" value={form.nprocPerNode} onChange={(e) => setForm({ nprocPerNode: e.target.value })} />
        </label>
        <label className="field" title="Scale the learning rate with the number of processes (the global batch is the form's batch size)">
          <span>scale lr</span>
          <select aria-label="Scale lr" value={form.scaleLr} onChange={(e) => setForm({ scaleLr: e.target.value as JobForm['scaleLr'] })}>
            {(['none', 'linear', 'sqrt'] as const).map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="training-export-row">
        <button
          type="button"
          disabled={!engineReady || busy || dir === '' || typeof nproc === 'string'}
          title="Write model.py, train.py, the data and a README with the torchrun commands, using the settings above"
          onClick={() =>
            void act(async () => {
              setReport(await follower.exportJob(dir, { nprocPerNode: nproc as number, scaleLr: form.scaleLr }));
            })
          }
        >
          Export training job
        </button>
        <button
          type="button"
          disabled={!engineReady || busy || dir === '' || running || typeof nproc === 'string'}
          title="Run torchrun --standalone here (torchrun must be on the engine's PATH) and follow it"
          onClick={() => void act(() => follower.start(dir, nproc as number))}
        >
          Start with torchrun
        </button>
        <button
          type="button"
          disabled={!engineReady || busy || dir === '' || running || typeof nproc === 'string'}
          title="Run torchrun with --resume latest: continue from the newest checkpoint in the job's checkpoints/ (the job's, or one the editor wrote there)"
          onClick={() => void act(() => follower.start(dir, nproc as number, 'latest'))}
        >
          Resume
        </button>
        <button type="button" disabled={!engineReady || busy || !running} onClick={() => void act(() => follower.stop(following ?? dir))}>
          Stop job
        </button>
      </div>
      <div className="training-export-row">
        {following === null ? (
          <button type="button" disabled={!engineReady || dir === ''} onClick={() => void act(async () => follower.follow(dir))}>
            Follow job directory
          </button>
        ) : (
          <button type="button" onClick={() => follower.unfollow()}>
            Stop following
          </button>
        )}
        <label className="training-export-names">
          <input type="checkbox" checked={form.loadCheckpoints} onChange={(e) => setForm({ loadCheckpoints: e.target.checked })} />
          <span>load each checkpoint into the model</span>
        </label>
      </div>
      <p className="muted mono training-export-path" data-testid="torch-job-summary">
        {following ? `${following}: ${jobSummary(version)}` : 'not following a job'}
      </p>
      {error && (
        <p className="field-error" data-testid="torch-job-error">
          {error}
        </p>
      )}
      {report && (
        <p className="muted mono training-export-path" data-testid="torch-job-report">
          wrote {report.dir} ({report.trainSize} training, {report.validationSize} validation samples); run there: {report.command}
          {report.torchrun ? '' : " (torchrun is not on this machine's PATH: run it where PyTorch is)"}
        </p>
      )}
      {version?.process && version.process.output && (
        <details>
          <summary className="muted">torchrun output</summary>
          <pre className="mono training-job-output">{version.process.output.slice(-2000)}</pre>
        </details>
      )}
    </div>
  );
}
