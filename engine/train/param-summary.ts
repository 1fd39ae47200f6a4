// Per-parameter summaries for the live view: mean, std, L2 norm, gradient norm and a histogram,
// computed where the data lives so that only a few numbers per parameter leave the engine.

import type { Block } from '../nn/block.ts';
import type { Parameter } from '../nn/parameter.ts';
import type { ParameterSummary } from '../protocol/training-config.ts';

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

function moments(data: Float32Array | Float64Array): { mean: number; std: number; norm: number; min: number; max: number } {
  let sum = 0;
  let squares = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    sum += v;
    squares += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const n = data.length || 1;
  const mean = sum / n;
  return { mean, std: Math.sqrt(Math.max(0, squares / n - mean * mean)), norm: Math.sqrt(squares), min, max };
}

function histogram(data: Float32Array | Float64Array, bins: number, min: number, max: number): { edges: number[]; counts: number[] } {
  if (bins === 0 || !Number.isFinite(min) || !Number.isFinite(max)) return { edges: [], counts: [] };
  if (min === max) {
    min -= 0.5;
    max += 0.5;
  }
  const width = (max - min) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (Number.isFinite(v)) counts[Math.min(bins - 1, Math.floor((v - min) / width))]!++;
  }
  return { edges: Array.from({ length: bins + 1 }, (_, i) => min + i * width), counts };
}

/**
 * The block that owns each parameter: the first block, walking the tree as collectParams does,
 * that holds it. The engine knows this; the editor must not guess it from the name (splitting
 * batchnorm0_running_mean at its last '_' gives batchnorm0_running).
 */
export function parameterOwners(net: Block): Map<Parameter, string> {
  const owners = new Map<Parameter, string>();
  const walk = (block: Block): void => {
    for (const [, p] of block.params) if (!owners.has(p)) owners.set(p, block.name);
    for (const [, child] of block.children) walk(child);
  };
  walk(net);
  return owners;
}

/** The summary of one parameter (its gradient norm is null for constants and frozen ones); block: its owner's name. */
export function summarizeParameter(name: string, p: Parameter, bins: number, block?: string): ParameterSummary {
  let gradNorm: number | null = null;
  if (p.gradReq !== 'null') gradNorm = finite(moments(p.grad().toTyped() as Float32Array | Float64Array).norm);
  const summary = summarizeValues(name, p.shape ?? [], p.data().toTyped() as Float32Array | Float64Array, bins, gradNorm);
  return block === undefined ? summary : { ...summary, block };
}

/** The summary of values read from a file (a checkpoint's), where no gradient is known. */
export function summarizeValues(
  name: string,
  shape: readonly number[],
  data: Float32Array | Float64Array,
  bins: number,
  gradNorm: number | null = null,
): ParameterSummary {
  const m = moments(data);
  return {
    name,
    shape: [...shape],
    mean: finite(m.mean),
    std: finite(m.std),
    norm: finite(m.norm),
    gradNorm,
    histogram: histogram(data, bins, m.min, m.max),
  };
}
