// The fused recurrent layer: one RNN / LSTM / GRU layer over a whole sequence, in one or both
// directions, as ONE native call (oneDNN's RNN primitives; native/src/ops/rnn_cpu.cc) instead of
// the composed cells' handful of ops per time step. float32 on the CPU only: the layer
// (engine/nn/layers/recurrent.ts) composes the cells elsewhere. The op has three outputs (the
// sequence and the final states) but the tape holds one per op, so while autograd records, the
// kernel writes them packed in one array [y | hn | cn] that is recorded, and y, hn, cn are
// differentiable slices of it; its backward row hands the packed gradient to the kernel whole.

import { native } from '../backend/backend.ts';
import { errors, formatShape } from '../core/errors.ts';
import { NDArray } from '../ndarray/ndarray-core.ts';
import { recordOp, recordingState, tracksGrad } from '../autograd/tape.ts';
import { slice } from './indexing.ts';
import { reshape } from './layout.ts';
import { describe } from './operands.ts';

/** The cell: PyTorch's RNN with tanh or relu, LSTM (gates i, f, g, o) or GRU (r, z, n). */
export type RecurrentCell = 'rnnTanh' | 'rnnRelu' | 'lstm' | 'gru';
/** The addon's RnnMode per cell (native/src/ops/rnn.h). */
export const CELL_CODE: Readonly<Record<RecurrentCell, number>> = { rnnTanh: 0, rnnRelu: 1, lstm: 2, gru: 3 };
const CELL_GATES: Readonly<Record<RecurrentCell, number>> = { rnnTanh: 1, rnnRelu: 1, lstm: 4, gru: 3 };

/** One layer's parameters, PyTorch's shapes with the directions stacked first: (D, G·H, C), (D, G·H, H), (D, G·H). */
export interface RecurrentWeights {
  wIh: NDArray;
  wHh: NDArray;
  bIh: NDArray;
  bHh: NDArray;
}

export interface RecurrentResult {
  /** (T, N, D·H): both directions' outputs concatenated on the last axis. */
  y: NDArray;
  /** The final states (D, N, H): [hn] or [hn, cn] for an LSTM; made only when called. */
  states: () => NDArray[];
}

/** Tests set `fused` false to run the composed cells on the CPU too (the fused path's oracle). */
export const recurrentOptions = { fused: true };

/** What the backward row needs besides the inputs: the shape, which inputs exist, the workspace. */
export interface RecurrentAttrs {
  cell: RecurrentCell;
  dims: [number, number, number, number, number];
  hasH0: boolean;
  hasC0: boolean;
  workspace: NDArray;
}

/** Whether the fused kernel can run this layer: float32 on the CPU, a non-empty sequence. */
export function fusedRecurrentFits(x: NDArray): boolean {
  return recurrentOptions.fused && x.dtype === 'float32' && x.device.type === 'cpu' && x.ndim === 3 && x.size > 0;
}

function check(op: string, what: string, a: NDArray, want: readonly number[]): void {
  if (a.dtype !== 'float32' || a.device.type !== 'cpu') throw errors.dtype(op, `${what} must be float32 on the CPU, got ${a.dtype} on ${String(a.device)}`);
  if (a.size !== want.reduce((p, d) => p * d, 1)) throw errors.shapeMismatch(op, `${what} must hold ${formatShape(want)}, got ${formatShape(a.shape)}`);
}

/**
 * One recurrent layer over x (T, N, C) with hidden size H in `directions` (1, or 2: the second
 * runs backwards in time); h0 / c0 (D, N, H) are the begin states (zeros when null).
 *
 *   const { y, states } = recurrentLayer('lstm', x, { wIh, wHh, bIh, bHh }, null, null, 64, 1);
 */
export function recurrentLayer(
  cell: RecurrentCell,
  x: NDArray,
  w: RecurrentWeights,
  h0: NDArray | null,
  c0: NDArray | null,
  hidden: number,
  directions: 1 | 2,
): RecurrentResult {
  const op = 'recurrentLayer';
  if (x.ndim !== 3) throw errors.shapeMismatch(op, `x must be (T, N, C), got ${formatShape(x.shape)}`);
  const [t, n, c] = x.shape as [number, number, number];
  const lstm = cell === 'lstm';
  const gh = CELL_GATES[cell] * hidden;
  const state = [directions, n, hidden];
  check(op, 'x', x, x.shape);
  check(op, 'wIh', w.wIh, [directions, gh, c]);
  check(op, 'wHh', w.wHh, [directions, gh, hidden]);
  check(op, 'bIh', w.bIh, [directions, gh]);
  check(op, 'bHh', w.bHh, [directions, gh]);
  if (h0) check(op, 'h0', h0, state);
  if (c0 && lstm) check(op, 'c0', c0, state);
  const dims: RecurrentAttrs['dims'] = [t, n, c, hidden, directions];
  const inputs = [x, w.wIh, w.wHh, w.bIh, w.bHh, ...(h0 ? [h0] : []), ...(lstm && c0 ? [c0] : [])];
  const record = recordingState.recording && inputs.some(tracksGrad);
  const ny = t * n * directions * hidden;
  const ns = directions * n * hidden;
  const code = CELL_CODE[cell];
  const call = (y: NDArray, hn: NDArray | null, cn: NDArray | null, ws: NDArray | null): void => {
    try {
      native().recurrent(
        code,
        dims,
        x.buffer,
        w.wIh.buffer,
        w.wHh.buffer,
        w.bIh.buffer,
        w.bHh.buffer,
        h0?.buffer ?? null,
        (lstm && c0?.buffer) || null,
        y.buffer,
        hn?.buffer ?? null,
        cn?.buffer ?? null,
        ws?.buffer ?? null,
      );
    } catch (e) {
      throw errors.fromNative(op, e, describe(x));
    }
  };
  if (!record) {
    const y = NDArray._alloc([t, n, directions * hidden], 'float32', x.device, op);
    const hn = NDArray._alloc(state, 'float32', x.device, op);
    const cn = lstm ? NDArray._alloc(state, 'float32', x.device, op) : null;
    call(y, hn, cn, null);
    return { y, states: () => (cn ? [hn, cn] : [hn]) };
  }
  const bytes = native().recurrentWorkspaceBytes(code, dims);
  const workspace = NDArray._alloc([Math.ceil(bytes / 4)], 'float32', x.device, op);
  const packed = NDArray._alloc([ny + ns * (lstm ? 2 : 1)], 'float32', x.device, op);
  call(packed, null, null, workspace);
  const attrs: RecurrentAttrs = { cell, dims, hasH0: h0 !== null, hasC0: lstm && c0 !== null, workspace };
  recordOp(op, inputs, packed, attrs);
  const part = (from: number, to: number, shape: number[]): NDArray => reshape(slice(packed, [[from, to]]), shape);
  return {
    y: part(0, ny, [t, n, directions * hidden]),
    states: () => [part(ny, ny + ns, state), ...(lstm ? [part(ny + ns, ny + 2 * ns, state)] : [])],
  };
}

/** The recurrentLayer row: one native call for every gradient (dh0 / dc0 only when wanted). */
export function recurrentLayerBackward(gy: NDArray, inputs: readonly NDArray[], out: NDArray, a: RecurrentAttrs, want: readonly boolean[]): (NDArray | null)[] {
  const op = 'recurrentLayer backward';
  const g = gy.dtype === 'float32' ? gy : gy.astype('float32');
  const [x, wIh, wHh, bIh, bHh] = inputs as [NDArray, NDArray, NDArray, NDArray, NDArray];
  const h0 = a.hasH0 ? inputs[5]! : null;
  const c0 = a.hasC0 ? inputs[a.hasH0 ? 6 : 5]! : null;
  const like = (v: NDArray): NDArray => NDArray._alloc(v.shape, 'float32', v.device, op);
  const grads = [x, wIh, wHh, bIh, bHh].map(like);
  const dh0 = h0 && want[5] ? like(h0) : null;
  const dc0 = c0 && want[a.hasH0 ? 6 : 5] ? like(c0) : null;
  try {
    native().recurrentBackward(
      CELL_CODE[a.cell],
      a.dims,
      x.buffer,
      wIh.buffer,
      wHh.buffer,
      bIh.buffer,
      bHh.buffer,
      h0?.buffer ?? null,
      c0?.buffer ?? null,
      out.buffer,
      a.workspace.buffer,
      g.buffer,
      ...(grads.map((d) => d.buffer) as [NDArray['buffer'], NDArray['buffer'], NDArray['buffer'], NDArray['buffer'], NDArray['buffer']]),
      dh0?.buffer ?? null,
      dc0?.buffer ?? null,
    );
  } catch (e) {
    throw errors.fromNative(op, e, describe(x, gy));
  }
  return [...grads.map((d, i) => (want[i] ? d : null)), ...(h0 ? [dh0] : []), ...(c0 ? [dc0] : [])];
}
