// Graphs that the compiled-forward tests build on both devices (test/engine/nn/hybridize-seq.test.ts
// on the CPU's net plans, test/engine/gpu/hybridize-seq.test.ts on CUDA plans), so both check the
// same structure against eager mode.

import { MultiHeadAttention, ScaledDotProductAttention, Slice } from '../../../engine/index.ts';
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
