// GRU: the gru cell over a sequence, stacked and optionally bidirectional; see recurrent.ts for what
// the recurrent kinds share (layout, parameter names, ONNX GRU, code).

import { RecurrentLayer, recurrentSpec, type RecurrentArgs } from './recurrent.ts';
import type { LayerSpec } from './layer-spec.ts';

export class GRU extends RecurrentLayer {
  static readonly spec: LayerSpec = recurrentSpec('GRU', 'gru', (a, o) => new GRU(a.hiddenSize as number, { ...(a as RecurrentArgs), prefix: o.prefix }));

  /** `new GRU(hiddenSize, {numLayers, layout, bidirectional, ...})` as Gluon's rnn.GRU. */
  constructor(hiddenSize: number, args: RecurrentArgs = {}) {
    super('GRU', 'gru', hiddenSize, args);
  }
}
