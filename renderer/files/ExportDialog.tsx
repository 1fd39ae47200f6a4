// File › Export…: every target `blocksmith export` has (ONNX, PyTorch / Gluon / TypeScript code,
// .safetensors with the graph, .npz, MXNet .params), chosen explicitly; the path follows the
// choice (its extension is switched when the format changes) and a path whose extension belongs
// to another format is refused with the corrected name to accept. The engine's report (file,
// bytes, parameter keys and shapes) is shown in the dialog.
import { useState, type FormEvent } from 'react';
import { useEditor, useEditorHandles } from '../store/editor-context.tsx';
import { EXPORT_TARGETS, EXPORT_TARGET_INFO, checkExportPath, defaultExportPath, withTargetExtension, type ExportTarget } from './export-targets.ts';
import { useFileController, useFiles } from './files-context.tsx';
import { desktopDialogs } from '../services/parameter-service.ts';
import { exportModel, type ExportResult } from './model-export.ts';
import { messageOf } from '../services/error-message.ts';

export function ExportDialog() {
  const open = useFiles((s) => s.exportOpen);
  return open ? <ExportForm /> : null;
}

function ExportForm() {
  const { store, session } = useEditorHandles();
  const files = useFileController();
  const filePath = useEditor((s) => s.filePath);
  const fileName = useEditor((s) => s.fileName);
  const [target, setTarget] = useState<ExportTarget>('onnx');
  const [path, setPath] = useState(() => defaultExportPath(filePath, fileName, 'onnx'));
  const [keys, setKeys] = useState<'default' | 'gluon' | 'structural'>('default');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ text: string; suggestion: string } | null>(null);
  const [report, setReport] = useState<ExportResult | null>(null);
  const info = EXPORT_TARGET_INFO[target];
  const close = () => files.closeExport();
  // The desktop shell's save dialog, filtered to the chosen format (a browser types the path).
  const dialogs = desktopDialogs();
  const browse = async () => {
    const chosen = await dialogs?.invoke('app:save-file', {
      title: `Export as ${info.label}`,
      defaultPath: path,
      filters: [{ name: info.label, extensions: [info.extension.slice(1)] }],
    });
    if (typeof chosen === 'string') {
      setPath(chosen);
      setError(null);
    }
  };

  const choose = (next: ExportTarget) => {
    setTarget(next);
    if (path.trim()) setPath(withTargetExtension(path, next));
    setError(null);
    setReport(null);
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = checkExportPath(path, target);
    if (!checked.ok) {
      setError({ text: checked.error, suggestion: checked.suggestion });
      setReport(null);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const result = await exportModel(store, session, { target, path: checked.path, ...(info.parameterFile && keys !== 'default' ? { keys } : {}) });
      setReport(result);
      setPath(result.path);
      store.getState().setEngine({ notice: { kind: 'info', text: `Exported ${EXPORT_TARGET_INFO[target].label} to ${result.path}` } });
    } catch (e) {
      setReport(null);
      setError({ text: messageOf(e), suggestion: '' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="overlay" role="dialog" aria-label="Export the model" onClick={close}>
      <form
        className="overlay-card path-dialog export-dialog"
        onClick={(e) => e.stopPropagation()}
        onSubmit={(e) => void submit(e)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') close();
        }}
        data-testid="export-dialog"
      >
        <h2>Export the model</h2>
        <fieldset className="export-targets" aria-label="Format">
          <legend>format</legend>
          {EXPORT_TARGETS.map((t) => (
            <label key={t} className={t === target ? 'selected' : ''}>
              <input type="radio" name="export-target" value={t} checked={t === target} onChange={() => choose(t)} />
              <span>{EXPORT_TARGET_INFO[t].label}</span> <span className="muted mono">{EXPORT_TARGET_INFO[t].extension}</span>
            </label>
          ))}
        </fieldset>
        <p className="muted" data-testid="export-detail">
          {info.detail}
        </p>
        <label className="field">
          <span>file path</span>
          <input
            className="mono"
            value={path}
            onChange={(e) => {
              setPath(e.target.value);
              setError(null);
            }}
            autoFocus
            aria-label="Export path"
            placeholder={`/home/me/models/mlp${info.extension}`}
            spellCheck={false}
          />
        </label>
        {dialogs && (
          <button type="button" onClick={() => void browse()}>
            Choose…
          </button>
        )}
        {info.parameterFile && (
          <label className="field">
            <span>parameter names</span>
            <select aria-label="Parameter names" value={keys} onChange={(e) => setKeys(e.target.value as typeof keys)}>
              <option value="default">{target === 'mxnet' ? 'default: structural (0.weight)' : 'default: full names (dense0_weight)'}</option>
              <option value="gluon">full names (dense0_weight)</option>
              <option value="structural">structural (0.weight)</option>
            </select>
          </label>
        )}
        <p className="muted">
          The engine writes this path with the model&apos;s current values; a relative path starts in the folder the editor was started from.
        </p>
        {error && (
          <p className="field-error" data-testid="export-error">
            {error.text}
            {error.suggestion && (
              <>
                {' '}
                <button
                  type="button"
                  onClick={() => {
                    setPath(error.suggestion);
                    setError(null);
                  }}
                >
                  Use {error.suggestion}
                </button>
              </>
            )}
          </p>
        )}
        {report && (
          <div data-testid="export-report" className="export-report">
            <p className="mono">
              {report.target} → {report.path}
              {report.bytes >= 0 ? ` · ${report.bytes.toLocaleString('en-US')} bytes` : ''}
            </p>
            <ul className="export-entries">
              {report.parameters.map((p) => (
                <li key={p.key} className="mono" data-entry={p.key}>
                  {p.key}{' '}
                  <span className="muted">
                    ({p.shape.join(', ')}) {p.dtype}
                  </span>
                </li>
              ))}
            </ul>
          </div>
        )}
        <div className="dialog-buttons">
          <button type="button" onClick={close}>
            {report ? 'Close' : 'Cancel'}
          </button>
          <button type="submit" className="primary" disabled={busy || !path.trim()}>
            {busy ? 'Exporting…' : 'Export'}
          </button>
        </div>
      </form>
    </div>
  );
}
