// Block factories from the chapter: block1/block2/rgnet (5.2.1), the chimera (5.1.3), the
// tied-parameter net (5.2.3), and the exercises' parallel block and replicated network (5.1).

import { Block } from '../block.ts';
import { Dense } from '../layers/dense.ts';
import { Sequential } from '../layers/sequential.ts';
import { Concurrent } from '../layers/concurrent.ts';
import { NestMLP } from './nest-mlp.ts';
import { FancyMLP } from './fancy-mlp.ts';

export function block1(): Sequential {
  return new Sequential().add(new Dense(32, { activation: 'relu' }), new Dense(16, { activation: 'relu' }));
}

export function block2(): Sequential {
  const net = new Sequential();
  for (let i = 0; i < 4; i++) net.add(block1());
  return net;
}

/** Sequential(block2(), Dense(10)): the chapter's "Rube Goldberg" network. */
export function rgnet(): Sequential {
  return new Sequential().add(block2(), new Dense(10));
}

export function chimera(): Sequential {
  return new Sequential().add(new NestMLP(), new Dense(20), new FancyMLP());
}

/** Dense(8) → shared Dense(8) → a Dense(8) holding the shared one's parameters → Dense(10). */
export function tiedNet(): { net: Sequential; shared: Dense } {
  const shared = new Dense(8, { activation: 'relu' });
  const net = new Sequential().add(new Dense(8, { activation: 'relu' }), shared, new Dense(8, { activation: 'relu', params: shared.params }), new Dense(10));
  return { net, shared };
}

/** Exercise 4: a block running net1 and net2 on the same input, outputs concatenated. */
export function parallel(net1: Block, net2: Block, axis = -1): Concurrent {
  return new Concurrent(axis).add(net1, net2);
}

/** Exercise 5: n instances of the same network from a factory, chained in a Sequential. */
export function replicate(factory: () => Block, n: number): Sequential {
  const net = new Sequential();
  for (let i = 0; i < n; i++) net.add(factory());
  return net;
}
