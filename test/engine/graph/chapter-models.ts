// The chapter's models built by hand with the engine API, one per example document, each in a
// fresh naming scope (as buildModel uses), so names, reprs and values can be compared.

import { Dense, Embedding, GRU, LSTM, NamingScope, Sequential, SequenceMean, examples, withNamingScope, type Block } from '../../../engine/model-index.ts';

export const HAND_BUILT: Record<string, () => Block> = {
  mlp: () => new examples.MLP(),
  'my-sequential': () => new examples.MySequential().add(new Dense(256, { activation: 'relu' })).add(new Dense(10)),
  'nest-mlp': () => new examples.NestMLP(),
  chimera: () => examples.chimera(),
  rgnet: () => examples.rgnet(),
  tied: () => examples.tiedNet().net,
  centered: () => new Sequential().add(new Dense(128), new examples.CenteredLayer()),
  'my-dense': () => new Sequential().add(new examples.MyDense(8, 64), new examples.MyDense(1, 8)),
  'mnist-mlp': () => new Sequential().add(new Dense(256, { activation: 'relu' }), new Dense(10)),
  // The sequence examples (issue 16).
  'char-lstm': () => new Sequential().add(new Embedding(28, 32), new LSTM(64, { layout: 'NTC' }), new Dense(28, { flatten: false })),
  'sequence-classifier': () => new Sequential().add(new Embedding(28, 16), new GRU(32, { layout: 'NTC', bidirectional: true }), new SequenceMean(1), new Dense(2)),
};

/**
 * Examples without a hand-built counterpart: char-transformer is a DAG (residual Adds) around a
 * block repeated ×2; test/engine/train/char-lm.test.ts checks its tie and training, and the
 * export round trips (ONNX, PyTorch, TypeScript) check its outputs.
 */
export const NOT_HAND_BUILT = ['char-transformer'];

export function handBuilt(name: string): Block {
  return withNamingScope(new NamingScope(), HAND_BUILT[name]!);
}

/** name → shape of every collected parameter, in collectParams order. */
export function paramTable(net: Block): [string, number[]][] {
  return net.collectParams().entries().map(([k, p]) => [k, [...(p.shape ?? [])]]);
}
