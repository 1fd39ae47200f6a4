// A 2-D array drawn as a heatmap on a canvas (one pixel per value, scaled up by CSS without
// smoothing), used for a parameter's plane, a bias strip and Run's outputs. Hovering shows the
// value under the pointer; clicking reports the cell.
import { useEffect, useRef, useState, type MouseEvent } from 'react';
import type { WireNumber } from '../../engine/protocol/service-api.ts';
import { formatValue, heatColor, toNumber, valueRange } from './tensor-view-model.ts';

interface HeatmapProps {
  values: readonly WireNumber[];
  rows: number;
  cols: number;
  label: string;
  testId?: string;
  /** A strip (one row) is drawn short. */
  strip?: boolean;
  onPick?(row: number, col: number): void;
}

export function Heatmap({ values, rows, cols, label, testId, strip, onPick }: HeatmapProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<string | null>(null);
  const shown = Math.min(rows, Math.floor(values.length / Math.max(1, cols)));
  const { min, max } = valueRange(values.slice(0, shown * cols));

  useEffect(() => {
    const el = canvas.current;
    const ctx = el?.getContext('2d');
    if (!el || !ctx || shown === 0 || cols === 0) return;
    const image = ctx.createImageData(cols, shown);
    for (let i = 0; i < shown * cols; i++) {
      const [r, g, b] = heatColor(toNumber(values[i]!), min, max);
      image.data.set([r, g, b, 255], i * 4);
    }
    ctx.putImageData(image, 0, 0);
  }, [values, shown, cols, min, max]);

  const cellAt = (e: MouseEvent<HTMLCanvasElement>): [number, number] | null => {
    const box = e.currentTarget.getBoundingClientRect();
    // The image is stretched to the box (object-fit: fill): a (256, 20) weight letterboxed with
    // square cells would be a sliver a few pixels wide, so cells follow the box's aspect instead.
    const sx = box.width / cols;
    const sy = box.height / shown;
    const x0 = box.left;
    const y0 = box.top;
    const c = Math.floor((e.clientX - x0) / sx);
    const r = Math.floor((e.clientY - y0) / sy);
    return r >= 0 && r < shown && c >= 0 && c < cols ? [r, c] : null;
  };

  if (shown === 0 || cols === 0) return <p className="muted">(empty)</p>;
  return (
    <figure className="heatmap-figure">
      <canvas
        ref={canvas}
        className={strip ? 'heatmap strip' : 'heatmap'}
        width={cols}
        height={shown}
        data-testid={testId}
        data-rows={shown}
        data-cols={cols}
        data-min={min}
        data-max={max}
        aria-label={`${label} heatmap`}
        onMouseMove={(e) => {
          const cell = cellAt(e);
          setHover(cell ? `[${cell[0]}, ${cell[1]}] = ${formatValue(values[cell[0] * cols + cell[1]]!)}` : null);
        }}
        onMouseLeave={() => setHover(null)}
        onClick={(e) => {
          const cell = cellAt(e);
          if (cell && onPick) onPick(cell[0], cell[1]);
        }}
      />
      <figcaption className="muted mono">
        {hover ?? `${formatValue(min)} … ${formatValue(max)}`}
        {shown < rows ? ` · first ${shown} of ${rows} rows` : ''}
      </figcaption>
    </figure>
  );
}
