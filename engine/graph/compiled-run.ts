// The service's forward (and so the editor's Run) on the compiled plan: after one eager run of a
// built model at an input signature — which observes every layer's output shape for the canvas —
// the model is hybridized, and later runs at that signature, while the model object is the same
// (the service rebuilds it when the document changes), go through the cached native plan and
// reuse the edge shapes of that eager run. Training runs under autograd.record(), where the plan
// steps aside, and a parameter written since (a training step, a load) rebuilds the plan.
//
// Only single-input float32 (or int32 ids: a language model) forwards on the CPU compile
// (hybrid-net.ts); others always run eagerly.

import type { NDArray } from '../ndarray/ndarray.ts';
import { captureWarnings } from '../nn/model-warnings.ts';
import type { BuiltModel } from './build.ts';
import { GraphBlock } from './graph-block.ts';

interface Observed {
  key: string;
  edgeShapes: Record<string, number[]>;
}

const observed = new WeakMap<BuiltModel, Observed>();

function signature(xs: readonly NDArray[]): string | null {
  const x = xs[0];
  if (xs.length !== 1 || x === undefined || (x.dtype !== 'float32' && x.dtype !== 'int32') || x.device.type !== 'cpu') return null;
  return x.shape.join(',');
}

const copyShapes = (s: Record<string, number[]>): Record<string, number[]> => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, [...v]]));

/** The forward through the compiled plan, or null when this call must run eagerly (then call observedEager()). */
export function compiledRun(model: BuiltModel, xs: readonly NDArray[]): { outputs: NDArray[]; edgeShapes: Record<string, number[]> } | null {
  const key = signature(xs);
  const seen = observed.get(model);
  if (key === null || seen?.key !== key || model.net.hybridCache === null) return null;
  if (model.net instanceof GraphBlock && model.net.numOutputs !== 1) return null;
  // The plan's notes about blocks it runs eagerly are for people who call hybridize() themselves.
  const [y] = captureWarnings(() => model.net.call(xs[0]!));
  return { outputs: [y], edgeShapes: copyShapes(seen.edgeShapes) };
}

/** Before an eager run: the layers must run one by one (their shapes are observed), not through a plan. */
export function beforeEagerRun(model: BuiltModel): void {
  if (model.net.hybridCache !== null) model.net.hybridize(false);
}

/** After an eager run: remembers its edge shapes and hybridizes the net for the next run at this signature. */
export function observedEager(model: BuiltModel, xs: readonly NDArray[], edgeShapes: Record<string, number[]>): void {
  const key = signature(xs);
  if (key === null) return;
  observed.set(model, { key, edgeShapes: copyShapes(edgeShapes) });
  model.net.hybridize();
}

/** The compiled plan's counters for a model (tests read them): traces, replays, native plan runs. */
export function compiledStats(model: BuiltModel): { builds: number; replays: number; nativeRuns: number } | null {
  const c = model.net.hybridCache;
  return c ? { builds: c.builds, replays: c.replays, nativeRuns: c.nativeRuns() } : null;
}
