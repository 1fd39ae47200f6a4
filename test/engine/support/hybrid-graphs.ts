// Graphs, nets and recurrent layers that the compiled-forward tests build on both devices
// (test/engine/nn/hybridize-{seq,layers,rnn}.test.ts on the CPU's net plans,
// test/engine/gpu/hybridize-{seq,rnn}.test.ts on CUDA plans), so both check the same structure
// against eager mode. Each test keeps its own sizes, seeds and assertions.

import {
  Add,
  BatchNorm,
  Concat,
  Conv1D,
  Conv1DTranspose,
  Conv2DTranspose,
  Dense,
  Embedding,
  GRU,
  Lambda,
  LayerNorm,
  LSTM,
  MultiHeadAttention,
  Multiply,
  np,
  PositionalEncoding,
  RMSNorm,
  RNN,
  ScaledDotProductAttention,
  Sequential,
  Slice,
  type Block,
  type NDArray,
} from '../../../engine/index.ts';
import { GraphBlock, type GraphStep } from '../../../engine/graph/graph-block.ts';
import type { RecurrentArgs } from '../../../engine/nn/layers/recurrent.ts';
import { step } from './hybrid-check.ts';

/**
 * Embedding(20, width) → positions (`mode`, at most 12) → LayerNorm over two axes → 2-head
 * attention → GELU Dense(width) → RMSNorm → LayerNorm: the Transformer's layers in one chain.
 */
export function embeddingChain(mode: 'sinusoidal' | 'learned', width: number): Sequential {
  const net = new Sequential();
  net.add(
    new Embedding(20, width),
    new PositionalEncoding({ mode, maxLength: 12 }),
    new LayerNorm({ axis: -2, center: false }),
    new MultiHeadAttention(2),
    new Dense(width, { flatten: false, activation: 'gelu' }),
    new RMSNorm(),
    new LayerNorm(),
  );
  return net;
}

/** Causal ScaledDotProductAttention over three Dense projections of the input (q, k: 8, v: 6). */
export function projectedSdpa(): GraphBlock {
  return new GraphBlock(
    [
      step('q', new Dense(8, { flatten: false }), [{ input: 0 }]),
      step('k', new Dense(8, { flatten: false }), [{ input: 0 }]),
      step('v', new Dense(6, { flatten: false }), [{ input: 0 }]),
      step('att', new ScaledDotProductAttention({ causal: true }), [
        { step: 0, port: 0 },
        { step: 1, port: 0 },
        { step: 2, port: 0 },
      ]),
    ],
    1,
    [{ step: 3, port: 0 }],
  );
}

/**
 * Cross attention (3 heads) of the input over a Dense(width) projection of it as key, and a tanh
 * Dense(width) projection as value when `withValue` (else the key is the value too).
 */
export function crossAttention(width: number, causal: boolean, withValue: boolean): GraphBlock {
  return new GraphBlock(
    [
      step('k', new Dense(width, { flatten: false }), [{ input: 0 }]),
      step('v', new Dense(width, { flatten: false, activation: 'tanh' }), [{ input: 0 }]),
      step('att', new MultiHeadAttention(3, { causal }), [{ input: 0 }, { step: 0, port: 0 }, ...(withValue ? [{ step: 1, port: 0 }] : [])]),
    ],
    1,
    [{ step: 2, port: 0 }],
  );
}

/** Causal attention with separate q / k / v projections: embedDim 8 over a key of 6 and a value of 5 features. */
export function separateProjections(): GraphBlock {
  return new GraphBlock(
    [
      step('k', new Dense(6, { flatten: false }), [{ input: 0 }]),
      step('v', new Dense(5, { flatten: false }), [{ input: 0 }]),
      step('att', new MultiHeadAttention(2, { embedDim: 8, kdim: 6, vdim: 5, causal: true }), [{ input: 0 }, { step: 0, port: 0 }, { step: 1, port: 0 }]),
    ],
    1,
    [{ step: 2, port: 0 }],
  );
}

/**
 * Causal self-attention with a key-padding mask, then LayerNorm. The mask (keys whose first
 * feature is negative are ignored) is made by an eager Lambda, so the plan reads it as an input.
 */
export function maskedAttention(): GraphBlock {
  return new GraphBlock(
    [
      step('mask', new Lambda((x: NDArray) => x.slice(null, null, [0, 1]).reshape([x.shape[0]!, x.shape[1]!]).lt(0).astype('float32')), [{ input: 0 }]),
      step('att', new MultiHeadAttention(2, { causal: true }), [{ input: 0 }, { input: 0 }, { input: 0 }, { step: 0, port: 0 }]),
      step('ln', new LayerNorm(), [{ step: 1, port: 0 }]),
    ],
    1,
    [{ step: 2, port: 0 }],
  );
}

/**
 * The first five steps of the layout graphs: a tanh Dense(8) of the input (step 0), its steps
 * 1..4 (step 1) times the input's last four steps (step 2) (step 3), concatenated with step 1 on
 * the last axis (step 4). The tests add their own steps after.
 */
export function sliceMultiplyConcatSteps(): GraphStep[] {
  return [
    step('d', new Dense(8, { flatten: false, activation: 'tanh' }), [{ input: 0 }]),
    step('a', new Slice(1, 1, 5), [{ step: 0, port: 0 }]),
    step('b', new Slice(1, -4, null), [{ input: 0 }]),
    step('m', new Multiply(), [
      { step: 1, port: 0 },
      { step: 2, port: 0 },
    ]),
    step('c', new Concat(-1), [
      { step: 3, port: 0 },
      { step: 1, port: 0 },
    ]),
  ];
}

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
 * Transposed 2-d convolutions: strides 2, padding 1, output padding 1 and a ReLU, then batch
 * norm, then 2 groups with dilation 2.
 */
export function transposedConv2dChain(): Sequential {
  const net = new Sequential();
  net.add(
    new Conv2DTranspose(4, 3, { strides: 2, padding: 1, outputPadding: 1, activation: 'relu' }),
    new BatchNorm(),
    new Conv2DTranspose(6, 2, { groups: 2, dilation: 2 }),
  );
  return net;
}

/** A transposed 1-d convolution (strides 3, padding 1, tanh) then a 1-d convolution. */
export function transposedConv1dChain(): Sequential {
  const net = new Sequential();
  net.add(new Conv1DTranspose(5, 4, { strides: 3, padding: 1, activation: 'tanh' }), new Conv1D(2, 3));
  return net;
}

export type RecurrentKind = 'rnnTanh' | 'rnnRelu' | 'lstm' | 'gru';

/** The recurrent layer of a kind: an RNN (tanh or relu), an LSTM or a GRU. */
export function recurrentLayer(kind: RecurrentKind, hidden: number, args: RecurrentArgs): Block {
  if (kind === 'lstm') return new LSTM(hidden, args);
  if (kind === 'gru') return new GRU(hidden, args);
  return new RNN(hidden, { ...args, activation: kind === 'rnnTanh' ? 'tanh' : 'relu' });
}

/** Random parameters (biases included), after a call on the CPU that resolves the deferred shapes. */
export function randomizeRecurrent(net: Block, x: number[]): void {
  net.initialize();
  net.call(np.zeros(x));
  for (const p of net.collectParams().values()) p.setData(np.random.uniform(-0.5, 0.5, p.shape!, { seed: p.name.length * 7 + 1 }));
}

/**
 * Begin states made inside the graph: h0 is a slice of `states` rows of a tanh Dense(hidden) of
 * the input, c0 (read by an LSTM only) a slice of a Dense(hidden), both fed to `rnn` (2 layers).
 */
export function beginStatesGraph(rnn: Block, kind: RecurrentKind, hidden: number, states: number): GraphBlock {
  return new GraphBlock(
    [
      step('h', new Dense(hidden, { flatten: false, activation: 'tanh' }), [{ input: 0 }]),
      step('h0', new Slice(0, 0, states), [{ step: 0, port: 0 }]),
      step('c', new Dense(hidden, { flatten: false }), [{ input: 0 }]),
      step('c0', new Slice(0, 1, 1 + states), [{ step: 2, port: 0 }]),
      step('rnn', rnn, [{ input: 0 }, { step: 1, port: 0 }, ...(kind === 'lstm' ? [{ step: 3, port: 0 }] : [])]),
    ],
    1,
    [{ step: 4, port: 0 }],
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
