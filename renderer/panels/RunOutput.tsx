// Run's result in the Parameters tab: where the input came from (random, or an array of a file
// chosen under Files), and each output as a heatmap with its first values in a small table, then
// the attention maps of its MultiHeadAttention layers (AttentionMaps.tsx).
import type { TensorOutput } from '../../engine/protocol/service-api.ts';
import { shapeText } from '../graph/shape-text.ts';
import { useEditor } from '../store/editor-context.tsx';
import { Heatmap } from './Heatmap.tsx';
import { AttentionMaps } from './AttentionMaps.tsx';
import type { ParameterService } from '../services/parameter-service.ts';
import { formatValue, heatmapGrid } from './tensor-view-model.ts';

const TABLE_ROWS = 4;
const TABLE_COLS = 10;

/** Run's input as chosen now (before a run too), with a way back to random input. */
export function RunInputLine({ service }: { service: ParameterService }) {
  const input = useEditor((s) => s.runInput);
  return (
    <span className="run-input muted" data-testid="run-input">
      Run input:{' '}
      {input ? (
        <>
          <span className="mono">
            {input.name} {shapeText(input.shape)}
          </span>{' '}
          from <span className="mono">{input.path}</span>{' '}
          <button type="button" onClick={() => service.useAsRunInput(null)}>
            Use random input
          </button>
        </>
      ) : (
        "random (the document's input shape)"
      )}
    </span>
  );
}

function OutputTable({ output, index }: { output: TensorOutput; index: number }) {
  const { rows, cols } = heatmapGrid(output.shape);
  const shownRows = Math.min(rows, TABLE_ROWS, Math.ceil(output.data.length / Math.max(1, cols)));
  const shownCols = Math.min(cols, TABLE_COLS);
  return (
    <table className="tensor-table output-table" data-testid={`output-table-${index}`}>
      <tbody>
        {Array.from({ length: shownRows }, (_, r) => (
          <tr key={r}>
            {Array.from({ length: shownCols }, (_, c) => {
              const v = output.data[r * cols + c];
              return (
                <td key={c} className="num">
                  {v === undefined ? '' : formatValue(v)}
                </td>
              );
            })}
            {cols > shownCols && <td className="muted">…</td>}
          </tr>
        ))}
        {rows > shownRows && (
          <tr>
            <td className="muted" colSpan={shownCols}>
              … {rows - shownRows} more rows
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

export function RunOutput() {
  const run = useEditor((s) => s.lastRun);
  if (!run) return null;
  const input = run.input;
  return (
    <div className="run-output" data-testid="run-output">
      <p className="muted">
        Ran on {run.device}
        {input?.source === 'file' ? ` with ${input.name ?? ''} ${shapeText(input.shapes[0] ?? [])} from ${input.path ?? ''}` : ' with random input'}
      </p>
      {run.outputs.map((o, i) => {
        const grid = heatmapGrid(o.shape);
        return (
          <div key={i} className="run-output-item" data-testid={`run-output-${i}`}>
            <span className="mono">
              output {i}: {shapeText(o.shape)} {o.dtype}
              {o.truncated ? ` (first ${o.data.length} values)` : ''}
            </span>
            <Heatmap values={o.data} rows={grid.rows} cols={grid.cols} label={`output ${i}`} testId={`output-heatmap-${i}`} strip={grid.rows === 1} />
            <OutputTable output={o} index={i} />
          </div>
        );
      })}
      <AttentionMaps />
    </div>
  );
}
