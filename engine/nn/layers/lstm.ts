// LSTM: the lstm cell over a sequence, stacked and optionally bidirectional; see recurrent.ts for what
// the recurrent kinds share (layout, parameter names, ONNX LSTM, code).

import { RecurrentLayer, recurrentSpec, type RecurrentArgs } from './recurrent.ts';
import type { LayerSpec } from './layer-spec.ts';

export class LSTM extends RecurrentLayer {
  static readonly spec: LayerSpec = recurrentSpec('LSTM', 'lstm', (a, o) => new LSTM(a.hiddenSize as number, { ...(a as RecurrentArgs), prefix: o.prefix }));

  /** `new LSTM(hiddenSize, {numLayers, layout, bidirectional, ...})` as Gluon's rnn.LSTM. */
  constructor(hiddenSize: number, args: RecurrentArgs = {}) {
    super('LSTM', 'lstm', hiddenSize, args);
  }
}
