// What a block contributes to a hybridized plan (Block.hybridUnits; null there means "run me
// eagerly"): the layer kinds the compiled forward knows, with what it needs to build their step.
// Types (and which kinds take several inputs), shared by the plan tracers (hybrid.ts: Dense chains; hybrid-net.ts: graphs with
// convolution, pooling, batch norm and residual adds) and the layers that describe themselves.

import type { NDArray } from '../ndarray/ndarray.ts';
import type { UnaryName } from '../ops/elementwise.ts';
import type { PoolOptions } from '../ops/pool.ts';
import type { Block } from './block.ts';
import type { Parameter } from './parameter.ts';

/** The unit kinds that take several inputs in a graph (the others take one). */
export const MULTI_INPUT_KINDS: ReadonlySet<string> = new Set(['add', 'mul', 'concat', 'attention', 'sdpa', 'recurrent']);

/** Where a graph step reads an input: the graph's input (its only one) or an earlier step's output (port > 0: a recurrent layer's final states). */
export type HybridSource = { input: number } | { step: number; port: number };

export type HybridUnit =
  /** A Dense: act(x·Wᵀ + b). */
  | { kind: 'linear'; owner: Block; weight: Parameter; bias: Parameter | null; units: number; flatten: boolean; act: UnaryName | null }
  /** An Activation block (or GELU, SiLU, ELU, ...: alpha is leakyRelu's slope, elu's alpha, silu's beta). */
  | { kind: 'act'; owner: Block; act: UnaryName; alpha?: number }
  /** Flatten: (N, ...) → (N, prod). */
  | { kind: 'flatten'; owner: Block }
  /** A block that is the identity in predict mode (Dropout). */
  | { kind: 'identity'; owner: Block }
  /** A container whose children were inlined (Sequential): the plan is rebuilt when its children change. */
  | { kind: 'container'; owner: Block }
  /** A 2-d convolution (NCHW, PyTorch's weight layout), its activation fused. */
  | {
      kind: 'conv';
      owner: Block;
      weight: Parameter;
      bias: Parameter | null;
      act: UnaryName | null;
      kernel: number[];
      strides: number[];
      padding: number[];
      dilation: number[];
      groups: number;
      /** A transposed convolution (PyTorch's (I, O/groups, K...) weight), with its output padding. */
      transposed?: boolean;
      outputPadding?: number[];
    }
  /** Max or average pooling (global: the whole plane). */
  | { kind: 'pool'; owner: Block; options: PoolOptions }
  /** Batch norm over axis 1; in a plan (prediction mode) it uses the running statistics. */
  | { kind: 'batchnorm'; owner: Block; gamma: Parameter | null; beta: Parameter | null; mean: Parameter; variance: Parameter; eps: number; axis: number }
  /** Layer norm (rms: RMSNorm, no centering) over the trailing axes from `axis`. */
  | { kind: 'layernorm'; owner: Block; gamma: Parameter | null; beta: Parameter | null; eps: number; axis: number; rms: boolean }
  /** GroupNorm over (N, C, ...) (groups 0: InstanceNorm, one group per channel), then gamma / beta per channel. */
  | { kind: 'groupnorm'; owner: Block; gamma: Parameter | null; beta: Parameter | null; eps: number; groups: number }
  /** An embedding lookup of integer ids (int32, or whole float32 values). */
  | { kind: 'embedding'; owner: Block; weight: Parameter; inputDim: number; outputDim: number }
  /** A position table added to (N, T, C): learned (weight: (maxLength, C)) or a constant (weight null: table(T, C), row-major). */
  | { kind: 'position'; owner: Block; weight: Parameter | null; maxLength: number; table: (t: number, c: number) => number[] }
  /**
   * Multi-head attention (PyTorch's packed in-projection, or separate q/k/v projections),
   * inputs query [, key [, value [, key-padding mask (N, S), float32]]]; keepWeights: its attention maps are wanted.
   */
  | {
      kind: 'attention';
      owner: Block;
      heads: number;
      causal: boolean;
      inProj: Parameter | null;
      /** PyTorch's q/k/v_proj_weight, where there is no packed inProj. */
      qkvProj: [Parameter, Parameter, Parameter] | null;
      inBias: Parameter | null;
      outProj: Parameter;
      outBias: Parameter | null;
      keepWeights: boolean;
    }
  /**
   * A recurrent layer (RNN, LSTM, GRU), inputs data [, h0 [, c0]]: cell is rnn.h's RnnMode (0 RNN
   * tanh, 1 RNN relu, 2 LSTM, 3 GRU); params per layer and direction in Gluon's order
   * (l0_i2h_weight, l0_h2h_weight, l0_i2h_bias, l0_h2h_bias, r0_..., l1_...); the sequence output only.
   */
  | { kind: 'recurrent'; owner: Block; cell: number; hidden: number; layers: number; directions: 1 | 2; batchFirst: boolean; params: Parameter[] }
  /**
   * A final state of a recurrent step in a graph (port 1: hn, 2: cn), (rows = layers · D, N, hidden);
   * inputs: the step's output sequence, then the step's own inputs (an eager run recomputes from them).
   */
  | { kind: 'rnnstate'; owner: Block; port: number; rows: number; hidden: number; batchFirst: boolean }
  /** PReLU (alpha: 1 or C slopes, per channel on axis 1) or Clip (clip: [min, max]). */
  | { kind: 'pointwise'; owner: Block; alpha: Parameter | null; clip: [number, number] | null }
  /** Padding of the axes after N and C (pairs(x): (before, after) per such axis); mode constant, reflect or replicate. */
  | { kind: 'pad'; owner: Block; pairs: (x: readonly number[]) => [number, number][]; mode: string; value: number }
  /** A permutation of the axes. */
  | { kind: 'transpose'; owner: Block; axes: readonly number[] }
  /** A reshape to shape(x) (the same element count). */
  | { kind: 'reshape'; owner: Block; shape: (x: readonly number[]) => number[] }
  /** The mean (SequenceMean) or the last entry (SequenceLast) over an axis, which is dropped. */
  | { kind: 'seqreduce'; owner: Block; axis: number; last: boolean }
  /** A slice [begin, end) of an axis (range(size) resolves the layer's bounds). */
  | { kind: 'slice'; owner: Block; axis: number; range: (size: number) => [number, number] }
  /** Its inputs joined along an axis; run: how eager mode joins them where the plan cannot (default: the owner's forward). */
  | { kind: 'concat'; owner: Block; axis: number; run?: (...xs: NDArray[]) => NDArray }
  /** The product of two inputs of one shape (Multiply). */
  | { kind: 'mul'; owner: Block }
  /** Softmax (or log-softmax) along an axis. */
  | { kind: 'softmax'; owner: Block; axis: number; log: boolean }
  /** Scaled dot-product attention of query, key and value. */
  | { kind: 'sdpa'; owner: Block; causal: boolean }
  /** The sum of two inputs of one shape (a residual connection). */
  | { kind: 'add'; owner: Block }
  /** A graph of steps (GraphBlock) with one input and one output; a step with several inputs is an add or runs eagerly. */
  | { kind: 'graph'; owner: Block; steps: { block: Block; units: HybridUnit[] | null; inputs: HybridSource[] }[]; output: HybridSource }
  /** Any other block: called as is. */
  | { kind: 'eager'; owner: Block };
