// A parameter's histogram as a small inline SVG bar chart (the engine computes the bins, so only
// ~20 counts per parameter reach the window). Bars are SVG attributes, not inline styles (CSP).
import { memo } from 'react';

export interface SparkHistogram {
  edges: readonly number[];
  counts: readonly number[];
}

const WIDTH = 84;
const HEIGHT = 18;

export const HistogramSparkline = memo(function HistogramSparkline({ histogram, label }: { histogram: SparkHistogram | null | undefined; label: string }) {
  if (!histogram || histogram.counts.length === 0) return null;
  const { counts, edges } = histogram;
  const top = Math.max(1, ...counts);
  const w = WIDTH / counts.length;
  const range = edges.length > 1 ? `${edges[0]!.toPrecision(3)} … ${edges[edges.length - 1]!.toPrecision(3)}` : '';
  return (
    <svg
      className="sparkline"
      width={WIDTH}
      height={HEIGHT}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={`${label} histogram ${range}`}
      data-testid={`sparkline-${label}`}
      data-counts={counts.join(',')}
    >
      <title>{`${label}: ${range} (${counts.length} bins)`}</title>
      {counts.map((c, i) => {
        // A non-empty bin gets at least one pixel so that rare values stay visible.
        const h = c === 0 ? 0 : Math.max(1, (c / top) * HEIGHT);
        return <rect key={i} x={i * w + 0.5} y={HEIGHT - h} width={Math.max(1, w - 1)} height={h} />;
      })}
    </svg>
  );
});
