// A convolution weight as a grid of small images (kernel-grid-model.ts): one row per filter, one
// column per input channel, every tile coloured on one scale so filters compare. Shown above the
// tensor view's heatmap for (O, I, kh, kw) and (O, I, k) parameters; it follows the same values /
// gradient mode and refetches with the tensor view.
import { useEffect, useRef, useState } from 'react';
import type { WireNumber } from '../../engine/protocol/service-api.ts';
import { KERNEL_SCALE, kernelAt, kernelCanvasSize, kernelCell, kernelSlice, type KernelGrid as Grid } from './kernel-grid-model.ts';
import type { ParameterService } from '../services/parameter-service.ts';
import { formatValue, heatColor, toNumber, valueRange } from './tensor-view-model.ts';

interface KernelGridProps {
  name: string;
  grid: Grid;
  rank: number;
  gradient: boolean;
  service: ParameterService;
  /** Changes when the values may have changed (the tensor view's throttled version). */
  version: unknown;
}

export function KernelGrid({ name, grid, rank, gradient, service, version }: KernelGridProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [values, setValues] = useState<readonly WireNumber[] | null>(null);
  const [hover, setHover] = useState<string | null>(null);
  const { width, height } = kernelCanvasSize(grid);

  useEffect(() => {
    let live = true;
    const count = grid.filters * grid.channels * grid.kh * grid.kw;
    service.values(name, kernelSlice(grid, rank), { gradient, maxValues: count }).then(
      (r) => {
        const data = gradient ? r.gradient?.values.data : r.values.data;
        if (live) setValues(data ?? null);
      },
      () => {
        if (live) setValues(null);
      },
    );
    return () => {
      live = false;
    };
  }, [name, grid, rank, gradient, service, version]);

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx || !values) return;
    const { min, max } = valueRange(values);
    ctx.clearRect(0, 0, width, height);
    values.forEach((v, k) => {
      const { x, y } = kernelCell(grid, k);
      const [r, g, b] = heatColor(toNumber(v), min, max);
      ctx.fillStyle = `rgb(${r},${g},${b})`;
      ctx.fillRect(x, y, KERNEL_SCALE, KERNEL_SCALE);
    });
  }, [values, grid, width, height]);

  if (!values) return null;
  const more = grid.totalFilters > grid.filters || grid.totalChannels > grid.channels;
  return (
    <figure className="kernel-grid" data-testid="kernel-grid">
      <canvas
        ref={canvas}
        width={width}
        height={height}
        aria-label={`${name}: ${grid.filters} filters × ${grid.channels} input channels`}
        onMouseMove={(e) => {
          const box = e.currentTarget.getBoundingClientRect();
          const at = kernelAt(grid, e.clientX - box.left, e.clientY - box.top);
          setHover(at ? `filter ${at.filter}, input channel ${at.channel}` : null);
        }}
        onMouseLeave={() => setHover(null)}
      />
      <figcaption className="muted mono">
        {grid.filters} filter{grid.filters === 1 ? '' : 's'} × {grid.channels} channel{grid.channels === 1 ? '' : 's'} of {grid.kh}×{grid.kw}
        {more ? ` (first of ${grid.totalFilters} × ${grid.totalChannels})` : ''} ·{' '}
        {hover ?? `range ${formatValue(valueRange(values).min)} … ${formatValue(valueRange(values).max)}`}
      </figcaption>
    </figure>
  );
}
