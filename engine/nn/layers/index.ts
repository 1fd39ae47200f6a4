// The only registration table of layer kinds: kind → class and descriptor. The graph builder
// creates layers from a kind and attributes through createLayer().

import type { Block, BlockOptions } from '../block.ts';
import { modelErrors } from '../model-errors.ts';
import { Activation, type ActivationType } from './activation.ts';
import { Concat } from './concat.ts';
import { Concurrent } from './concurrent.ts';
import { Dense, type DenseArgs } from './dense.ts';
import { Dropout } from './dropout.ts';
import { Flatten } from './flatten.ts';
import { Lambda, type LambdaFn } from './lambda.ts';
import { Sequential } from './sequential.ts';
import { withDefaults, type Attrs, type LayerSpec } from './layer-spec.ts';
import { CenteredLayer, MyDense } from '../examples/custom-layers.ts';
import { FancyMLP } from '../examples/fancy-mlp.ts';
import { CENTERED_LAYER_SPEC, FANCY_MLP_SPEC, MY_DENSE_SPEC } from './chapter-blocks-spec.ts';

/** Builds a layer from its attributes; `o` carries the prefix and shared parameters (graph builds). */
type Factory = (attrs: Record<string, unknown>, o: BlockOptions) => Block;

const LAYERS: Readonly<Record<string, { spec: LayerSpec; create: Factory }>> = {
  Dense: { spec: Dense.spec, create: (a, o) => new Dense(a.units as number, { ...(a as DenseArgs), prefix: o.prefix, params: o.params ?? undefined }) },
  Activation: { spec: Activation.spec, create: (a, o) => new Activation(a.activation as ActivationType, o) },
  Dropout: { spec: Dropout.spec, create: (a, o) => new Dropout(a.rate as number, { ...o, axes: a.axes as number[] }) },
  Flatten: { spec: Flatten.spec, create: (_a, o) => new Flatten(o) },
  Lambda: { spec: Lambda.spec, create: (a, o) => new Lambda(a.function as LambdaFn | string, o) },
  Sequential: { spec: Sequential.spec, create: (_a, o) => new Sequential(o) },
  Concurrent: { spec: Concurrent.spec, create: (a, o) => new Concurrent(a.axis as number, o) },
  Concat: { spec: Concat.spec, create: (a, o) => new Concat(a.axis as number, o) },
  // The chapter's custom blocks as built-in kinds (their classes live in nn/examples/).
  FancyMLP: { spec: FANCY_MLP_SPEC, create: (_a, o) => new FancyMLP(o) },
  CenteredLayer: { spec: CENTERED_LAYER_SPEC, create: (_a, o) => new CenteredLayer(o) },
  MyDense: { spec: MY_DENSE_SPEC, create: (a, o) => new MyDense(a.units as number, a.inUnits as number, o) },
};

export function layerKinds(): string[] {
  return Object.keys(LAYERS);
}

export function layerSpec(kind: string): LayerSpec {
  const entry = LAYERS[kind];
  if (!entry) throw modelErrors.block(kind, `unknown layer kind; known kinds: ${layerKinds().join(', ')}.`);
  return entry.spec;
}

/** A layer from its kind and attributes (defaults filled from the descriptor); `options` sets its prefix or shared params. */
export function createLayer(kind: string, attrs: Attrs = {}, options: BlockOptions = {}): Block {
  const spec = layerSpec(kind);
  return LAYERS[kind]!.create(withDefaults(spec, attrs), options);
}

export { Activation, Concat, Concurrent, Dense, Dropout, Flatten, Lambda, Sequential };
export type { ActivationType, DenseArgs, LambdaFn };
export type { LayerSpec, AttrSpec, PortSpec, ParamSpec, Attrs } from './layer-spec.ts';
