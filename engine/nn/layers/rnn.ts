// RNN: the rnn cell over a sequence, stacked and optionally bidirectional; see recurrent.ts for what
// the recurrent kinds share (layout, parameter names, ONNX RNN, code).

import { RecurrentLayer, recurrentSpec, type RecurrentArgs } from './recurrent.ts';
import type { LayerSpec } from './layer-spec.ts';

export class RNN extends RecurrentLayer {
  static readonly spec: LayerSpec = recurrentSpec('RNN', 'rnn', (a, o) => new RNN(a.hiddenSize as number, { ...(a as RecurrentArgs), prefix: o.prefix }));

  /** `new RNN(hiddenSize, {numLayers, layout, bidirectional, ...})` as Gluon's rnn.RNN. */
  constructor(hiddenSize: number, args: RecurrentArgs = {}) {
    super('RNN', 'rnn', hiddenSize, args);
  }
}
