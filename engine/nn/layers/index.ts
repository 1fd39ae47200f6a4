// The only registration table of layer kinds: kind → class and descriptor. The graph builder
// creates layers from a kind and attributes through createLayer().

import type { Block } from '../block.ts';
import { modelErrors } from '../model-errors.ts';
import { Activation, type ActivationType } from './activation.ts';
import { Concurrent } from './concurrent.ts';
import { Dense, type DenseArgs } from './dense.ts';
import { Dropout } from './dropout.ts';
import { Flatten } from './flatten.ts';
import { Lambda, type LambdaFn } from './lambda.ts';
import { Sequential } from './sequential.ts';
import { withDefaults, type Attrs, type LayerSpec } from './layer-spec.ts';

type Factory = (attrs: Record<string, unknown>) => Block;

const LAYERS: Readonly<Record<string, { spec: LayerSpec; create: Factory }>> = {
  Dense: { spec: Dense.spec, create: (a) => new Dense(a.units as number, a as DenseArgs) },
  Activation: { spec: Activation.spec, create: (a) => new Activation(a.activation as ActivationType) },
  Dropout: { spec: Dropout.spec, create: (a) => new Dropout(a.rate as number, { axes: a.axes as number[] }) },
  Flatten: { spec: Flatten.spec, create: () => new Flatten() },
  Lambda: { spec: Lambda.spec, create: (a) => new Lambda(a.function as LambdaFn | string) },
  Sequential: { spec: Sequential.spec, create: () => new Sequential() },
  Concurrent: { spec: Concurrent.spec, create: (a) => new Concurrent(a.axis as number) },
};

export function layerKinds(): string[] {
  return Object.keys(LAYERS);
}

export function layerSpec(kind: string): LayerSpec {
  const entry = LAYERS[kind];
  if (!entry) throw modelErrors.block(kind, `unknown layer kind; known kinds: ${layerKinds().join(', ')}.`);
  return entry.spec;
}

/** A layer from its kind and attributes (defaults filled from the descriptor). */
export function createLayer(kind: string, attrs: Attrs = {}): Block {
  const spec = layerSpec(kind);
  return LAYERS[kind]!.create(withDefaults(spec, attrs));
}

export { Activation, Concurrent, Dense, Dropout, Flatten, Lambda, Sequential };
export type { ActivationType, DenseArgs, LambdaFn };
export type { LayerSpec, AttrSpec, PortSpec, ParamSpec, Attrs } from './layer-spec.ts';
