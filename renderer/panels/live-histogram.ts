// Which histogram a parameter row's sparkline draws: while a training run is active, the latest
// training-progress summary's (the events carry one per parameter, computed in the engine), so
// the sparklines move with training without a request per step; otherwise the table's own.
import type { ParameterRow } from '../../engine/protocol/service-api.ts';
import { isActive, type TrainingView } from '../training/training-model.ts';
import type { SparkHistogram } from './HistogramSparkline.tsx';

export function histogramFor(row: ParameterRow, training: Pick<TrainingView, 'phase' | 'parameters'>): SparkHistogram | null {
  const live = isActive(training.phase) ? training.parameters[row.name]?.histogram : undefined;
  if (live && live.counts.length > 0) return live;
  return row.histogram ?? null;
}
