// The Parameters tab: the built model's parameters (collectParams order; a tied parameter once,
// its other uses under "tied to") as a flat table or a tree by block, with Gluon's regex filter
// (`.*weight` shows what collectParams('.*weight') returns), statistics and a histogram sparkline
// per row — which follow the training events while a run is going (read from the store's training
// view; no request per step). Selecting a name opens its tensor view; Files saves and loads
// parameters and picks Run's input from an array file; Run's output is shown above the table as a
// heatmap.
import { useMemo } from 'react';
import type { ParameterRow, WireNumber } from '../../engine/protocol/service-api.ts';
import { selectParams } from '../graph/param-filter.ts';
import { initText } from '../graph/init-text.ts';
import { shapeText } from '../graph/shape-text.ts';
import { tiedUsesText } from '../graph/ties.ts';
import { useEditor, useEditorHandles } from '../store/editor-context.tsx';
import { HistogramSparkline, type SparkHistogram } from './HistogramSparkline.tsx';
import { histogramFor } from './live-histogram.ts';
import { ParameterFiles } from './ParameterFiles.tsx';
import { parametersFor } from '../services/parameter-service.ts';
import { groupKeys, treeLines } from './parameter-tree.ts';
import { RunInputLine, RunOutput } from './RunOutput.tsx';
import { TensorView } from './TensorView.tsx';

const stat = (v: WireNumber | undefined) => (v === undefined ? '' : typeof v === 'number' ? v.toPrecision(4) : v);
const COLUMNS = ['name', 'shape', 'dtype', 'state', 'initializer', 'tied to', 'mean', 'std', 'min', 'max', 'histogram'];
/** Columns the table hides while the side column is open (the name's tooltip still has them), so the statistics fit. */
const SIDE_HIDDEN: Record<string, string> = { dtype: 'dtype', initializer: 'init', 'tied to': 'tied' };
/** Indentation classes exist for this many tree levels (deeper ones share the last). */
const MAX_DEPTH = 8;

type View = 'table' | 'tree';

function ParamCells({
  row,
  histogram,
  depth,
  selected,
  onSelect,
}: {
  row: ParameterRow;
  histogram: SparkHistogram | null | undefined;
  depth: number | null;
  selected: boolean;
  onSelect(): void;
}) {
  return (
    <tr data-param={row.name} className={selected ? 'selected' : undefined}>
      <td className={`mono${depth === null ? '' : ` depth-${Math.min(depth, MAX_DEPTH)}`}`}>
        <button
          type="button"
          className="param-name"
          aria-pressed={selected}
          onClick={onSelect}
          title={`${row.name}: open in the tensor view\n${row.dtype} · initializer: ${initText(row.initializer)}${row.tiedTo.length ? `\ntied to: ${tiedUsesText(row)}` : ''}`}
        >
          {row.name}
        </button>
        {row.differentiable === false ? (
          <span className="param-note" title="updated by the layer's forward in training, never by the optimizer">
            {' '}
            (running statistic)
          </span>
        ) : row.gradReq === 'null' ? (
          ' (constant)'
        ) : (
          ''
        )}
      </td>
      <td className="mono">{shapeText(row.shape)}</td>
      <td className="dtype">{row.dtype}</td>
      <td>{row.state}</td>
      <td className="mono init" title={row.initializer ?? "the block's default"}>
        {initText(row.initializer)}
      </td>
      <td className="mono tied" title={row.tiedTo.length ? tiedUsesText(row) : undefined}>
        {tiedUsesText(row)}
      </td>
      <td className="num">{stat(row.stats?.mean)}</td>
      <td className="num">{stat(row.stats?.std)}</td>
      <td className="num">{stat(row.stats?.min)}</td>
      <td className="num">{stat(row.stats?.max)}</td>
      <td className="spark">
        <HistogramSparkline histogram={histogram} label={row.name} />
      </td>
    </tr>
  );
}

export function ParameterPanel() {
  const { session, store } = useEditorHandles();
  const service = useMemo(() => parametersFor(store, session.client), [store, session]);
  const rows = useEditor((s) => s.parameters);
  const busy = useEditor((s) => s.engineStatus === 'busy');
  const training = useEditor((s) => s.training);
  // The view choices are kept in the store (panel-slice.ts), so they survive switching tabs.
  const pattern = useEditor((s) => s.paramFilter);
  const view = useEditor((s) => s.paramView);
  const collapsedGroups = useEditor((s) => s.collapsedGroups);
  const selected = useEditor((s) => s.tensor?.name ?? null);
  const filesOpen = useEditor((s) => s.paramFilesOpen);
  const { setPanel, openTensor } = store.getState();
  const collapsed = useMemo(() => new Set(collapsedGroups), [collapsedGroups]);
  const setView = (paramView: View) => setPanel({ paramView });
  const setSelected = (name: string | null) => openTensor(name);
  const filtered = useMemo(() => selectParams(rows ?? [], pattern), [rows, pattern]);
  // Trainable values, as torch's sum(p.numel() for p in model.parameters()): running statistics are state.
  const trainable = useMemo(
    () => (rows ?? []).reduce((n, r) => (r.differentiable === false || !r.shape || r.shape.some((d) => d < 0) ? n : n + r.shape.reduce((a, d) => a * d, 1)), 0),
    [rows],
  );
  const lines = useMemo(() => (view === 'tree' ? treeLines(filtered.rows, collapsed) : null), [view, filtered.rows, collapsed]);
  const histogramOf = (row: ParameterRow) => histogramFor(row, training);
  const selectedRow = rows?.find((r) => r.name === selected) ?? null;
  // The side column (files, tensor view) only when it has something to show, so the table keeps
  // the full width (its statistics and sparklines in view) otherwise.
  const side = filesOpen || selectedRow !== null;

  const toggle = (key: string) => {
    setPanel({ collapsedGroups: collapsed.has(key) ? collapsedGroups.filter((k) => k !== key) : [...collapsedGroups, key] });
  };
  const files = filesOpen && <ParameterFiles service={service} haveModel={rows !== null} />;
  const filesButton = (
    <button type="button" aria-expanded={filesOpen} onClick={() => setPanel({ paramFilesOpen: !filesOpen })}>
      Files…
    </button>
  );

  // One structure with and without rows, so the side column (and the Files form's path and report
  // in it) stays mounted when an edit clears the table.
  return (
    <div className={rows ? 'parameter-panel' : 'parameter-panel empty'}>
      {rows ? (
        <div className="parameter-tools">
          <input
            className="mono"
            aria-label="Filter parameters (regex)"
            placeholder="regex from the start: .*weight"
            title="Matched from the start of the name, as Gluon's collect_params: 'weight' matches nothing, '.*weight' every weight"
            value={pattern}
            onChange={(e) => setPanel({ paramFilter: e.target.value })}
          />
          <span className="view-toggle" role="group" aria-label="Parameter view">
            <button type="button" aria-pressed={view === 'table'} onClick={() => setView('table')}>
              Table
            </button>
            <button type="button" aria-pressed={view === 'tree'} onClick={() => setView('tree')}>
              Tree
            </button>
          </span>
          {view === 'tree' && (
            <>
              <button type="button" onClick={() => setPanel({ collapsedGroups: [] })}>
                Expand all
              </button>
              <button type="button" onClick={() => setPanel({ collapsedGroups: groupKeys(filtered.rows) })}>
                Collapse all
              </button>
            </>
          )}
          <span className="muted" data-testid="param-count">
            {filtered.rows.length} of {rows.length} parameters
          </span>
          <span className="muted" data-testid="param-values" title="trainable values (running statistics are state, not counted)">
            {trainable.toLocaleString('en-US')} values
          </span>
          {filtered.error && <em className="field-error">{filtered.error}</em>}
          <RunInputLine service={service} />
          {filesButton}
        </div>
      ) : (
        <p className="muted panel-empty">
          Parameters are created by a forward pass.{' '}
          <button type="button" onClick={() => void session.run()} disabled={busy}>
            Run
          </button>{' '}
          <RunInputLine service={service} /> {filesButton}
        </p>
      )}
      <div className={side ? 'parameter-body with-side' : 'parameter-body'}>
        <div className="parameter-list">
          <RunOutput />
          {rows && (
            <table className="param-table" data-testid="param-table" data-view={view}>
              <thead>
                <tr>
                  {COLUMNS.map((c) => (
                    <th key={c} className={SIDE_HIDDEN[c]}>
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {lines
                  ? lines.map((line) =>
                      line.kind === 'group' ? (
                        <tr key={`g:${line.key}`} className="param-group" data-group={line.key}>
                          <td colSpan={COLUMNS.length} className={`depth-${Math.min(line.depth, MAX_DEPTH)}`}>
                            <button type="button" aria-expanded={!line.collapsed} onClick={() => toggle(line.key)}>
                              {line.collapsed ? '▸' : '▾'} <span className="mono">{line.name}</span>
                            </button>
                            <span className="muted">
                              {' '}
                              {line.count} parameter{line.count === 1 ? '' : 's'}
                            </span>
                          </td>
                        </tr>
                      ) : (
                        <ParamCells
                          key={line.row.name}
                          row={line.row}
                          histogram={histogramOf(line.row)}
                          depth={line.depth}
                          selected={selected === line.row.name}
                          onSelect={() => setSelected(selected === line.row.name ? null : line.row.name)}
                        />
                      ),
                    )
                  : filtered.rows.map((r) => (
                      <ParamCells
                        key={r.name}
                        row={r}
                        histogram={histogramOf(r)}
                        depth={null}
                        selected={selected === r.name}
                        onSelect={() => setSelected(selected === r.name ? null : r.name)}
                      />
                    ))}
              </tbody>
            </table>
          )}
        </div>
        {side && (
          <aside className="parameter-side">
            {files}
            {selectedRow && <TensorView key={selectedRow.name} row={selectedRow} service={service} version={rows} onClose={() => setSelected(null)} />}
          </aside>
        )}
      </div>
    </div>
  );
}
