// One parameter's values, opened from the Parameters tab: a heatmap of a 2-D plane (a 1-D array as
// a strip; leading axes of higher ranks picked by index), a paged table of values (20 rows × 10
// columns a page), and the gradient instead of the values when asked. A values cell is editable:
// the edit is `param.data()[i, j] = v` in the engine (setParameter with an index), then the table
// and this view are fetched again. It refetches whenever the parameter table changes (a Run, a
// load, an edit), one request at a time; while a run trains (the table changes with every event)
// at most every TENSOR_REFRESH_MS, and not while the page is hidden. Which parameter, page, leading
// indices and mode are shown is kept in the store (panel-slice.ts), so switching tabs keeps them.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ParameterRow, WireNumber } from '../../engine/protocol/service-api.ts';
import { shapeText } from '../graph/shape-text.ts';
import { useEditor, useEditorHandles } from '../store/editor-context.tsx';
import type { OpenTensor } from '../store/panel-slice.ts';
import { Heatmap } from './Heatmap.tsx';
import { KernelGrid } from './KernelGrid.tsx';
import { kernelGridOf } from './kernel-grid-model.ts';
import { RefreshThrottle, TENSOR_REFRESH_MS } from './refresh-throttle.ts';
import type { ParameterService, ValuesResult } from '../services/parameter-service.ts';
import {
  clampLeading,
  elementIndex,
  formatValue,
  heatmapRows,
  HEATMAP_MAX_VALUES,
  PAGE_COLS,
  PAGE_ROWS,
  pageCount,
  pageRanges,
  parseValue,
  planeOf,
  sliceFor,
  type Page,
} from './tensor-view-model.ts';
import { messageOf } from '../services/error-message.ts';

interface Loaded {
  plane: ValuesResult;
  page: ValuesResult;
  rows: [number, number];
  cols: [number, number];
}

const stat = (v: WireNumber) => (typeof v === 'number' ? v.toPrecision(4) : v);
const FIRST_PAGE: Page = { row: 0, col: 0 };
const NONE: number[] = [];

/**
 * `version` as the view should follow it: at once for a single change, at most every
 * TENSOR_REFRESH_MS for a stream of them (a training run), and the latest one once the page is
 * visible again; the last change is always delivered.
 */
function useThrottledVersion(version: unknown): unknown {
  const [shown, setShown] = useState(version);
  const latest = useRef(version);
  latest.current = version;
  const throttle = useMemo(() => new RefreshThrottle(TENSOR_REFRESH_MS), []);
  useEffect(() => {
    throttle.run(() => {
      if (!document.hidden) setShown(latest.current);
    });
  }, [version, throttle]);
  useEffect(() => {
    const onVisible = () => {
      if (!document.hidden) setShown(latest.current);
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      document.removeEventListener('visibilitychange', onVisible);
      throttle.cancel();
    };
  }, [throttle]);
  return shown;
}

/** Keyed by the parameter's name (ParameterPanel), so an edit in progress ends with another parameter. */
export function TensorView({ row, service, version, onClose }: { row: ParameterRow; service: ParameterService; version: unknown; onClose(): void }) {
  const { store } = useEditorHandles();
  const shape = row.shape && row.shape.every((d) => d >= 0) ? row.shape : null;
  const plane = planeOf(shape ?? []);
  const open = useEditor((s) => (s.tensor?.name === row.name ? s.tensor : null));
  const picked = open?.picked ?? NONE;
  const page = open?.page ?? FIRST_PAGE;
  const mode = open?.mode ?? 'values';
  const setTensor = (patch: Partial<Omit<OpenTensor, 'name'>>) => store.getState().setTensor(patch);
  const setPicked = (next: number[]) => setTensor({ picked: next });
  const setPage = (next: Page) => setTensor({ page: next });
  const setMode = (next: OpenTensor['mode']) => setTensor({ mode: next });
  const shownVersion = useThrottledVersion(version);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ r: number; c: number; text: string } | null>(null);
  const [editError, setEditError] = useState<string | null>(null);
  const leading = clampLeading(plane, picked);
  const shapeKey = shape?.join(',') ?? '';
  const leadingKey = leading.join(',');
  // One object per shape: the grid fetches when it changes.
  const kernels = useMemo(() => kernelGridOf(shape), [shapeKey]);
  // One request at a time: a change while one is in flight asks again once it has answered.
  const busy = useRef(false);
  const again = useRef<(() => void) | null>(null);

  useEffect(() => {
    if (!shape || row.state !== 'initialized') {
      setLoaded(null);
      return;
    }
    let live = true;
    const load = async () => {
      if (busy.current) {
        again.current = () => void load();
        return;
      }
      busy.current = true;
      try {
        const ranges = pageRanges(plane, page);
        const gradient = mode === 'gradient';
        const [planeValues, pageValues] = await Promise.all([
          service.values(row.name, sliceFor(shape, leading, [0, heatmapRows(plane)], [0, plane.cols]), { gradient, maxValues: HEATMAP_MAX_VALUES }),
          service.values(row.name, sliceFor(shape, leading, ranges.rows, ranges.cols), { gradient, maxValues: PAGE_ROWS * PAGE_COLS }),
        ]);
        if (live) {
          setLoaded({ plane: planeValues, page: pageValues, ...ranges });
          setError(null);
        }
      } catch (e) {
        if (live) setError(messageOf(e));
      } finally {
        busy.current = false;
        const next = again.current;
        again.current = null;
        if (next) next();
      }
    };
    void load();
    return () => {
      live = false;
    };
    // shape and leading are keyed by their text so that equal arrays (new objects) do not refetch.
  }, [row.name, row.state, shapeKey, leadingKey, page.row, page.col, mode, shownVersion, service]);

  const commit = async () => {
    if (!editing || !shape) return;
    const parsed = parseValue(editing.text, row.dtype);
    if (!parsed.ok) {
      setEditError(parsed.error);
      return;
    }
    const index = elementIndex(shape, leading, editing.r, editing.c);
    try {
      await service.setElement(row.name, index, parsed.value);
      setEditing(null);
      setEditError(null);
    } catch (e) {
      setEditError(messageOf(e));
    }
  };

  const header = (
    <header className="tensor-head">
      <b className="mono">{row.name}</b>
      <span className="mono muted">
        {shapeText(row.shape)} {row.dtype}
      </span>
      <span className="tensor-mode" role="radiogroup" aria-label="Show">
        {(['values', 'gradient'] as const).map((m) => (
          <label key={m}>
            <input type="radio" name="tensor-mode" checked={mode === m} onChange={() => setMode(m)} />
            {m}
          </label>
        ))}
      </span>
      <button type="button" onClick={onClose} aria-label="Close tensor view">
        ×
      </button>
    </header>
  );
  if (!shape || row.state !== 'initialized') {
    return (
      <section className="tensor-view" data-testid="tensor-view">
        {header}
        <p className="muted">
          {row.name} is {row.state}: run the model so it has values.
        </p>
      </section>
    );
  }

  const shown = loaded && (mode === 'gradient' ? loaded.page.gradient : { values: loaded.page.values, stats: loaded.page.stats });
  const planeShown = loaded && (mode === 'gradient' ? loaded.plane.gradient : { values: loaded.plane.values });
  const rowPages = pageCount(plane.rows, PAGE_ROWS);
  const colPages = pageCount(plane.cols, PAGE_COLS);
  const strip = shape.length <= 1;
  return (
    <section className="tensor-view" data-testid="tensor-view" aria-label={`Tensor view of ${row.name}`}>
      {header}
      {plane.leading.length > 0 && (
        <div className="tensor-leading">
          {plane.leading.map((n, axis) => (
            <label key={axis} className="mono">
              axis {axis}
              <input
                type="number"
                min={0}
                max={n - 1}
                value={leading[axis]}
                aria-label={`index on axis ${axis}`}
                onChange={(e) => setPicked(leading.map((v, i) => (i === axis ? Number(e.target.value) : v)))}
              />
              <span className="muted">of {n}</span>
            </label>
          ))}
        </div>
      )}
      {error && (
        <p className="field-error" data-testid="tensor-error">
          {error}
        </p>
      )}
      {loaded && mode === 'gradient' && !loaded.page.gradient && (
        <p className="muted" data-testid="no-gradient">
          {row.name} has no gradient: it is a constant (grad_req null).
        </p>
      )}
      {shown && planeShown && (
        <>
          <p className="muted mono tensor-stats" data-testid="tensor-stats">
            {mode} · mean {stat(shown.stats.mean)} · std {stat(shown.stats.std)} · min {stat(shown.stats.min)} · max {stat(shown.stats.max)}
          </p>
          {kernels && <KernelGrid name={row.name} grid={kernels} rank={shape.length} gradient={mode === 'gradient'} service={service} version={shownVersion} />}
          <Heatmap
            values={planeShown.values.data}
            rows={strip ? 1 : heatmapRows(plane)}
            cols={strip ? planeShown.values.data.length : plane.cols}
            label={`${row.name} (${mode})`}
            testId="tensor-heatmap"
            strip={strip}
            onPick={
              strip
                ? (_r, c) => setPage({ row: Math.floor(c / PAGE_ROWS), col: 0 })
                : (r, c) => setPage({ row: Math.floor(r / PAGE_ROWS), col: Math.floor(c / PAGE_COLS) })
            }
          />
          <div className="tensor-pager">
            <button type="button" aria-label="Previous rows" disabled={page.row === 0} onClick={() => setPage({ ...page, row: page.row - 1 })}>
              ▲
            </button>
            <button type="button" aria-label="Next rows" disabled={page.row >= rowPages - 1} onClick={() => setPage({ ...page, row: page.row + 1 })}>
              ▼
            </button>
            <span className="mono muted" data-testid="tensor-page">
              rows {loaded.rows[0]}–{loaded.rows[1] - 1} of {plane.rows}
              {plane.cols > 1 ? ` · cols ${loaded.cols[0]}–${loaded.cols[1] - 1} of ${plane.cols}` : ''}
            </span>
            <button type="button" aria-label="Previous columns" disabled={page.col === 0} onClick={() => setPage({ ...page, col: page.col - 1 })}>
              ◀
            </button>
            <button type="button" aria-label="Next columns" disabled={page.col >= colPages - 1} onClick={() => setPage({ ...page, col: page.col + 1 })}>
              ▶
            </button>
          </div>
          <table className="tensor-table" data-testid="tensor-table" data-mode={mode}>
            <thead>
              <tr>
                <th />
                {Array.from({ length: loaded.cols[1] - loaded.cols[0] }, (_, j) => (
                  <th key={j} className="mono">
                    {loaded.cols[0] + j}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {Array.from({ length: loaded.rows[1] - loaded.rows[0] }, (_, i) => {
                const r = loaded.rows[0] + i;
                const width = loaded.cols[1] - loaded.cols[0];
                return (
                  <tr key={r}>
                    <th className="mono">{r}</th>
                    {Array.from({ length: width }, (_, j) => {
                      const c = loaded.cols[0] + j;
                      const v = shown.values.data[i * width + j];
                      const isEditing = editing?.r === r && editing.c === c;
                      return (
                        <td
                          key={c}
                          className="num"
                          data-cell={`${r},${c}`}
                          onClick={
                            mode === 'values' && !isEditing
                              ? () => {
                                  setEditing({ r, c, text: v === undefined ? '' : String(v) });
                                  setEditError(null);
                                }
                              : undefined
                          }
                        >
                          {isEditing ? (
                            <input
                              className="mono"
                              autoFocus
                              aria-label={`value [${elementIndex(shape, leading, r, c).join(', ')}]`}
                              value={editing.text}
                              onChange={(e) => setEditing({ ...editing, text: e.target.value })}
                              onKeyDown={(e) => {
                                if (e.key === 'Enter') void commit();
                                if (e.key === 'Escape') {
                                  setEditing(null);
                                  setEditError(null);
                                }
                              }}
                            />
                          ) : v === undefined ? (
                            ''
                          ) : (
                            formatValue(v)
                          )}
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
          {mode === 'values' && <p className="muted tensor-hint">Click a value to edit it; Enter sets it in the engine.</p>}
          {editError && (
            <p className="field-error" data-testid="tensor-edit-error">
              {editError}
            </p>
          )}
        </>
      )}
    </section>
  );
}
