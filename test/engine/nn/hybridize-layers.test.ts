// Block.hybridize() on the layers between and around the Transformer's (native/src/net_plan_shape.cc,
// net_plan_deconv.cc, the 1-d conv / pool steps): Transpose, Reshape, SequenceMean / Last, Slice,
// Concat, Multiply, Softmax / LogSoftmax, the activation layers with their alpha, PReLU, Clip,
// Pad, GroupNorm, InstanceNorm, 1-d and transposed convolutions, 1-d pooling — each net
// is one native plan equal to eager mode (max|Δ|/max|y| ≤ 1e-5).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Add,
  AvgPool1D,
  BatchNorm,
  Block,
  Clip,
  Concat,
  Conv1D,
  Dense,
  ELU,
  Flatten,
  GELU,
  GlobalMaxPool1D,
  GroupNorm,
  HardSigmoid,
  HardSwish,
  InstanceNorm,
  LayerNorm,
  LeakyReLU,
  LogSoftmax,
  MaxPool1D,
  np,
  Pad,
  PReLU,
  Reshape,
  SELU,
  SequenceLast,
  SequenceMean,
  Sequential,
  SiLU,
  Softmax,
  Softplus,
  Swish,
  Transpose,
} from '../../../engine/index.ts';
import { GraphBlock } from '../../../engine/graph/graph-block.ts';
import { checkClose, onePlan, step } from '../support/hybrid-check.ts';
import { sliceMultiplyConcatSteps, transposedConv1dChain, transposedConv2dChain } from '../support/hybrid-graphs.ts';

describe('hybridize: the layers between, as native steps', () => {
  test('Transpose, Reshape, SequenceMean and SequenceLast are native steps between the layers', () => {
    for (const last of [false, true]) {
      const net = new Sequential();
      net.add(
        new Transpose([0, 2, 1]),
        new Dense(6, { flatten: false, activation: 'tanh' }),
        new Reshape([2, 12]),
        new LayerNorm(),
        last ? new SequenceLast(0) : new SequenceMean(1),
        new Dense(3),
      );
      net.initialize();
      assert.deepEqual(checkClose(net, np.random.uniform(-1, 1, [3, 5, 4], { seed: 6 })), []);
      onePlan(net);
      assert.match(net.hybridCache!.describe()[0]!, last ? /sequencelast\d+/ : /sequencemean\d+/);
    }
  });

  test('the activation layers (GELU, SiLU, Swish, ELU, LeakyReLU with their alpha, ...) are native steps of net plans and split Dense chains where linearPlan cannot fuse them', () => {
    const acts = (): Block[] => [
      new GELU('tanh'),
      new LeakyReLU(0.2),
      new Swish(1.5),
      new ELU(0.5),
      new SiLU(),
      new SELU(),
      new Softplus(),
      new HardSigmoid(),
      new HardSwish(),
      new GELU(),
    ];
    const plan = new Sequential();
    plan.add(new LayerNorm(), new Dense(8, { flatten: false }), ...acts());
    plan.initialize();
    assert.deepEqual(checkClose(plan, np.random.uniform(-3, 3, [2, 5, 4], { seed: 7 })), []);
    onePlan(plan);
    const chain = new Sequential();
    chain.add(new Dense(8), new LeakyReLU(0.3), new Dense(8), new GELU('tanh'), new Dense(8), new ELU(2), ...acts());
    chain.initialize();
    assert.deepEqual(checkClose(chain, np.random.uniform(-3, 3, [3, 4], { seed: 8 })), []);
    // The newer activations run eagerly between the chains (linearPlan fuses the first 12 unary ops).
    assert.ok(chain.hybridCache!.describe().some((s) => /^eager: leakyrelu\d+/.test(s)));
  });

  test('Slice, Multiply, Concat, Softmax and LogSoftmax in a graph are one native plan', () => {
    const net = new GraphBlock(
      [
        ...sliceMultiplyConcatSteps(),
        step('s', new Softmax(-1), [{ step: 4, port: 0 }]),
        step('l', new LogSoftmax(1), [{ step: 4, port: 0 }]),
        step('o', new Concat(2), [
          { step: 5, port: 0 },
          { step: 6, port: 0 },
        ]),
      ],
      1,
      [{ step: 7, port: 0 }],
    );
    net.initialize();
    assert.deepEqual(checkClose(net, np.random.uniform(-2, 2, [2, 6, 8], { seed: 9 })), []);
    onePlan(net);
    assert.deepEqual(net.call(np.zeros([2, 6, 8])).shape, [2, 4, 32]);
  });

  test('PReLU (one slope or one per channel), Pad (constant, reflect, replicate) and Clip compile', () => {
    const net = new Sequential();
    net.add(new Conv1D(4, 3), new PReLU({ inChannels: 4 }), new Pad([2, 1], { value: -0.25 }), new Clip(-0.5, 0.7), new PReLU(), new GlobalMaxPool1D());
    net.initialize();
    net.call(np.zeros([1, 2, 9]));
    for (const p of net.collectParams().values()) p.setData(np.random.uniform(-1, 1, p.shape!, { seed: p.name.length + 5 }));
    assert.deepEqual(checkClose(net, np.random.uniform(-2, 2, [3, 2, 9], { seed: 12 })), []);
    onePlan(net);
    const pads = new Sequential();
    pads.add(new LayerNorm(), new Pad([1, 2, 2, 1], { mode: 'reflect' }), new Pad([1, 0, 0, 2], { mode: 'replicate' }), new Pad([1, 1], { value: 0.5 }));
    pads.initialize();
    assert.deepEqual(checkClose(pads, np.random.uniform(-2, 2, [2, 3, 4, 5], { seed: 13 })), []);
    onePlan(pads);
    assert.deepEqual(pads.call(np.zeros([2, 3, 4, 5])).shape, [2, 3, 10, 12]);
  });

  test('GroupNorm and InstanceNorm (with and without gamma / beta) compile', () => {
    const net = new Sequential();
    net.add(new GroupNorm({ groups: 2 }), new InstanceNorm({ center: false }), new GroupNorm({ groups: 3, scale: false, center: false }));
    net.initialize();
    net.call(np.zeros([1, 6, 4, 5]));
    for (const p of net.collectParams().values()) p.setData(np.random.uniform(-1, 2, p.shape!, { seed: p.name.length }));
    assert.deepEqual(checkClose(net, np.random.uniform(-2, 3, [2, 6, 4, 5], { seed: 10 })), []);
    onePlan(net);
  });

  test('1-d convolutions and pooling (batch norm folded in, a residual add) compile on the (N, C, 1, W) view', () => {
    const body = new GraphBlock(
      [
        step('c0', new Conv1D(6, 3, { padding: 1 }), [{ input: 0 }]),
        step('bn', new BatchNorm(), [{ step: 0, port: 0 }]),
        step('c1', new Conv1D(6, 3, { padding: 2, dilation: 2, groups: 2 }), [{ step: 1, port: 0 }]),
        step('add', new Add(), [
          { step: 2, port: 0 },
          { step: 1, port: 0 },
        ]),
        step('mp', new MaxPool1D(2), [{ step: 3, port: 0 }]),
        step('c2', new Conv1D(4, 3, { strides: 2, activation: 'tanh' }), [{ step: 4, port: 0 }]),
        step('ap', new AvgPool1D(3, { strides: 1, padding: 1, countIncludePad: false }), [{ step: 5, port: 0 }]),
        step('gp', new GlobalMaxPool1D(), [{ step: 6, port: 0 }]),
        step('f', new Flatten(), [{ step: 7, port: 0 }]),
        step('d', new Dense(3), [{ step: 8, port: 0 }]),
      ],
      1,
      [{ step: 9, port: 0 }],
    );
    body.initialize();
    body.call(np.zeros([1, 4, 17]));
    for (const p of body.collectParams().values()) p.setData(np.random.uniform(0.2, 1.2, p.shape!, { seed: p.name.length + 1 }));
    assert.deepEqual(checkClose(body, np.random.uniform(-1, 1, [3, 4, 17], { seed: 11 })), []);
    onePlan(body);
    assert.match(body.hybridCache!.describe()[0]!, /conv1d\d+\+batchnorm\d+ → conv1d\d+\+add\d+ → maxpool1d/);
  });

  test('transposed convolutions (1-d and 2-d, strides, output padding, groups, dilation) compile', () => {
    const net = transposedConv2dChain();
    net.initialize();
    net.call(np.zeros([1, 3, 5, 4]));
    for (const p of net.collectParams().values()) p.setData(np.random.uniform(0.1, 1, p.shape!, { seed: p.name.length + 7 }));
    assert.deepEqual(checkClose(net, np.random.uniform(-1, 1, [2, 3, 5, 4], { seed: 14 })), []);
    onePlan(net);
    const one = transposedConv1dChain();
    one.initialize();
    assert.deepEqual(checkClose(one, np.random.uniform(-1, 1, [2, 3, 7], { seed: 15 })), []);
    onePlan(one);
  });
});
