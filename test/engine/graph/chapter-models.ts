// The chapter's models built by hand with the engine API, one per example document, each in a
// fresh naming scope (as buildModel uses), so names, reprs and values can be compared.

import {
  AvgPool2D,
  Conv2D,
  Dense,
  Embedding,
  Flatten,
  GRU,
  LSTM,
  NamingScope,
  Sequential,
  SequenceMean,
  examples,
  withNamingScope,
  type Block,
} from '../../../engine/index.ts';
import { CodeBlock } from '../../../engine/nn/layers/code.ts';
import { CENTERED_LAYER_SOURCE, FANCY_MLP_SOURCE, myDenseSource } from '../../../engine/nn/layers/code-examples.ts';

export const HAND_BUILT: Record<string, () => Block> = {
  mlp: () => new examples.MLP(),
  'my-sequential': () => new examples.MySequential().add(new Dense(256, { activation: 'relu' })).add(new Dense(10)),
  'nest-mlp': () => new examples.NestMLP(),
  // The chapter's custom layers are code blocks in documents: the same code, built by hand.
  chimera: () => new Sequential().add(new examples.NestMLP(), new Dense(20), new CodeBlock(FANCY_MLP_SOURCE, { hint: 'fancymlp' })),
  rgnet: () => examples.rgnet(),
  tied: () => examples.tiedNet().net,
  centered: () => new Sequential().add(new Dense(128), new CodeBlock(CENTERED_LAYER_SOURCE, { hint: 'centeredlayer' })),
  'my-dense': () => new Sequential().add(new CodeBlock(myDenseSource(8, 64), { hint: 'mydense' }), new CodeBlock(myDenseSource(1, 8), { hint: 'mydense' })),
  'mnist-mlp': () => new Sequential().add(new Dense(256, { activation: 'relu' }), new Dense(10)),
  lenet: () =>
    new Sequential().add(
      new Conv2D(6, 5, { padding: 2, activation: 'sigmoid', weightInitializer: 'xavier' }),
      new AvgPool2D(2, { strides: 2 }),
      new Conv2D(16, 5, { activation: 'sigmoid', weightInitializer: 'xavier' }),
      new AvgPool2D(2, { strides: 2 }),
      new Flatten(),
      new Dense(120, { activation: 'sigmoid', weightInitializer: 'xavier' }),
      new Dense(84, { activation: 'sigmoid', weightInitializer: 'xavier' }),
      new Dense(10, { weightInitializer: 'xavier' }),
    ),
  // The sequence examples (issue 16).
  'char-lstm': () => new Sequential().add(new Embedding(28, 32), new LSTM(64, { layout: 'NTC' }), new Dense(28, { flatten: false })),
  'sequence-classifier': () =>
    new Sequential().add(new Embedding(28, 16), new GRU(32, { layout: 'NTC', bidirectional: true }), new SequenceMean(1), new Dense(2)),
};

/**
 * Examples without a hand-built counterpart: char-transformer is a DAG (residual Adds) around a
 * block repeated ×2, vgg and resnet are made of several block definitions (resnet's residual
 * units are DAGs with an Add); test/engine/train/char-lm.test.ts checks its tie and training, and the
 * export round trips (ONNX, PyTorch, TypeScript) check its outputs.
 */
export const NOT_HAND_BUILT = ['char-transformer', 'vgg', 'resnet'];

export function handBuilt(name: string): Block {
  return withNamingScope(new NamingScope(), HAND_BUILT[name]!);
}

/** name → shape of every collected parameter, in collectParams order. */
export function paramTable(net: Block): [string, number[]][] {
  return net
    .collectParams()
    .entries()
    .map(([k, p]) => [k, [...(p.shape ?? [])]]);
}
