// Run's attention maps in the Parameters tab: for each MultiHeadAttention layer of the last Run
// (repeat copies each their own), one heatmap per head of the chosen input sample, rows the
// querying positions and columns the positions attended to (each row sums to 1). A selected
// attention node's maps come first.
import { useState } from 'react';
import type { MethodResult } from '../../engine/protocol/service-api.ts';
import { useEditor } from '../store/editor-context.tsx';
import { Heatmap } from './Heatmap.tsx';

type AttentionMap = NonNullable<MethodResult<'forward'>['attention']>[number];

/** The (Tq × Tk) plane of one sample and head, or null when the answer was truncated before it. */
export function headPlane(map: AttentionMap, sample: number, head: number): { values: AttentionMap['weights']['data']; rows: number; cols: number } | null {
  const [, heads, rows, cols] = map.weights.shape as [number, number, number, number];
  const start = (sample * heads + head) * rows * cols;
  if (start + rows * cols > map.weights.data.length) return null;
  return { values: map.weights.data.slice(start, start + rows * cols), rows, cols };
}

export function AttentionMaps() {
  const maps = useEditor((s) => s.lastRun?.attention ?? null);
  const selected = useEditor((s) => s.selectedNodes);
  const [sample, setSample] = useState(0);
  if (!maps || maps.length === 0) return null;
  const samples = Math.max(1, maps[0]!.weights.shape[0] ?? 1);
  const chosen = Math.min(sample, samples - 1);
  const isSelected = (m: AttentionMap) => selected.some((id) => m.node === id || m.node.endsWith(`/${id}`));
  const ordered = [...maps.filter(isSelected), ...maps.filter((m) => !isSelected(m))];
  return (
    <div className="attention-maps" data-testid="attention-maps">
      <div className="attention-maps-head">
        <span className="mono">attention maps (query position ↓, key position →)</span>
        <label className="field">
          <span>sample</span>
          <input
            type="number"
            aria-label="attention sample"
            min={0}
            max={samples - 1}
            value={chosen}
            onChange={(e) => setSample(Math.max(0, Math.min(samples - 1, Math.floor(Number(e.target.value) || 0))))}
          />
        </label>
        <span className="muted">of {samples}</span>
      </div>
      {ordered.map((m) => (
        <div key={m.node} className={`attention-layer${isSelected(m) ? ' selected' : ''}`} data-testid={`attention-${m.name}`} data-node={m.node}>
          <span className="mono">
            {m.name} <span className="muted">({m.node})</span>
          </span>
          <div className="attention-heads">
            {Array.from({ length: m.weights.shape[1] ?? 0 }, (_, h) => {
              const plane = headPlane(m, chosen, h);
              return (
                <div key={h} className="attention-head">
                  {plane ? (
                    <Heatmap
                      values={plane.values}
                      rows={plane.rows}
                      cols={plane.cols}
                      label={`${m.name} head ${h}`}
                      testId={`attention-heatmap-${m.name}-${h}`}
                    />
                  ) : (
                    <span className="muted">not sent (too many values)</span>
                  )}
                  <span className="muted">head {h}</span>
                </div>
              );
            })}
          </div>
        </div>
      ))}
    </div>
  );
}
