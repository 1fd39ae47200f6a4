// The addon's recurrent-layer entry points (native/src/api_rnn.cc; engine/ops/recurrent.ts calls
// them), kept apart from native-addon.ts, which NativeAddon extends with them. Types only.

import type { NativeBuffer } from './native-addon.ts';

export interface RecurrentEntryPoints {
  /**
   * One recurrent layer (cell 0 RNN tanh, 1 RNN relu, 2 LSTM, 3 GRU; dims [T, N, C, H, D]) on the
   * CPU through oneDNN. With hn null, y is the packed output [y | hn | cn]; a workspace (of
   * recurrentWorkspaceBytes) makes it a training forward that recurrentBackward can follow.
   */
  recurrent(
    cell: number,
    dims: readonly number[],
    x: NativeBuffer,
    wIh: NativeBuffer,
    wHh: NativeBuffer,
    bIh: NativeBuffer,
    bHh: NativeBuffer,
    h0: NativeBuffer | null,
    c0: NativeBuffer | null,
    y: NativeBuffer,
    hn: NativeBuffer | null,
    cn: NativeBuffer | null,
    workspace: NativeBuffer | null,
  ): void;
  /** Bytes of workspace a training recurrent() of this cell and dims writes. */
  recurrentWorkspaceBytes(cell: number, dims: readonly number[]): number;
  /** Every gradient of recurrent() from the packed output `out` and its gradient `dout`. */
  recurrentBackward(
    cell: number,
    dims: readonly number[],
    x: NativeBuffer,
    wIh: NativeBuffer,
    wHh: NativeBuffer,
    bIh: NativeBuffer,
    bHh: NativeBuffer,
    h0: NativeBuffer | null,
    c0: NativeBuffer | null,
    out: NativeBuffer,
    workspace: NativeBuffer,
    dout: NativeBuffer,
    dx: NativeBuffer,
    dwIh: NativeBuffer,
    dwHh: NativeBuffer,
    dbIh: NativeBuffer,
    dbHh: NativeBuffer,
    dh0: NativeBuffer | null,
    dc0: NativeBuffer | null,
  ): void;
}
