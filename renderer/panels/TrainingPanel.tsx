// The Training tab: data source, loss, optimizer and its settings, batch size, epochs and device;
// Start / Pause / Resume / Stop; a progress bar with epoch, step and ETA; live uPlot charts of the
// loss and accuracy (training per event, training and validation per epoch); Export parameters
// to a path typed in (the web host has no save dialog) with the engine's per-name report.
import { useMemo, useState } from 'react';
import { useEditor, useEditorHandles } from '../store/editor-context.tsx';
import {
  DATA_KINDS, LOSS_NAMES, OPTIMIZER_NAMES, formatEta, isActive, progressFraction, progressText, readout,
  type DataKind, type LossName, type OptimizerName, type TrainingForm,
} from '../training/training-model.ts';
import { trainingFor, type ExportReport } from '../training/training-session.ts';
import { TrainingChart } from './TrainingChart.tsx';

const TRAIN = '#2f6fde';
const VALID = '#e0782b';

/** The form's text and choice fields (every one but the export checkbox). */
type FieldKey = Exclude<keyof TrainingForm, 'exportFullNames'>;

function TextField({ label, field, disabled }: { label: string; field: FieldKey; disabled: boolean }) {
  const { store } = useEditorHandles();
  const value = useEditor((s) => s.trainingForm[field]);
  return (
    <label className="field">
      <span>{label}</span>
      <input className="mono" aria-label={label} value={value} disabled={disabled} onChange={(e) => store.getState().setTrainingForm({ [field]: e.target.value })} />
    </label>
  );
}

function SelectField<T extends string>({ label, field, options, disabled }: { label: string; field: FieldKey; options: readonly T[]; disabled: boolean }) {
  const { store } = useEditorHandles();
  const value = useEditor((s) => s.trainingForm[field]);
  return (
    <label className="field">
      <span>{label}</span>
      <select aria-label={label} value={value} disabled={disabled} onChange={(e) => store.getState().setTrainingForm({ [field]: e.target.value as T })}>
        {options.map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
    </label>
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
      <SelectField<DataKind> label="data" field="data" options={DATA_KINDS} disabled={locked} />
      {form.data === 'mnist' && <TextField label="samples" field="limit" disabled={locked} />}
      <div className="wide"><SelectField<LossName> label="loss" field="loss" options={LOSS_NAMES} disabled={locked} /></div>
      <SelectField<OptimizerName> label="optimizer" field="optimizer" options={OPTIMIZER_NAMES} disabled={locked} />
      <TextField label="learning rate" field="learningRate" disabled={locked} />
      {form.optimizer === 'sgd' && <TextField label="momentum" field="momentum" disabled={locked} />}
      <TextField label="weight decay" field="wd" disabled={locked} />
      <TextField label="batch size" field="batchSize" disabled={locked} />
      <TextField label="epochs" field="epochs" disabled={locked} />
      <SelectField<string> label="device" field="device" options={deviceNames} disabled={locked} />
    </div>
  );
}

function ExportParameters({ disabled }: { disabled: boolean }) {
  const { store, session } = useEditorHandles();
  const path = useEditor((s) => s.trainingForm.exportPath);
  const fullNames = useEditor((s) => s.trainingForm.exportFullNames);
  const [report, setReport] = useState<ExportReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const exportNow = async () => {
    setBusy(true);
    setError(null);
    try {
      setReport(await trainingFor(store, session).exportParameters(path.trim(), fullNames));
    } catch (e) {
      setReport(null);
      setError((e as { message?: string }).message ?? String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="training-export">
      <div className="training-export-row">
        <input className="mono" aria-label="Parameters file" title=".params (MXNet), .npz or .safetensors; relative to the engine's directory" value={path}
          onChange={(e) => store.getState().setTrainingForm({ exportPath: e.target.value })} />
        <button type="button" onClick={() => void exportNow()} disabled={disabled || busy || path.trim() === ''}>Export parameters</button>
      </div>
      <label className="training-export-names">
        <input type="checkbox" checked={fullNames} onChange={(e) => store.getState().setTrainingForm({ exportFullNames: e.target.checked })} />
        <span>full names (dense0_weight), else structural keys (0.weight)</span>
      </label>
      {error && <p className="field-error" data-testid="export-error">{error}</p>}
      {report && (
        <div data-testid="export-report">
          <p className="muted mono training-export-path">{report.format} → {report.path}</p>
          <ul className="export-entries">
            {report.entries.map((e) => (
              <li key={e.name} className="mono" data-entry={e.name}>
                {e.name} <span className="muted">{e.shape ? `(${e.shape.join(', ')})` : ''} {e.status}</span>{e.message ? ` — ${e.message}` : ''}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

export function TrainingPanel() {
  const { store, session } = useEditorHandles();
  const view = useEditor((s) => s.training);
  const engineReady = useEditor((s) => s.engineStatus !== 'connecting' && s.engineStatus !== 'offline');
  const controller = trainingFor(store, session);
  const { phase, status, series } = view;
  const active = isActive(phase);
  const fraction = progressFraction(status);
  return (
    <div className="training-panel" data-testid="training-panel">
      <div className="training-side">
        <TrainingSettings locked={active} />
        <ExportParameters disabled={phase === 'starting' || !engineReady} />
      </div>
      <div className="training-main">
        <div className="training-controls">
          <button type="button" className="primary" onClick={() => void controller.start()} disabled={active || !engineReady}>Start</button>
          <button type="button" onClick={() => void controller.pause()} disabled={phase !== 'running'}>Pause</button>
          <button type="button" onClick={() => void controller.resume()} disabled={phase !== 'paused'}>Resume</button>
          <button type="button" onClick={() => void controller.stop()} disabled={phase !== 'running' && phase !== 'paused'}>Stop</button>
          <span className={`training-state state-${phase}`} data-testid="training-state">{phase}</span>
          <div className="training-progress" role="progressbar" aria-label="Training progress" aria-valuemin={0} aria-valuemax={100}
            aria-valuenow={Math.round(fraction * 100)} data-testid="training-progress">
            <div className="training-progress-fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
          </div>
          <span className="mono muted" data-testid="training-progress-text">{progressText(status)} · ETA {formatEta(status?.etaSeconds)}</span>
        </div>
        <div className="training-readouts mono">
          <span>loss <b data-testid="loss-readout">{readout(status?.loss)}</b></span>
          <span>accuracy <b data-testid="accuracy-readout">{readout(status?.accuracy)}</b></span>
          <span>lr {readout(status?.learningRate)}</span>
          <span>‖grad‖ {readout(status?.gradNorm)}</span>
          <span>{status?.samplesPerSecond ? `${Math.round(status.samplesPerSecond).toLocaleString('en-US')} samples/s` : ''}</span>
        </div>
        {view.error && <p className="field-error" data-testid="training-error">{view.error}</p>}
        <div className="training-charts">
          <TrainingChart title="loss (per step)" xLabel="step" x={series.steps} testId="loss-chart"
            series={[{ label: 'train loss', values: series.loss, color: TRAIN }]} />
          <TrainingChart title="per epoch: loss, accuracy" xLabel="epoch" x={series.epochs} testId="epoch-chart" integerX
            series={[
              { label: 'train loss', values: series.trainLoss, color: TRAIN },
              { label: 'val loss', values: series.validationLoss, color: VALID },
              { label: 'train acc', values: series.trainAccuracy, color: '#2a9d5b', dash: true },
              { label: 'val acc', values: series.validationAccuracy, color: '#b03fd0', dash: true },
            ]} />
        </div>
      </div>
    </div>
  );
}
