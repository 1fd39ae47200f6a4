// Files in the Parameters tab: save the model's parameters, load them back (with allowMissing /
// ignoreExtra) and see the engine's per-name report (loaded, missing, extra, shape mismatch), map
// another framework's weights (PyTorch / Gluon names) and see the mapping before applying it, and
// list an array file to pick one of its arrays as Run's input. The engine opens the files, so the
// path is the engine's: typed in a browser (no native dialog there, as the Training tab's export),
// or chosen with the desktop shell's dialog when the window has one. The form, the last report and
// the array listing are kept in the store (panel-slice.ts), so switching tabs keeps them.
import { useState } from 'react';
import { shapeText } from '../graph/shape-text.ts';
import { useEditor, useEditorHandles } from '../store/editor-context.tsx';
import { ARRAY_FILE_FILTERS, desktopDialogs, type FileReport, type ParameterService } from '../services/parameter-service.ts';
import { messageOf } from '../services/error-message.ts';

function Report({ report }: { report: FileReport }) {
  return (
    <div className="file-report" data-testid="file-report" data-action={report.action}>
      <p className="muted mono">
        {report.error ? `not ${report.action}` : report.action} {report.format ? `(${report.format}) ` : ''}
        {report.path}
      </p>
      {report.error && (
        <p className="field-error" data-testid="file-error">
          {report.error}
        </p>
      )}
      {report.entries.length > 0 && (
        <ul className="file-entries">
          {report.entries.map((e) => (
            <li key={`${e.status}:${e.name}`} data-entry={e.name} data-status={e.status} className={`entry-${e.status}`}>
              <span className="mono">{e.name}</span> {e.shape ? <span className="mono">{shapeText(e.shape)}</span> : null} <b>{e.status}</b>
              {e.message ? <span className="muted"> — {e.message}</span> : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function ParameterFiles({ service, haveModel }: { service: ParameterService; haveModel: boolean }) {
  const { store } = useEditorHandles();
  const { path, fullNames, allowMissing, ignoreExtra, arrays, arraysError } = useEditor((s) => s.paramFiles);
  const report = useEditor((s) => s.paramFilesReport);
  const { setParamFiles, setPanel } = store.getState();
  const setPath = (next: string) => setParamFiles({ path: next });
  const setReport = (next: FileReport) => setPanel({ paramFilesReport: next });
  const [busy, setBusy] = useState(false);
  const runInput = useEditor((s) => s.runInput);
  const dialogs = desktopDialogs();
  const empty = path.trim() === '';

  const act = async (what: () => Promise<void>) => {
    setBusy(true);
    try {
      await what();
    } finally {
      setBusy(false);
    }
  };
  const browse = async (channel: 'app:open-file' | 'app:save-file') => {
    const chosen = await dialogs?.invoke(channel, { title: 'Parameter or array file', defaultPath: path, filters: ARRAY_FILE_FILTERS });
    if (typeof chosen === 'string') setPath(chosen);
  };

  return (
    <section className="param-files" data-testid="param-files" aria-label="Parameter and array files">
      <div className="param-files-row">
        <input
          className="mono"
          aria-label="Parameter or array file"
          placeholder="path the engine reads or writes, e.g. model.params"
          value={path}
          onChange={(e) => setPath(e.target.value)}
        />
        {dialogs && (
          <button type="button" onClick={() => void browse('app:open-file')}>
            Open…
          </button>
        )}
        {dialogs && (
          <button type="button" onClick={() => void browse('app:save-file')}>
            Save as…
          </button>
        )}
      </div>
      <div className="param-files-row">
        <button
          type="button"
          disabled={busy || empty || !haveModel}
          onClick={() => void act(async () => setReport(await service.saveParameters(path.trim(), fullNames)))}
        >
          Save parameters
        </button>
        <label className="check">
          <input type="checkbox" checked={fullNames} onChange={(e) => setParamFiles({ fullNames: e.target.checked })} />
          full names
        </label>
        <button
          type="button"
          disabled={busy || empty || !haveModel}
          onClick={() => void act(async () => setReport(await service.loadParameters(path.trim(), { allowMissing, ignoreExtra })))}
        >
          Load parameters
        </button>
        <label className="check">
          <input type="checkbox" checked={allowMissing} onChange={(e) => setParamFiles({ allowMissing: e.target.checked })} />
          allow missing
        </label>
        <label className="check">
          <input type="checkbox" checked={ignoreExtra} onChange={(e) => setParamFiles({ ignoreExtra: e.target.checked })} />
          ignore extra
        </label>
        <button
          type="button"
          disabled={busy || empty || !haveModel}
          title="PyTorch's or Gluon's names (.safetensors, .npz): the mapping is shown first"
          onClick={() => void act(async () => setReport(await service.mapForeignWeights(path.trim(), { allowMissing, ignoreExtra })))}
        >
          Map foreign weights
        </button>
        {report?.action === 'mapped' && report.path === path.trim() && !report.error && (
          <button
            type="button"
            disabled={busy || !haveModel}
            onClick={() => void act(async () => setReport(await service.mapForeignWeights(path.trim(), { allowMissing, ignoreExtra, apply: true })))}
          >
            Apply mapping
          </button>
        )}
        <button
          type="button"
          disabled={busy || empty}
          onClick={() =>
            void act(async () => {
              try {
                setParamFiles({ arrays: await service.listArrays(path.trim()), arraysError: null });
              } catch (error) {
                setParamFiles({ arrays: null, arraysError: messageOf(error) });
              }
            })
          }
        >
          Load arrays
        </button>
      </div>
      {!haveModel && <p className="muted">Run the model first: parameters are saved from and loaded into the built model.</p>}
      {report && <Report report={report} />}
      {arraysError && (
        <p className="field-error" data-testid="arrays-error">
          {arraysError}
        </p>
      )}
      {arrays && (
        <div className="file-report" data-testid="arrays-list">
          <p className="muted mono">
            {arrays.format} ({arrays.kind}) {arrays.path}
          </p>
          <ul className="file-entries">
            {arrays.entries.map((e) => {
              const chosen = runInput?.path === arrays.path && runInput.name === e.name;
              return (
                <li key={e.name} data-array={e.name}>
                  <span className="mono">{e.name}</span> <span className="mono">{shapeText(e.shape)}</span> {e.dtype}{' '}
                  <button type="button" disabled={chosen} onClick={() => service.useAsRunInput({ path: arrays.path, name: e.name, shape: e.shape })}>
                    {chosen ? 'Run input' : 'Use as Run input'}
                  </button>
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </section>
  );
}
