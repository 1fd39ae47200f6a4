// One layer of a recurrent kind (both directions) through the fused op (engine/ops/recurrent.ts,
// oneDNN's RNN primitives): the layer's Gluon-named parameters stacked per direction as the op
// wants them, and this layer's slice of the begin states. RecurrentLayer (recurrent.ts) runs it
// for float32 on the CPU and composes the cells from other ops elsewhere.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { np } from '../../ndarray/np.ts';
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
 * Layer `layer` over seq (T, N, C): `weight(name)` reads a parameter by its short name
 * (l0_i2h_weight); h0 / c0 are the whole (layers · directions, N, H) begin states or undefined.
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
