// One layer of a recurrent kind (both directions) over (T, N, C), two ways: through the fused op
// (engine/ops/recurrent.ts, oneDNN's RNN primitives; float32 on the CPU), with the layer's
// Gluon-named parameters stacked per direction as the op wants them; or composed from linear,
// slice and elementwise ops per time step (every other device and dtype), which autograd
// differentiates with rows that exist. RecurrentLayer (recurrent.ts) picks one per forward.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { np } from '../../ndarray/np.ts';
import { linear } from '../../ops/linalg.ts';
import { recurrentLayer, type RecurrentCell } from '../../ops/recurrent.ts';
import type { CellMode } from './recurrent.ts';

/** One layer's output (T, N, D·H) and its final states (D, N, H), made when asked for. */
export interface LayerRun {
  out: NDArray;
  states: () => NDArray[];
}

export function cellOf(mode: CellMode, activation: 'tanh' | 'relu'): RecurrentCell {
  return mode === 'rnn' ? (activation === 'tanh' ? 'rnnTanh' : 'rnnRelu') : mode;
}

/**
 * Layer `layer` over seq (T, N, C) through the fused op: `weight(name)` reads a parameter by its
 * short name (l0_i2h_weight); h0 / c0 are the whole (layers · directions, N, H) begin states.
 */
export function fusedLayer(
  cell: RecurrentCell,
  seq: NDArray,
  layer: number,
  directions: 1 | 2,
  hidden: number,
  weight: (name: string) => NDArray,
  h0?: NDArray,
  c0?: NDArray,
): LayerRun {
  const dirs = directions === 2 ? ['l', 'r'] : ['l'];
  const stacked = (k: string): NDArray =>
    directions === 1
      ? weight(`l${layer}_${k}`)
      : np.stack(
          dirs.map((d) => weight(`${d}${layer}_${k}`)),
          0,
        );
  const mine = (s?: NDArray): NDArray | null => (!s ? null : s.shape[0] === directions ? s : s.slice([layer * directions, (layer + 1) * directions]));
  const w = { wIh: stacked('i2h_weight'), wHh: stacked('h2h_weight'), bIh: stacked('i2h_bias'), bHh: stacked('h2h_bias') };
  const r = recurrentLayer(cell, seq, w, mine(h0), cell === 'lstm' ? mine(c0) : null, hidden, directions);
  return { out: r.y, states: r.states };
}

/** The cell a layer runs, for the composed path. */
export interface CellSpec {
  mode: CellMode;
  activation: 'tanh' | 'relu';
  hidden: number;
  /** G in the (G·H, C) weights (recurrent.ts GATES). */
  gates: number;
}

/** Layer `layer` composed per time step; arguments as fusedLayer's. */
export function composedLayer(
  cell: CellSpec,
  seq: NDArray,
  layer: number,
  directions: 1 | 2,
  weight: (name: string) => NDArray,
  h0?: NDArray,
  c0?: NDArray,
): LayerRun {
  const dirs = directions === 2 ? ['l', 'r'] : ['l'];
  const runs = dirs.map((d, k) => {
    const i = layer * directions + k;
    return direction(cell, seq, (key) => weight(`${d}${layer}_${key}`), d === 'r', h0?.get(i), c0?.get(i));
  });
  const stack = (xs: NDArray[]): NDArray => np.stack(xs, 0);
  return {
    out:
      runs.length === 1
        ? runs[0]!.out
        : np.concat(
            runs.map((r) => r.out),
            2,
          ),
    states: () => [stack(runs.map((r) => r.h)), ...(cell.mode === 'lstm' ? [stack(runs.map((r) => r.c!))] : [])],
  };
}

/** One direction over (T, N, C): the outputs (T, N, H) in time order and the last state (and cell). */
function direction(
  cell: CellSpec,
  seq: NDArray,
  w: (key: string) => NDArray,
  reverse: boolean,
  h0?: NDArray,
  c0?: NDArray,
): { out: NDArray; h: NDArray; c: NDArray | null } {
  const [t, n, c] = seq.shape as [number, number, number];
  const dev = seq.device;
  const h = cell.hidden;
  const xi = linear(seq.reshape([t * n, c]), w('i2h_weight'), w('i2h_bias')).reshape([t, n, cell.gates * h]);
  let state = h0 ?? np.zeros([n, h], { dtype: seq.dtype, device: dev });
  let mem = cell.mode === 'lstm' ? (c0 ?? np.zeros([n, h], { dtype: seq.dtype, device: dev })) : null;
  const outs: NDArray[] = new Array<NDArray>(t);
  const gate = (g: NDArray, k: number): NDArray => g.slice(null, [k * h, (k + 1) * h]);
  for (let s = 0; s < t; s++) {
    const step = reverse ? t - 1 - s : s;
    const gi = xi.get(step);
    const gh = linear(state, w('h2h_weight'), w('h2h_bias'));
    if (cell.mode === 'rnn') {
      const z = gi.add(gh);
      state = cell.activation === 'tanh' ? z.tanh() : z.relu();
    } else if (cell.mode === 'lstm') {
      const g = gi.add(gh);
      const [i, f, u, o] = [gate(g, 0).sigmoid(), gate(g, 1).sigmoid(), gate(g, 2).tanh(), gate(g, 3).sigmoid()];
      mem = f.mul(mem!).add(i.mul(u));
      state = o.mul(mem.tanh());
    } else {
      const r = gate(gi, 0).add(gate(gh, 0)).sigmoid();
      const z = gate(gi, 1).add(gate(gh, 1)).sigmoid();
      const m = gate(gi, 2)
        .add(r.mul(gate(gh, 2)))
        .tanh();
      state = m.sub(z.mul(m)).add(z.mul(state)); // (1 − z)·n + z·h
    }
    outs[step] = state;
  }
  return { out: np.stack(outs, 0), h: state, c: mem };
}
