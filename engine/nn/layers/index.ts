// The only registration table of layer kinds: one line per kind. Each kind's file carries its
// descriptor (a static `spec` with attributes, ports, parameters, shapes, ONNX, code, factory);
// the graph builder, shape inference, the editor's catalog, the exporters and the `nn` namespace
// all derive from this table.

import type { Block, BlockOptions } from '../block.ts';
import { modelErrors } from '../model-errors.ts';
import { withDefaults, type Attrs, type LayerSpec } from './layer-spec.ts';
import { Activation, type ActivationType } from './activation.ts';
import { Concat } from './concat.ts';
import { Concurrent } from './concurrent.ts';
import { Dense, type DenseArgs } from './dense.ts';
import { Dropout } from './dropout.ts';
import { Flatten } from './flatten.ts';
import { Lambda, type LambdaFn } from './lambda.ts';
import { Sequential } from './sequential.ts';
import { LeakyReLU } from './leaky-relu.ts';
import { ELU } from './elu.ts';
import { SELU } from './selu.ts';
import { GELU } from './gelu.ts';
import { SiLU } from './silu.ts';
import { Swish } from './swish.ts';
import { Softplus } from './softplus.ts';
import { HardSigmoid } from './hard-sigmoid.ts';
import { HardSwish } from './hard-swish.ts';
import { Clip } from './clip.ts';
import { BatchNorm } from './batch-norm.ts';
import { InstanceNorm } from './instance-norm.ts';
import { GroupNorm } from './group-norm.ts';
import { PReLU } from './prelu.ts';
import { Pad } from './pad.ts';
import { Add } from './add.ts';
import { Multiply } from './multiply.ts';
import { Reshape } from './reshape.ts';
import { Transpose } from './transpose.ts';
import { Softmax } from './softmax.ts';
import { LogSoftmax } from './log-softmax.ts';
import { GlobalAvgPool1D } from './global-avg-pool1d.ts';
import { GlobalAvgPool2D } from './global-avg-pool2d.ts';
import { GlobalMaxPool1D } from './global-max-pool1d.ts';
import { GlobalMaxPool2D } from './global-max-pool2d.ts';
import { Conv1D } from './conv1d.ts';
import { Conv2D } from './conv2d.ts';
import { Conv1DTranspose } from './conv1d-transpose.ts';
import { Conv2DTranspose } from './conv2d-transpose.ts';
import { MaxPool1D } from './max-pool1d.ts';
import { MaxPool2D } from './max-pool2d.ts';
import { AvgPool1D } from './avg-pool1d.ts';
import { AvgPool2D } from './avg-pool2d.ts';
// Sequence models (embeddings, normalization, sequence helpers, attention, recurrent layers).
import { Embedding } from './embedding.ts';
import { LayerNorm } from './layer-norm.ts';
import { RMSNorm } from './rms-norm.ts';
import { SequenceLast } from './sequence-last.ts';
import { SequenceMean } from './sequence-mean.ts';
import { Slice } from './slice.ts';
import { MultiHeadAttention } from './multi-head-attention.ts';
import { PositionalEncoding } from './positional-encoding.ts';
import { ScaledDotProductAttention } from './scaled-dot-product-attention.ts';
import { RNN } from './rnn.ts';
import { LSTM } from './lstm.ts';
import { GRU } from './gru.ts';
import { CodeBlock } from './code.ts';

/** The layer classes by kind name: the `nn` namespace exposes exactly these. */
export const LAYER_CLASSES = {
  Dense,
  Conv1D,
  Conv2D,
  Conv1DTranspose,
  Conv2DTranspose,
  MaxPool1D,
  MaxPool2D,
  AvgPool1D,
  AvgPool2D,
  BatchNorm,
  InstanceNorm,
  GroupNorm,
  Activation,
  PReLU,
  LeakyReLU,
  ELU,
  SELU,
  GELU,
  SiLU,
  Swish,
  Softplus,
  HardSigmoid,
  HardSwish,
  Clip,
  Dropout,
  Flatten,
  Lambda,
  Sequential,
  Concurrent,
  Concat,
  Add,
  Multiply,
  Reshape,
  Transpose,
  Pad,
  Softmax,
  LogSoftmax,
  GlobalAvgPool1D,
  GlobalAvgPool2D,
  GlobalMaxPool1D,
  GlobalMaxPool2D,
  // Sequence models.
  Embedding,
  LayerNorm,
  RMSNorm,
  SequenceLast,
  SequenceMean,
  Slice,
  MultiHeadAttention,
  PositionalEncoding,
  ScaledDotProductAttention,
  RNN,
  LSTM,
  GRU,
  Code: CodeBlock,
} as const;

/** Every kind's descriptor (the chapter's custom layers are code blocks: code-examples.ts). */
const SPECS: ReadonlyMap<string, LayerSpec> = new Map(Object.values(LAYER_CLASSES).map((c): [string, LayerSpec] => [c.spec.kind, c.spec]));

export function layerKinds(): string[] {
  return [...SPECS.keys()];
}

export function layerSpec(kind: string): LayerSpec {
  const spec = SPECS.get(kind);
  if (!spec) throw modelErrors.block(kind, `unknown layer kind; known kinds: ${layerKinds().join(', ')}.`);
  return spec;
}

/** A layer from its kind and attributes (defaults filled from the descriptor); `options` sets its prefix or shared params. */
export function createLayer(kind: string, attrs: Attrs = {}, options: BlockOptions = {}): Block {
  const spec = layerSpec(kind);
  return spec.create(withDefaults(spec, attrs), options);
}

export { CodeBlock };
export { Activation, Concat, Concurrent, Dense, Dropout, Flatten, Lambda, Sequential };
export { Conv1D, Conv2D, Conv1DTranspose, Conv2DTranspose, MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D };
export { LeakyReLU, ELU, SELU, GELU, SiLU, Swish, Softplus, HardSigmoid, HardSwish, Clip };
export { BatchNorm, InstanceNorm, GroupNorm, PReLU, Pad };
export { Add, Multiply, Reshape, Transpose, Softmax, LogSoftmax, GlobalAvgPool1D, GlobalAvgPool2D, GlobalMaxPool1D, GlobalMaxPool2D };
export { Embedding, LayerNorm, RMSNorm, SequenceLast, SequenceMean, Slice, MultiHeadAttention, PositionalEncoding, ScaledDotProductAttention, RNN, LSTM, GRU };
export type { ActivationType, DenseArgs, LambdaFn };
export type { LayerSpec, AttrSpec, PortSpec, ParamSpec, Attrs } from './layer-spec.ts';
