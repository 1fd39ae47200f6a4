// The Training tab: data source (built-in sets, or a CSV / .npy / .npz file by path with its label
// and feature columns, task and validation split), loss, optimizer and its settings, learning-rate
// schedule, gradient clipping, batch size, epochs and device; checkpoints (directory, every N
// steps, the last one written, the ones on disk) and Resume from checkpoint; Start / Pause /
// Resume / Stop; a progress bar with epoch, step and ETA; live uPlot charts of the loss and
// accuracy (training per event, training and validation per epoch); a shortcut to File › Export….
import { useEffect, useMemo, useRef, useState } from 'react';
import { useFileController } from '../files/files-context.tsx';
import { useEditor, useEditorHandles } from '../store/editor-context.tsx';
import {
  DATA_KINDS,
  DATA_KIND_LABELS,
  LOSS_NAMES,
  OPTIMIZER_NAMES,
  SCHEDULES,
  TASKS,
  fileNameOf,
  formatEta,
  isActive,
  metricReadouts,
  progressFraction,
  progressText,
  readout,
  toggleFeature,
  featureList,
  type DataKind,
  type LossName,
  type OptimizerName,
  type ScheduleName,
  type TaskChoice,
  type TrainingForm,
} from '../training/training-model.ts';
import { trainingFor, type CheckpointList, type DataFileInfo } from '../services/training-session.ts';
import { TrainingChart } from './TrainingChart.tsx';
import { TorchJobSection } from './TorchJobSection.tsx';
import { GenerateSection } from './GenerateSection.tsx';
import { messageOf } from '../services/error-message.ts';

const TRAIN = '#2f6fde';
/** A typed checkpoint directory is listed once the typing pauses this long. */
const CHECKPOINT_DIR_DEBOUNCE_MS = 400;
const VALID = '#e0782b';
const STARTED_FROM = { fresh: 'from fresh parameters', continue: 'continuing from the current values', checkpoint: 'resumed from a checkpoint' } as const;

/** The form's text and choice fields (every one but the export checkbox). */
type FieldKey = keyof TrainingForm;

function TextField({
  label,
  field,
  disabled,
  title,
  placeholder,
}: {
  label: string;
  field: FieldKey;
  disabled: boolean;
  title?: string;
  placeholder?: string;
}) {
  const { store } = useEditorHandles();
  const value = useEditor((s) => s.trainingForm[field]);
  return (
    <label className="field" title={title}>
      <span>{label}</span>
      <input
        className="mono"
        aria-label={label}
        value={value}
        disabled={disabled}
        placeholder={placeholder}
        onChange={(e) => store.getState().setTrainingForm({ [field]: e.target.value })}
      />
    </label>
  );
}

function SelectField<T extends string>({
  label,
  field,
  options,
  disabled,
  labels,
}: {
  label: string;
  field: FieldKey;
  options: readonly T[];
  disabled: boolean;
  labels?: Record<T, string>;
}) {
  const { store } = useEditorHandles();
  const value = useEditor((s) => s.trainingForm[field]);
  return (
    <label className="field">
      <span>{label}</span>
      <select aria-label={label} value={value} disabled={disabled} onChange={(e) => store.getState().setTrainingForm({ [field]: e.target.value as T })}>
        {options.map((o) => (
          <option key={o} value={o}>
            {labels?.[o] ?? o}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * The data file and its columns: CSV (label column, feature columns) or .npy / .npz (arrays).
 * They can be typed in, or picked from what "Read columns" got from the file: the label from a
 * list, features by clicking column names (CSV) or from a list of the arrays (.npz).
 */
function DataFileFields({ kind, locked }: { kind: 'csv' | 'arrays'; locked: boolean }) {
  const { store, session } = useEditorHandles();
  const path = useEditor((s) => s.trainingForm.dataPath);
  const label = useEditor((s) => s.trainingForm.labelColumn);
  const features = useEditor((s) => s.trainingForm.featureColumns);
  const [read, setRead] = useState<{ path: string; kind: string; info: DataFileInfo } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const csv = kind === 'csv';
  // What was read stays valid only for the file (and kind) it was read from.
  const info = read && read.path === path.trim() && read.kind === kind ? read.info : null;
  const readColumns = async () => {
    const wanted = path.trim();
    try {
      setRead({ path: wanted, kind, info: await trainingFor(store, session).inspectDataFile(wanted, kind) });
      setError(null);
    } catch (e) {
      setRead(null);
      setError(messageOf(e));
    }
  };
  const choices = info ? (info.format === 'npz' ? info.arrays.map((a) => a.name) : info.columns) : [];
  const describe = (name: string) => {
    const array = info?.arrays.find((a) => a.name === name);
    return array ? `${name} (${array.shape.join('×')})` : name;
  };
  const chosen = featureList(features);
  return (
    <>
      <div className="wide training-file-row">
        <TextField
          label="data file"
          field="dataPath"
          disabled={locked}
          placeholder={csv ? '/path/to/data.csv' : '/path/to/data.npz'}
          title="A path on the machine the engine runs on; a relative one is resolved against the engine's directory"
        />
        <button type="button" onClick={() => void readColumns()} disabled={locked || path.trim() === ''}>
          Read columns
        </button>
      </div>
      {error && (
        <p className="field-error wide" data-testid="data-file-error">
          {error}
        </p>
      )}
      {info ? (
        <SelectField<string>
          label={csv ? 'label column' : 'label'}
          field="labelColumn"
          disabled={locked}
          options={['', ...choices]}
          labels={Object.fromEntries([['', csv || info.format === 'npy' ? 'last column' : 'default'], ...choices.map((c) => [c, describe(c)])])}
        />
      ) : (
        <TextField
          label={csv ? 'label column' : 'label'}
          field="labelColumn"
          disabled={locked}
          placeholder={csv ? 'last column' : 'y / last column'}
          title={
            csv
              ? 'A header name or a 0-based index (default: the last column)'
              : '.npz: the labels array (default y, label, target …); .npy: the label column index (default -1)'
          }
        />
      )}
      {info?.format === 'npz' ? (
        <SelectField<string>
          label="features"
          field="featureColumns"
          disabled={locked}
          options={['', ...choices]}
          labels={Object.fromEntries([['', 'default'], ...choices.map((c) => [c, describe(c)])])}
        />
      ) : (
        <TextField
          label={csv ? 'feature columns' : 'features'}
          field="featureColumns"
          disabled={locked}
          placeholder={csv ? 'all others' : 'x'}
          title={
            csv
              ? 'Comma-separated header names or 0-based indices (default: every column but the label)'
              : '.npz: the features array (default x, data, features …); .npy: leave empty'
          }
        />
      )}
      {info?.format === 'csv' && (
        <div className="wide column-chips" data-testid="csv-columns" role="group" aria-label="Feature columns">
          {info.columns.map((c) => (
            <button
              type="button"
              key={c}
              className={chosen.includes(c) ? 'selected' : ''}
              aria-pressed={chosen.includes(c)}
              data-column={c}
              disabled={locked || c === label}
              title={c === label ? 'the label column' : 'use as a feature (none chosen: every column but the label)'}
              onClick={() => store.getState().setTrainingForm({ featureColumns: toggleFeature(features, c) })}
            >
              {c}
            </button>
          ))}
        </div>
      )}
    </>
  );
}

function TrainingSettings({ locked }: { locked: boolean }) {
  const form = useEditor((s) => s.trainingForm);
  const devices = useEditor((s) => s.devices);
  const deviceNames = useMemo(() => {
    const names = (devices?.devices ?? []).filter((d) => d.available).map((d) => (d.type === 'cpu' ? 'cpu' : d.name));
    return [...new Set(['cpu', ...names])];
  }, [devices]);
  return (
    <div className="training-settings" data-testid="training-settings">
      <SelectField<DataKind> label="data" field="data" options={DATA_KINDS} labels={DATA_KIND_LABELS} disabled={locked} />
      {form.data === 'mnist' && <TextField label="samples" field="limit" disabled={locked} />}
      {(form.data === 'csv' || form.data === 'arrays') && <DataFileFields kind={form.data} locked={locked} />}
      {form.data === 'text' && (
        <div className="wide">
          <TextField
            label="text file"
            field="dataPath"
            disabled={locked}
            placeholder="assets/text/tiny-tales.txt"
            title="A UTF-8 text on the engine's machine: its characters are the vocabulary, each position's target the next character"
          />
        </div>
      )}
      {form.data === 'text' && (
        <TextField
          label="window"
          field="textWindow"
          disabled={locked}
          placeholder="input length"
          title="Characters per training window (empty: the document's input length T of (N, T))"
        />
      )}
      <SelectField<TaskChoice> label="task" field="task" options={TASKS} disabled={locked} />
      <TextField label="validation" field="validationFraction" disabled={locked} title="Fraction of the samples held out for validation (0: none)" />
      <div className="wide">
        <SelectField<LossName> label="loss" field="loss" options={LOSS_NAMES} disabled={locked} />
      </div>
      <SelectField<OptimizerName> label="optimizer" field="optimizer" options={OPTIMIZER_NAMES} disabled={locked} />
      <TextField label="learning rate" field="learningRate" disabled={locked} />
      {form.optimizer === 'sgd' && <TextField label="momentum" field="momentum" disabled={locked} />}
      <TextField label="weight decay" field="wd" disabled={locked} />
      <SelectField<ScheduleName> label="lr schedule" field="schedule" options={SCHEDULES} disabled={locked} />
      {form.schedule === 'step' && (
        <TextField label="decay every" field="scheduleStep" disabled={locked} title="Multiply the learning rate by the factor every this many steps" />
      )}
      {form.schedule === 'step' && <TextField label="decay factor" field="scheduleFactor" disabled={locked} />}
      {form.schedule === 'cosine' && (
        <TextField label="warmup steps" field="warmupSteps" disabled={locked} title="Linear warmup from 0; the cosine then ends at the run's last step" />
      )}
      {form.schedule === 'cosine' && <TextField label="final lr" field="finalLr" disabled={locked} />}
      <TextField
        label="clip norm"
        field="clipGlobalNorm"
        disabled={locked}
        placeholder="off"
        title="Scale the gradients down when their joint L2 norm exceeds this (empty: no clipping)"
      />
      <TextField label="batch size" field="batchSize" disabled={locked} />
      <TextField label="epochs" field="epochs" disabled={locked} />
      <SelectField<string> label="device" field="device" options={deviceNames} disabled={locked} />
    </div>
  );
}

function kib(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * Checkpoints: where they go and how often, the last one the run wrote, the ones on disk (a click
 * picks one), and Resume from checkpoint, which starts a run that continues from the picked file.
 */
function CheckpointSection({ locked, engineReady }: { locked: boolean; engineReady: boolean }) {
  const { store, session } = useEditorHandles();
  const phase = useEditor((s) => s.training.phase);
  const lastWritten = useEditor((s) => s.training.status?.checkpoint ?? null);
  const resumeFrom = useEditor((s) => s.trainingForm.resumeFrom);
  const dir = useEditor((s) => s.trainingForm.checkpointDir);
  const [list, setList] = useState<CheckpointList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refreshes, setRefreshes] = useState(0);
  const listedDir = useRef(dir);

  // The list follows the run (a new checkpoint written, or the run stopping: it writes one then)
  // and the directory field: a typed directory is listed once the typing pauses, not per key.
  useEffect(() => {
    const wanted = dir.trim();
    if (!engineReady || wanted === '') {
      setList(null);
      setError(null);
      listedDir.current = dir;
      return;
    }
    let current = true;
    const typed = dir !== listedDir.current;
    const timer = setTimeout(
      () => {
        listedDir.current = dir;
        trainingFor(store, session)
          .listCheckpoints(wanted)
          .then(
            (answer) => {
              if (current) {
                setList(answer);
                setError(null);
              }
            },
            (e: unknown) => {
              if (current) {
                setList(null);
                setError(messageOf(e));
              }
            },
          );
      },
      typed ? CHECKPOINT_DIR_DEBOUNCE_MS : 0,
    );
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [store, session, engineReady, lastWritten, phase, refreshes, dir]);

  return (
    <div className="training-checkpoints" data-testid="training-checkpoints">
      <h4>Checkpoints</h4>
      <div className="training-settings">
        <div className="wide">
          <TextField
            label="directory"
            field="checkpointDir"
            disabled={locked}
            placeholder="none"
            title="Directory on the engine's machine; the run writes checkpoint-step<N>.npz there every N steps and when stopped"
          />
        </div>
        <TextField label="every N steps" field="checkpointEvery" disabled={locked} placeholder="on stop" />
        <button type="button" onClick={() => setRefreshes((n) => n + 1)} disabled={!engineReady || dir.trim() === ''}>
          List
        </button>
      </div>
      <p className="muted mono training-checkpoint-last" data-testid="last-checkpoint" title={lastWritten ?? ''}>
        last: {lastWritten ? fileNameOf(lastWritten) : '–'}
      </p>
      {error && (
        <p className="field-error" data-testid="checkpoint-error">
          {error}
        </p>
      )}
      {list && (
        <ul className="checkpoint-list" data-testid="checkpoint-list" data-count={list.checkpoints.length}>
          {list.checkpoints.length === 0 && <li className="muted">no checkpoints in {list.dir} yet</li>}
          {list.checkpoints.map((c) => (
            <li key={c.path}>
              <button
                type="button"
                className={`mono${c.path === resumeFrom ? ' selected' : ''}`}
                data-step={c.step}
                title={c.path}
                disabled={locked}
                onClick={() => store.getState().setTrainingForm({ resumeFrom: c.path })}
              >
                {fileNameOf(c.path)}
              </button>
              <span className="muted">
                step {c.step} · {kib(c.bytes)}
              </span>
            </li>
          ))}
        </ul>
      )}
      <div className="training-settings">
        <div className="wide">
          <TextField
            label="resume from"
            field="resumeFrom"
            disabled={locked}
            placeholder="pick a checkpoint above"
            title="A checkpoint file; the run continues from its step with the settings above (same batch size)"
          />
        </div>
      </div>
      <button
        type="button"
        onClick={() => void trainingFor(store, session).resumeFromCheckpoint()}
        disabled={locked || !engineReady || resumeFrom.trim() === ''}
      >
        Resume from checkpoint
      </button>
    </div>
  );
}

/** Export lives in File › Export… (every format); the Training column keeps a shortcut to it. */
function ExportButton() {
  const files = useFileController();
  return (
    <div className="training-export">
      <button
        type="button"
        onClick={() => files.openExport()}
        title="File › Export… (Ctrl+Shift+E): ONNX, PyTorch / Gluon / TypeScript code or a parameter file"
      >
        Export the trained model…
      </button>
    </div>
  );
}

export function TrainingPanel() {
  const { store, session } = useEditorHandles();
  const view = useEditor((s) => s.training);
  const engineReady = useEditor((s) => s.engineStatus !== 'connecting' && s.engineStatus !== 'offline');
  const haveValues = useEditor((s) => s.parameters !== null);
  const textData = useEditor((s) => s.trainingForm.data === 'text');
  const controller = trainingFor(store, session);
  const { phase, status, series } = view;
  const active = isActive(phase);
  const job = view.runId?.startsWith('job:') === true;
  const fraction = progressFraction(status);
  const metrics = metricReadouts(status, series);
  return (
    <div className="training-panel" data-testid="training-panel">
      <div className="training-side">
        <TrainingSettings locked={active} />
        <CheckpointSection locked={active} engineReady={engineReady} />
        <ExportButton />
        <TorchJobSection engineReady={engineReady} />
      </div>
      <div className="training-main">
        <div className="training-controls">
          <button
            type="button"
            className="primary"
            onClick={() => void controller.start('fresh')}
            disabled={active || !engineReady}
            title="Rebuild the model from the document's seed, then train: the parameters a newly opened document gets"
          >
            Start fresh
          </button>
          <button
            type="button"
            onClick={() => void controller.start('continue')}
            disabled={active || !engineReady || !haveValues}
            title={
              haveValues
                ? 'Train the values the model holds now (an earlier run, loaded or edited values)'
                : 'Run or train once first: there are no values to continue from'
            }
          >
            Continue
          </button>
          <button type="button" onClick={() => void controller.pause()} disabled={job || phase !== 'running'}>
            Pause
          </button>
          <button type="button" onClick={() => void controller.resume()} disabled={job || phase !== 'paused'}>
            Resume
          </button>
          <button type="button" onClick={() => void controller.stop()} disabled={job || (phase !== 'running' && phase !== 'paused')}>
            Stop
          </button>
          <span className={`training-state state-${phase}`} data-testid="training-state">
            {phase}
          </span>
          <div
            className="training-progress"
            role="progressbar"
            aria-label="Training progress"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(fraction * 100)}
            data-testid="training-progress"
          >
            <div className="training-progress-fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
          </div>
          <span className="mono muted" data-testid="training-progress-text">
            {progressText(status)}
            {active ? ` · ETA ${formatEta(status?.etaSeconds)}` : ''}
          </span>
        </div>
        <div className="training-readouts mono">
          <span>
            loss <b data-testid="loss-readout">{readout(metrics.loss)}</b>
          </span>
          <span>
            accuracy <b data-testid="accuracy-readout">{readout(metrics.accuracy)}</b>
          </span>
          <span>lr {readout(status?.learningRate)}</span>
          <span>‖grad‖ {readout(status?.gradNorm)}</span>
          <span>{status?.samplesPerSecond ? `${Math.round(status.samplesPerSecond).toLocaleString('en-US')} samples/s` : ''}</span>
          {view.startedFrom && <span data-testid="training-started-from">{STARTED_FROM[view.startedFrom]}</span>}
          {view.samples && (
            <span data-testid="training-samples">
              {view.samples.train.toLocaleString('en-US')} train · {view.samples.validation.toLocaleString('en-US')} validation samples
            </span>
          )}
          {status?.checkpoint && <span title={status.checkpoint}>checkpoint {fileNameOf(status.checkpoint)}</span>}
        </div>
        {view.error && (
          <p className="field-error" data-testid="training-error">
            {view.error}
          </p>
        )}
        <div className="training-charts">
          <TrainingChart
            title="loss (per step)"
            xLabel="step"
            x={series.steps}
            testId="loss-chart"
            series={[{ label: 'train loss', values: series.loss, color: TRAIN }]}
          />
          <TrainingChart
            title="per epoch: loss, accuracy"
            xLabel="epoch"
            x={series.epochs}
            testId="epoch-chart"
            integerX
            series={[
              { label: 'train loss', values: series.trainLoss, color: TRAIN },
              { label: 'val loss', values: series.validationLoss, color: VALID },
              { label: 'train acc', values: series.trainAccuracy, color: '#2a9d5b', dash: true },
              { label: 'val acc', values: series.validationAccuracy, color: '#b03fd0', dash: true },
            ]}
          />
        </div>
        {textData && <GenerateSection engineReady={engineReady} />}
      </div>
    </div>
  );
}
