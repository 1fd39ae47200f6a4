// One live uPlot chart (a real charting library drawing on a canvas): x values and named series.
// The plot is created once and fed with setData; it follows its container's width.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: readonly (number | null)[];
  color: string;
  /** Dashed (validation) or solid (training). */
  dash?: boolean;
}

interface Props {
  title: string;
  xLabel: string;
  x: readonly number[];
  series: readonly ChartSeries[];
  testId: string;
  height?: number;
  /** Whole-number ticks on the x axis (epochs). */
  integerX?: boolean;
}

const INTEGER_INCRS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];

function axisColor(): string {
  return getComputedStyle(document.documentElement).getPropertyValue('--muted').trim() || '#888';
}

export function TrainingChart({ title, xLabel, x, series, testId, height = 130, integerX = false }: Props) {
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const labels = series.map((s) => s.label).join('|');

  useEffect(() => {
    const el = holder.current;
    if (!el) return;
    const stroke = axisColor();
    const grid = { stroke: 'rgba(128,128,128,0.18)', width: 1 };
    const opts: uPlot.Options = {
      width: Math.max(160, el.clientWidth),
      height,
      legend: { show: true, live: false },
      cursor: { show: true, drag: { x: false, y: false } },
      scales: { x: { time: false } },
      axes: [
        {
          stroke,
          grid,
          ticks: grid,
          label: xLabel,
          labelSize: 14,
          size: 28,
          font: '10px sans-serif',
          labelFont: '10px sans-serif',
          incrs: integerX ? INTEGER_INCRS : undefined,
        },
        { stroke, grid, ticks: grid, size: 44, font: '10px sans-serif' },
      ],
      series: [
        { label: xLabel },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 1.5,
          dash: s.dash ? [5, 4] : undefined,
          spanGaps: true,
          points: { show: true, size: 4 },
        })),
      ],
    };
    const chart = new uPlot(opts, [[], ...series.map(() => [])] as unknown as uPlot.AlignedData, el);
    plot.current = chart;
    const observer = new ResizeObserver(() => chart.setSize({ width: Math.max(160, el.clientWidth), height }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // The plot is rebuilt only when its series change, not for new points.
  }, [labels, xLabel, height, integerX]);

  useEffect(() => {
    plot.current?.setData([x as number[], ...series.map((s) => s.values as (number | null)[])] as uPlot.AlignedData);
  });

  return (
    // The x range is exposed for the browser tests (the canvas itself cannot be read back).
    <figure className="training-chart" data-testid={testId} data-points={x.length} data-first-x={x[0] ?? ''} data-last-x={x.at(-1) ?? ''}>
      <figcaption>{title}</figcaption>
      <div ref={holder} className="training-chart-plot" />
    </figure>
  );
}
