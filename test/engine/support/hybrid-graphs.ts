// Graphs that the compiled-forward tests build on both devices (test/engine/nn/hybridize-seq.test.ts
// on the CPU's net plans, test/engine/gpu/hybridize-seq.test.ts on CUDA plans), so both check the
// same structure against eager mode.

import { Add, Dense, MultiHeadAttention, ScaledDotProductAttention, Slice, type Block } from '../../../engine/index.ts';
import { GraphBlock } from '../../../engine/graph/graph-block.ts';
import { step } from './hybrid-check.ts';

/**
 * Attention over fewer keys than queries: the keys are the input's first three steps (a Slice),
 * MultiHeadAttention (2 heads) then ScaledDotProductAttention over them, `causal` on both, so
 * the causal mask is offset by the difference in length as eager mode offsets it.
 */
export function slicedKeyAttention(causal: boolean): GraphBlock {
  return new GraphBlock(
    [
      step('k', new Slice(1, 0, 3), [{ input: 0 }]),
      step('att', new MultiHeadAttention(2, { causal }), [{ input: 0 }, { step: 0, port: 0 }]),
      step('sdpa', new ScaledDotProductAttention({ causal }), [
        { step: 1, port: 0 },
        { step: 0, port: 0 },
        { step: 0, port: 0 },
      ]),
    ],
    1,
    [{ step: 2, port: 0 }],
  );
}

/**
 * A recurrent layer's final states as values read by later steps: Dense(hidden) over hn (output
 * port 1) plus the last state port (cn for an LSTM, hn for a GRU).
 */
export function finalStatesGraph(rnn: Block, kind: 'lstm' | 'gru', hidden: number): GraphBlock {
  const last = kind === 'lstm' ? 2 : 1;
  return new GraphBlock(
    [
      { key: 'rnn', block: rnn, inputs: [{ input: 0 }], outputCount: kind === 'lstm' ? 3 : 2 },
      step('hd', new Dense(hidden, { flatten: false }), [{ step: 0, port: 1 }]),
      step('add', new Add(), [
        { step: 1, port: 0 },
        { step: 0, port: last },
      ]),
    ],
    1,
    [{ step: 2, port: 0 }],
  );
}
