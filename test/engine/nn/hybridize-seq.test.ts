// Block.hybridize() on Transformer layers (engine/nn/hybrid-seq-ops.ts, native/src/net_plan_seq.cc):
// the char-transformer example (int32 ids → Embedding → learned positions → 2 causal encoder
// blocks → LayerNorm → tied Dense) compiles to one native plan whose outputs equal the eager
// forward; so do small nets of Embedding (float ids), sinusoidal positions, LayerNorm over two
// axes, RMSNorm, MultiHeadAttention (self, cross, causal), ScaledDotProductAttention and the shape
// layers (Transpose, Reshape, SequenceMean, SequenceLast, Slice, Concat, Multiply, Softmax),
// GroupNorm, InstanceNorm, PReLU, Clip, the activation layers, 1-d and transposed convolutions, 1-d pooling. What the
// plan leaves to eager mode (a key-padding mask, kept attention weights) splits it and says why;
// an id out of range fails the call with an error; parameter writes rebuild the plan.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Add,
  autograd,
  AvgPool1D,
  BatchNorm,
  Block,
  Clip,
  Pad,
  PReLU,
  Conv1D,
  Conv1DTranspose,
  Conv2DTranspose,
  Flatten,
  GlobalMaxPool1D,
  MaxPool1D,
  Concat,
  LogSoftmax,
  Multiply,
  Slice,
  Softmax,
  Dense,
  ELU,
  Embedding,
  GELU,
  GroupNorm,
  InstanceNorm,
  HardSigmoid,
  HardSwish,
  LeakyReLU,
  SELU,
  SiLU,
  Softplus,
  Swish,
  Lambda,
  LayerNorm,
  MultiHeadAttention,
  np,
  PositionalEncoding,
  RMSNorm,
  Reshape,
  ScaledDotProductAttention,
  SequenceLast,
  SequenceMean,
  Sequential,
  Transpose,
  captureWarnings,
  type NDArray,
} from '../../../engine/index.ts';
import { loadExample } from '../../../engine/graph/index.ts';
import { GraphBlock, type GraphStep } from '../../../engine/graph/graph-block.ts';
import { prepareModel } from '../../../engine/export/prepare-model.ts';
import { SGD, Trainer } from '../../../engine/train/index.ts';

const TOL = 1e-5;

/** max|a − b| / max|b| */
function relDiff(a: NDArray, b: NDArray): number {
  assert.deepEqual(a.shape, b.shape);
  const x = a.toTyped() as Float32Array;
  const y = b.toTyped() as Float32Array;
  let d = 0;
  let m = 1e-30;
  for (let i = 0; i < x.length; i++) {
    d = Math.max(d, Math.abs(x[i]! - y[i]!));
    m = Math.max(m, Math.abs(y[i]!));
  }
  return d / m;
}

/** Eager output, then the hybridized one (traced, then replayed): both within TOL of eager. Returns the warnings of the trace. */
function checkClose(net: Block, x: NDArray): string[] {
  net.hybridize(false);
  const eager = net.call(x);
  net.hybridize();
  const [traced, warnings] = captureWarnings(() => net.call(x));
  const replayed = net.call(x);
  assert.ok(relDiff(traced, eager) <= TOL, `traced differs by ${relDiff(traced, eager)}`);
  assert.ok(relDiff(replayed, eager) <= TOL, `replayed differs by ${relDiff(replayed, eager)}`);
  return warnings;
}

const ids = (n: number, t: number, vocab: number, dtype: 'int32' | 'float32'): NDArray =>
  np
    .array(
      Array.from({ length: n * t }, (_, i) => (i * 7 + 3 * Math.floor(i / t)) % vocab),
      { dtype },
    )
    .reshape([n, t]);

const onePlan = (net: Block): void => {
  const segments = net.hybridCache!.describe();
  assert.equal(segments.length, 1, segments.join('\n'));
  assert.match(segments[0]!, /^native plan: /);
};

const step = (key: string, block: Block, inputs: GraphStep['inputs']): GraphStep => ({ key, block, inputs, outputCount: 1 });

describe('hybridize: Transformer layers in the native plan', () => {
  test('the char-transformer example compiles to one native plan equal to eager at batch 1 and 8', async () => {
    const model = await prepareModel(loadExample('char-transformer'));
    for (const n of [1, 8]) {
      const warnings = checkClose(model.net, ids(n, 32, 28, 'int32'));
      assert.deepEqual(warnings, []);
      onePlan(model.net);
      assert.match(model.net.hybridCache!.describe()[0]!, /embedding0 → positionalencoding0 → layernorm\d → multiheadattention0/);
    }
    assert.ok(model.net.hybridCache!.nativeRuns() >= 2);
  });

  test('Embedding (whole float ids), sinusoidal and learned positions, LayerNorm over two axes, MHA, GELU Dense, RMSNorm', () => {
    for (const mode of ['sinusoidal', 'learned'] as const) {
      const net = new Sequential();
      net.add(
        new Embedding(20, 16),
        new PositionalEncoding({ mode, maxLength: 12 }),
        new LayerNorm({ axis: -2, center: false }),
        new MultiHeadAttention(2),
        new Dense(16, { flatten: false, activation: 'gelu' }),
        new RMSNorm(),
        new LayerNorm(),
      );
      net.initialize();
      net.call(ids(1, 10, 20, 'float32')); // deferred shapes
      for (const p of net.collectParams().values()) p.setData(np.random.uniform(-0.5, 1, p.shape!, { seed: p.name.length + 3 }));
      assert.deepEqual(checkClose(net, ids(3, 10, 20, 'float32')), []);
      onePlan(net);
    }
  });

  test('int32 ids made by an eager block feed a native Embedding', () => {
    const net = new Sequential();
    net.add(new Lambda((x: NDArray) => x.astype('int32')), new Embedding(10, 6), new LayerNorm());
    net.initialize();
    const warnings = checkClose(net, ids(2, 5, 10, 'float32'));
    assert.match(warnings.join('\n'), /lambda\d+ \(Lambda\)/);
    assert.deepEqual(
      net.hybridCache!.describe().map((s) => s.replace(/\d+/g, '')),
      ['eager: lambda', 'native plan: embedding → layernorm'],
    );
  });

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

  test('PReLU (one slope or one per channel), constant Pad and Clip compile; reflect padding runs eagerly', () => {
    const net = new Sequential();
    net.add(new Conv1D(4, 3), new PReLU({ inChannels: 4 }), new Pad([2, 1], { value: -0.25 }), new Clip(-0.5, 0.7), new PReLU(), new GlobalMaxPool1D());
    net.initialize();
    net.call(np.zeros([1, 2, 9]));
    for (const p of net.collectParams().values()) p.setData(np.random.uniform(-1, 1, p.shape!, { seed: p.name.length + 5 }));
    assert.deepEqual(checkClose(net, np.random.uniform(-2, 2, [3, 2, 9], { seed: 12 })), []);
    onePlan(net);
    const reflect = new Sequential();
    reflect.add(new LayerNorm(), new Pad([1, 2, 2, 1], { mode: 'reflect' }), new Pad([1, 0, 0, 2]));
    reflect.initialize();
    const w = checkClose(reflect, np.random.uniform(-2, 2, [2, 3, 4, 5], { seed: 13 }));
    assert.match(w.join('\n'), /pad\d+ \(Pad\): reflect padding runs eagerly/);
    assert.equal(reflect.hybridCache!.describe().length, 3);
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
    const net = new Sequential();
    net.add(
      new Conv2DTranspose(4, 3, { strides: 2, padding: 1, outputPadding: 1, activation: 'relu' }),
      new BatchNorm(),
      new Conv2DTranspose(6, 2, { groups: 2, dilation: 2 }),
    );
    net.initialize();
    net.call(np.zeros([1, 3, 5, 4]));
    for (const p of net.collectParams().values()) p.setData(np.random.uniform(0.1, 1, p.shape!, { seed: p.name.length + 7 }));
    assert.deepEqual(checkClose(net, np.random.uniform(-1, 1, [2, 3, 5, 4], { seed: 14 })), []);
    onePlan(net);
    const one = new Sequential();
    one.add(new Conv1DTranspose(5, 4, { strides: 3, padding: 1, activation: 'tanh' }), new Conv1D(2, 3));
    one.initialize();
    assert.deepEqual(checkClose(one, np.random.uniform(-1, 1, [2, 3, 7], { seed: 15 })), []);
    onePlan(one);
  });

  test('ScaledDotProductAttention (causal) and cross attention with separate key and value in a graph', () => {
    const sdpa = new GraphBlock(
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
    sdpa.initialize();
    assert.deepEqual(checkClose(sdpa, np.random.uniform(-1, 1, [2, 7, 5], { seed: 1 })), []);
    onePlan(sdpa);

    for (const withValue of [false, true]) {
      const cross = new GraphBlock(
        [
          step('k', new Dense(12, { flatten: false }), [{ input: 0 }]),
          step('v', new Dense(12, { flatten: false, activation: 'tanh' }), [{ input: 0 }]),
          step('att', new MultiHeadAttention(3, { causal: true }), [{ input: 0 }, { step: 0, port: 0 }, ...(withValue ? [{ step: 1, port: 0 }] : [])]),
        ],
        1,
        [{ step: 2, port: 0 }],
      );
      cross.initialize();
      cross.call(np.zeros([1, 5, 12]));
      for (const p of cross.collectParams().values()) p.setData(np.random.uniform(-0.6, 0.6, p.shape!, { seed: p.name.length }));
      assert.deepEqual(checkClose(cross, np.random.uniform(-1, 1, [4, 5, 12], { seed: 2 })), []);
      onePlan(cross);
    }
  });

  test('attention over fewer keys than queries (a sliced key): the causal mask is offset as in eager mode', () => {
    for (const causal of [true, false]) {
      const net = new GraphBlock(
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
      net.initialize();
      net.call(np.zeros([1, 5, 4]));
      for (const p of net.collectParams().values()) p.setData(np.random.uniform(-1, 1, p.shape!, { seed: p.name.length + 2 }));
      assert.deepEqual(checkClose(net, np.random.uniform(-1, 1, [2, 5, 4], { seed: 16 })), []);
      onePlan(net);
    }
  });

  test('a key-padding mask or kept attention weights run the attention eagerly, and the warning says why', () => {
    const masked = new GraphBlock(
      [
        step('mask', new Lambda((x: NDArray) => np.zeros([x.shape[0]!, x.shape[1]!])), [{ input: 0 }]),
        step('att', new MultiHeadAttention(2), [{ input: 0 }, { input: 0 }, { input: 0 }, { step: 0, port: 0 }]),
        step('ln', new LayerNorm(), [{ step: 1, port: 0 }]),
      ],
      1,
      [{ step: 2, port: 0 }],
    );
    masked.initialize();
    const warnings = checkClose(masked, np.random.uniform(-1, 1, [2, 4, 8], { seed: 3 }));
    assert.match(warnings.join('\n'), /key-padding mask input runs eagerly/);
    assert.ok(masked.hybridCache!.describe().some((s) => s.startsWith('eager: ')));

    const att = new MultiHeadAttention(2, { causal: true });
    const net = new Sequential();
    net.add(new LayerNorm(), att);
    net.initialize();
    att.keepWeights = true;
    const w = checkClose(net, np.random.uniform(-1, 1, [2, 4, 8], { seed: 4 }));
    assert.match(w.join('\n'), /keepWeights/);
    assert.deepEqual(att.lastWeights?.shape, [2, 2, 4, 4]);
  });

  test('an id outside the vocabulary fails the call with an error naming it; the plan still runs after', async () => {
    const model = await prepareModel(loadExample('char-transformer'));
    model.net.hybridize();
    const good = ids(2, 32, 28, 'int32');
    const y = model.net.call(good);
    const bad = np
      .array(
        [...(good.toTyped() as Int32Array)].map((v, i) => (i === 37 ? 28 : v)),
        { dtype: 'int32' },
      )
      .reshape([2, 32]);
    assert.throws(() => model.net.call(bad), /id 28 at position 37 is not an integer in \[0, 28\)/);
    const negative = np
      .array(
        [...(good.toTyped() as Int32Array)].map((v, i) => (i === 0 ? -1 : v)),
        { dtype: 'int32' },
      )
      .reshape([2, 32]);
    assert.throws(() => model.net.call(negative), /id -1/);
    assert.ok(relDiff(model.net.call(good), y) === 0);
  });

  test('a training step and setData rebuild the plan (outputs follow the new parameters)', async () => {
    const model = await prepareModel(loadExample('char-transformer'));
    const net = model.net;
    const x = ids(4, 32, 28, 'int32');
    checkClose(net, x);
    const before = net.hybridCache!.builds;
    const trainer = new Trainer(net.collectParams(), new SGD({ learningRate: 0.5 }));
    const g = np.random.uniform(-1, 1, [4, 32, 28], { seed: 9 });
    const loss = autograd.record(() => net.call(x).mul(g).sum());
    loss.backward();
    trainer.step(1);
    const afterStep = net.call(x);
    assert.equal(net.hybridCache!.builds, before + 1, 'the plan was rebuilt after the optimizer step');
    net.hybridize(false);
    const eager = net.call(x);
    assert.ok(relDiff(afterStep, eager) <= TOL, `after a step the plan differs by ${relDiff(afterStep, eager)}`);
    const mha = [...net.collectParams().values()].find((p) => p.name.endsWith('out_proj_weight'))!;
    net.hybridize();
    net.call(x);
    const builds = net.hybridCache!.builds;
    mha.setData(np.random.uniform(-1, 1, mha.shape!, { seed: 11 }));
    const afterSet = net.call(x);
    assert.equal(net.hybridCache!.builds, builds + 1, 'the plan was rebuilt after setData');
    net.hybridize(false);
    assert.ok(relDiff(afterSet, net.call(x)) <= TOL);
  });
});
