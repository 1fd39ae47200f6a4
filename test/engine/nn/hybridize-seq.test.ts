// Block.hybridize() on Transformer layers (engine/nn/hybrid-seq-ops.ts, native/src/net_plan_seq.cc):
// the char-transformer example (int32 ids → Embedding → learned positions → 2 causal encoder
// blocks → LayerNorm → tied Dense) compiles to one native plan whose outputs equal the eager
// forward; so do small nets of Embedding (fractional float ids, int32 ids from an eager block),
// sinusoidal positions, LayerNorm over two axes, RMSNorm, MultiHeadAttention (self, cross,
// causal, fewer keys than queries, separate q / k / v projections, a key-padding mask) and
// ScaledDotProductAttention. Kept attention weights leave the layer to eager mode, and the warning
// says why; an id out of range fails the call with an error; parameter writes (an optimizer step,
// setData) rebuild the plan.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { autograd, Embedding, Lambda, LayerNorm, MultiHeadAttention, np, Sequential, type NDArray } from '../../../engine/index.ts';
import { loadExample } from '../../../engine/graph/index.ts';
import { prepareModel } from '../../../engine/export/prepare-model.ts';
import { SGD, Trainer } from '../../../engine/train/index.ts';
import { checkClose, ids, onePlan, relDiff, TOL } from '../support/hybrid-check.ts';
import { crossAttention, embeddingChain, maskedAttention, projectedSdpa, separateProjections, slicedKeyAttention } from '../support/hybrid-graphs.ts';

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

  test('Embedding (float ids, truncated as eager mode does), sinusoidal and learned positions, LayerNorm over two axes, MHA, GELU Dense, RMSNorm', () => {
    for (const mode of ['sinusoidal', 'learned'] as const) {
      const net = embeddingChain(mode, 16);
      net.initialize();
      net.call(ids(1, 10, 20, 'float32')); // deferred shapes
      for (const p of net.collectParams().values()) p.setData(np.random.uniform(-0.5, 1, p.shape!, { seed: p.name.length + 3 }));
      assert.deepEqual(checkClose(net, ids(3, 10, 20, 'float32').add(0.6)), []);
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

  test('ScaledDotProductAttention (causal) and cross attention with separate key and value in a graph', () => {
    const sdpa = projectedSdpa();
    sdpa.initialize();
    assert.deepEqual(checkClose(sdpa, np.random.uniform(-1, 1, [2, 7, 5], { seed: 1 })), []);
    onePlan(sdpa);

    for (const withValue of [false, true]) {
      const cross = crossAttention(12, true, withValue);
      cross.initialize();
      cross.call(np.zeros([1, 5, 12]));
      for (const p of cross.collectParams().values()) p.setData(np.random.uniform(-0.6, 0.6, p.shape!, { seed: p.name.length }));
      assert.deepEqual(checkClose(cross, np.random.uniform(-1, 1, [4, 5, 12], { seed: 2 })), []);
      onePlan(cross);
    }
  });

  test('MultiHeadAttention with separate q / k / v projections (kdim, vdim other than E) compiles', () => {
    const net = separateProjections();
    net.initialize();
    net.call(np.zeros([1, 4, 8]));
    for (const p of net.collectParams().values()) p.setData(np.random.uniform(-0.7, 0.7, p.shape!, { seed: p.name.length + 4 }));
    assert.deepEqual(checkClose(net, np.random.uniform(-1, 1, [3, 4, 8], { seed: 17 })), []);
    onePlan(net);
  });

  test('attention over fewer keys than queries (a sliced key): the causal mask is offset as in eager mode', () => {
    for (const causal of [true, false]) {
      const net = slicedKeyAttention(causal);
      net.initialize();
      net.call(np.zeros([1, 5, 4]));
      for (const p of net.collectParams().values()) p.setData(np.random.uniform(-1, 1, p.shape!, { seed: p.name.length + 2 }));
      assert.deepEqual(checkClose(net, np.random.uniform(-1, 1, [2, 5, 4], { seed: 16 })), []);
      onePlan(net);
    }
  });

  test('a key-padding mask compiles; kept attention weights run the attention eagerly, and the warning says why', () => {
    // The mask: keys whose first feature is negative are ignored (made by an eager Lambda).
    const masked = maskedAttention();
    masked.initialize();
    const x = np.random.uniform(-1, 1, [3, 6, 8], { seed: 3 });
    assert.match(checkClose(masked, x).join('\n'), /lambda\d+ \(Lambda\)/);
    assert.deepEqual(
      masked.hybridCache!.describe().map((s) => s.replace(/\d+/g, '')),
      ['eager: lambda', 'native plan: multiheadattention → layernorm'],
    );

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
    assert.throws(() => model.net.call(bad), /id 28 at position 37 is outside \[0, 28\)/);
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
