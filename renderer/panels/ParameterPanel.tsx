// The parameter table after a run (the network's collectParams), with Gluon's regex filter:
// `.*weight` shows what collectParams('.*weight') returns.
import { useMemo, useState } from 'react';
import type { WireNumber } from '../../engine/schema/service-api.ts';
import { selectParams } from '../graph/param-filter.ts';
import { shapeText } from '../graph/shape-text.ts';
import { useEditor, useEditorHandles } from '../store/editor-context.tsx';

const stat = (v: WireNumber | undefined) => (v === undefined ? '' : typeof v === 'number' ? v.toPrecision(4) : v);

function RunOutput() {
  const run = useEditor((s) => s.lastRun);
  if (!run) return null;
  return (
    <div className="run-output" data-testid="run-output">
      {run.outputs.map((o, i) => (
        <span key={i} className="mono">output {i}: {shapeText(o.shape)} {o.dtype} [{o.data.slice(0, 6).map((v) => stat(v)).join(', ')}{o.data.length > 6 || o.truncated ? ', …' : ''}]</span>
      ))}
    </div>
  );
}

export function ParameterPanel() {
  const { session } = useEditorHandles();
  const rows = useEditor((s) => s.parameters);
  const busy = useEditor((s) => s.engineStatus === 'busy');
  const [pattern, setPattern] = useState('');
  const filtered = useMemo(() => selectParams(rows ?? [], pattern), [rows, pattern]);
  if (!rows) {
    return (
      <p className="muted panel-empty">
        Parameters are created by a forward pass. <button type="button" onClick={() => void session.run()} disabled={busy}>Run</button>
      </p>
    );
  }
  return (
    <div className="parameter-panel">
      <div className="parameter-tools">
        <input className="mono" aria-label="Filter parameters (regex)" placeholder="regex, e.g. .*weight" value={pattern} onChange={(e) => setPattern(e.target.value)} />
        <span className="muted" data-testid="param-count">{filtered.rows.length} of {rows.length} parameters</span>
        {filtered.error && <em className="field-error">{filtered.error}</em>}
        <RunOutput />
      </div>
      <table className="param-table" data-testid="param-table">
        <thead>
          <tr><th>name</th><th>shape</th><th>dtype</th><th>state</th><th>initializer</th><th>tied to</th><th>mean</th><th>std</th><th>min</th><th>max</th></tr>
        </thead>
        <tbody>
          {filtered.rows.map((r) => (
            <tr key={r.name} data-param={r.name}>
              <td className="mono">{r.name}{r.gradReq === 'null' ? ' (constant)' : ''}</td>
              <td className="mono">{shapeText(r.shape)}</td>
              <td>{r.dtype}</td>
              <td>{r.state}</td>
              <td className="mono">{r.initializer ?? 'default'}</td>
              <td className="mono">{r.tiedTo.join(', ')}</td>
              <td className="num">{stat(r.stats?.mean)}</td>
              <td className="num">{stat(r.stats?.std)}</td>
              <td className="num">{stat(r.stats?.min)}</td>
              <td className="num">{stat(r.stats?.max)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
