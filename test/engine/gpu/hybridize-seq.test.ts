// Block.hybridize() of Transformers and the layers around them on gpu(0) (native/src/gpu_plan_seq.cc,
// gpu_plan_shape.cc, cuda/gpu_plan_seq.cu): the char-transformer example (int32 ids → Embedding →
// learned positions → 2 causal encoder blocks → LayerNorm → tied Dense) becomes ONE CUDA plan,
// nothing eager, equal to eager mode on the same GPU (max|Δ|/max|y| ≤ 1e-5) and on the CPU (≤ 1e-4),
// and a replay allocates only the array it returns. So do small nets of each kind alone: Embedding
// (float ids), sinusoidal positions, RMSNorm, MultiHeadAttention (self, cross, causal, fewer keys
// than queries, separate q / k / v projections, a key-padding mask), ScaledDotProductAttention,
// Transpose, Reshape, Slice, Concat, Multiply, SequenceMean / SequenceLast, Pad, Clip and PReLU
// (fused into the elementwise kernels), GroupNorm / InstanceNorm and transposed convolutions.
// A GRU joins the plan (the recurrent cases: hybridize-rnn.test.ts); a parameter write rebuilds the plan.
// Run without a GPU by `node scripts/cuda-emulate.mjs test/engine/gpu/hybridize-seq.test.ts`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  captureWarnings,
  Clip,
  Concat,
  Conv1D,
  Dense,
  GlobalMaxPool1D,
  gpu,
  GroupNorm,
  GRU,
  InstanceNorm,
  LayerNorm,
  MultiHeadAttention,
  np,
  Pad,
  PReLU,
  Reshape,
  RMSNorm,
  SequenceLast,
  SequenceMean,
  Sequential,
  Softmax,
  Transpose,
  type Block,
} from '../../../engine/index.ts';
import { GraphBlock } from '../../../engine/graph/graph-block.ts';
import { loadExample } from '../../../engine/graph/index.ts';
import { prepareModel } from '../../../engine/export/prepare-model.ts';
import { ids, relDiff, step } from '../support/hybrid-check.ts';
import {
  crossAttention,
  embeddingChain,
  maskedAttention,
  projectedSdpa,
  separateProjections,
  slicedKeyAttention,
  sliceMultiplyConcatSteps,
  transposedConv1dChain,
  transposedConv2dChain,
} from '../support/hybrid-graphs.ts';
import { checkGpu, gpuAllocations, oneGpu, skip, TOL_GPU } from '../support/gpu-hybrid-check.ts';

/** Every parameter set to uniform values in [lo, hi) (after a first call made their shapes). */
function randomize(net: Block, lo: number, hi: number, seed: number): void {
  for (const p of net.collectParams().values()) p.setData(np.random.uniform(lo, hi, p.shape!, { seed: p.name.length + seed }));
}

describe('hybridize on gpu(0): Transformer and layout layers in CUDA plans', { skip }, () => {
  test('the char-transformer example: one CUDA plan, nothing eager, equal to eager mode; a replay allocates only its output', async () => {
    const model = await prepareModel(loadExample('char-transformer'));
    for (const n of [1, 2]) oneGpu(model.net, ids(n, 32, 28, 'int32'), /^embedding\d+ → positionalencoding\d+ → layernorm\d+ → multiheadattention\d+ → /);
    const x = ids(2, 32, 28, 'int32').copyto(gpu(0));
    const cache = model.net.hybridCache!;
    const builds = cache.builds;
    for (let k = 0; k < 2; k++) {
      const before = gpuAllocations();
      const y = model.net.call(x);
      assert.equal(gpuAllocations() - before, 1, 'one device allocation per call: the returned array');
      assert.deepEqual(y.shape, [2, 32, 28]);
      y.dispose();
    }
    assert.equal(cache.builds, builds);
  });

  test('Embedding (float ids), sinusoidal and learned positions, LayerNorm over two axes, MHA, GELU Dense, RMSNorm', () => {
    for (const mode of ['sinusoidal', 'learned'] as const) {
      const net = embeddingChain(mode, 8);
      net.initialize();
      net.call(ids(1, 6, 20, 'float32')); // deferred shapes
      randomize(net, -0.5, 1, 3);
      oneGpu(
        net,
        ids(3, 6, 20, 'float32').add(0.6),
        /^embedding\d+ → positionalencoding\d+ → layernorm\d+ → multiheadattention\d+ → dense\d+ → rmsnorm\d+ → layernorm\d+$/,
      );
    }
  });

  test('RMSNorm alone, with and without its scale', () => {
    for (const scale of [true, false]) {
      const net = new Sequential().add(new RMSNorm({ scale }));
      net.initialize();
      net.call(np.zeros([1, 3, 5]));
      if (scale) randomize(net, 0.5, 1.5, 1);
      oneGpu(net, np.random.uniform(-2, 2, [2, 3, 5], { seed: 30 }), /^rmsnorm\d+$/);
    }
  });

  test('ScaledDotProductAttention (causal) over Dense projections in a graph', () => {
    const sdpa = projectedSdpa();
    sdpa.initialize();
    oneGpu(sdpa, np.random.uniform(-1, 1, [2, 5, 5], { seed: 1 }));
  });

  test('cross attention (key, key and value), causal and not, separate q / k / v projections', () => {
    for (const [withValue, causal] of [
      [false, true],
      [true, false],
    ] as const) {
      const cross = crossAttention(6, causal, withValue);
      cross.initialize();
      cross.call(np.zeros([1, 4, 6]));
      randomize(cross, -0.6, 0.6, 0);
      oneGpu(cross, np.random.uniform(-1, 1, [2, 4, 6], { seed: 2 }));
    }
    const sep = separateProjections();
    sep.initialize();
    sep.call(np.zeros([1, 4, 8]));
    randomize(sep, -0.7, 0.7, 4);
    oneGpu(sep, np.random.uniform(-1, 1, [2, 4, 8], { seed: 17 }));
  });

  test('attention over fewer keys than queries (a sliced key): the causal mask is offset as in eager mode', () => {
    for (const causal of [true, false]) {
      const net = slicedKeyAttention(causal);
      net.initialize();
      net.call(np.zeros([1, 5, 4]));
      randomize(net, -1, 1, 2);
      oneGpu(net, np.random.uniform(-1, 1, [2, 5, 4], { seed: 16 }));
    }
  });

  test('a key-padding mask is read by the CUDA plan; kept attention weights run the attention eagerly, with the reason', () => {
    // The mask: keys whose first feature is negative are ignored (made by an eager Lambda).
    const masked = maskedAttention();
    masked.initialize();
    const x = np.random.uniform(-1, 1, [3, 5, 4], { seed: 3 });
    const [, warnings] = captureWarnings(() => checkGpu(masked, x));
    assert.match(warnings.join('\n'), /lambda\d+ \(Lambda\)/);
    assert.deepEqual(
      masked.hybridCache!.describe().map((s) => s.replace(/\d+/g, '')),
      ['eager: lambda', 'native plan on gpu(): multiheadattention → layernorm'],
    );
    const att = new MultiHeadAttention(2, { causal: true });
    const net = new Sequential().add(new LayerNorm(), att);
    net.initialize({ device: gpu(0) });
    att.keepWeights = true;
    const xk = np.random.uniform(-1, 1, [2, 4, 8], { seed: 4 }).copyto(gpu(0));
    net.call(xk); // deferred initialization, eagerly: the first trace (and its one warning) then sees the kept weights
    net.hybridize();
    const [, kept] = captureWarnings(() => net.call(xk));
    assert.match(kept.join('\n'), /keepWeights/);
    assert.deepEqual(att.lastWeights?.shape, [2, 2, 4, 4]);
  });

  test('Transpose, Reshape, Slice, Multiply, Concat, Softmax, SequenceMean and SequenceLast in a graph are one CUDA plan', () => {
    const net = new GraphBlock(
      [
        ...sliceMultiplyConcatSteps(),
        step('t', new Transpose([2, 0, 1]), [{ step: 4, port: 0 }]),
        step('s', new Softmax(0), [{ step: 5, port: 0 }]),
        step('r', new Reshape([-1]), [{ step: 6, port: 0 }]),
        step('mean', new SequenceMean(0), [{ step: 5, port: 0 }]),
        step('last', new SequenceLast(0), [{ step: 5, port: 0 }]),
        step('o', new Concat(1), [
          { step: 8, port: 0 },
          { step: 9, port: 0 },
        ]),
        step('all', new Concat(0), [
          { step: 7, port: 0 },
          { step: 10, port: 0 },
        ]),
      ],
      1,
      [{ step: 11, port: 0 }],
    );
    net.initialize();
    net.call(np.zeros([2, 6, 8]));
    const y = oneGpu(net, np.random.uniform(-2, 2, [2, 6, 8], { seed: 9 }));
    assert.deepEqual(y.shape, [18, 8]);
  });

  test('Clip and PReLU fuse into the kernels before them; Pad (constant, reflect, replicate) runs eager mode’s kernel', () => {
    const net = new Sequential();
    net.add(new Conv1D(4, 3), new PReLU({ inChannels: 4 }), new Pad([2, 1], { value: -0.25 }), new Clip(-0.5, 0.7), new PReLU(), new GlobalMaxPool1D());
    net.initialize();
    net.call(np.zeros([1, 2, 9]));
    randomize(net, -1, 1, 5);
    oneGpu(net, np.random.uniform(-2, 2, [3, 2, 9], { seed: 12 }));
    // conv + PReLU; pad; Clip + PReLU; pooling.
    assert.equal(net.hybridCache!.nativeStats().kernels, 4);
    const pads = new Sequential();
    pads.add(new LayerNorm(), new Pad([1, 2, 2, 1], { mode: 'reflect' }), new Pad([1, 0, 0, 2], { mode: 'replicate' }), new Pad([1, 1], { value: 0.5 }));
    pads.initialize();
    const y = oneGpu(pads, np.random.uniform(-2, 2, [2, 3, 4, 5], { seed: 13 }));
    assert.deepEqual(y.shape, [2, 3, 10, 12]);
  });

  test('GroupNorm and InstanceNorm (with and without gamma / beta) are steps of the CUDA plan, alone and in a chain', () => {
    const x = np.random.uniform(-2, 3, [2, 6, 3, 4], { seed: 10 });
    // Alone: a norm after another per-channel norm would hide the first one's gamma and beta.
    for (const norm of [new GroupNorm({ groups: 2 }), new InstanceNorm(), new GroupNorm({ groups: 3, scale: false, center: false })]) {
      const net = new Sequential().add(norm);
      net.initialize();
      net.call(np.zeros([1, 6, 3, 4]));
      randomize(net, -1, 2, 0);
      oneGpu(net, x);
    }
    const net = new Sequential();
    net.add(new GroupNorm({ groups: 2 }), new InstanceNorm({ center: false }), new GroupNorm({ groups: 3, scale: false, center: false }));
    net.initialize();
    net.call(np.zeros([1, 6, 3, 4]));
    randomize(net, -1, 2, 0);
    oneGpu(net, x, /^groupnorm\d+ → instancenorm\d+ → groupnorm\d+$/);
  });

  test('transposed convolutions (1-d and 2-d, strides, output padding, groups, dilation) with their bias and activation in the kernel', () => {
    const net = transposedConv2dChain();
    net.initialize();
    net.call(np.zeros([1, 3, 4, 3]));
    randomize(net, 0.1, 1, 7);
    oneGpu(net, np.random.uniform(-1, 1, [2, 3, 4, 3], { seed: 14 }), /^conv2dtranspose\d+ → batchnorm\d+ → conv2dtranspose\d+$/);
    // deconv + bias + ReLU + batch norm; deconv + bias.
    assert.equal(net.hybridCache!.nativeStats().kernels, 2);
    const one = transposedConv1dChain();
    one.initialize();
    oneGpu(one, np.random.uniform(-1, 1, [2, 3, 7], { seed: 15 }));
  });

  test('a GRU between two Dense layers is one CUDA plan with them (the recurrent cases: hybridize-rnn.test.ts)', () => {
    const net = new Sequential().add(new Dense(4, { flatten: false, inUnits: 3 }), new GRU(5, { inputSize: 4 }), new Dense(2, { flatten: false, inUnits: 5 }));
    net.initialize();
    oneGpu(net, np.random.uniform(-1, 1, [3, 2, 3], { seed: 18 }), /^dense\d+ → gru\d+ → dense\d+$/);
  });

  test('a write to an attention weight rebuilds the plan, which then reads the new weights', () => {
    const net = new Sequential().add(new MultiHeadAttention(2, { causal: true }), new RMSNorm());
    net.initialize({ device: gpu(0) });
    net.hybridize();
    const x = np.random.uniform(-1, 1, [2, 4, 6], { seed: 19 }).copyto(gpu(0));
    const before = net.call(x);
    const cache = net.hybridCache!;
    assert.equal(cache.builds, 1);
    const w = [...net.collectParams().values()].find((p) => p.name.endsWith('out_proj_weight'))!;
    w.setData(np.random.uniform(-1, 1, w.shape!, { seed: 20 }).copyto(gpu(0)));
    const after = net.call(x);
    assert.equal(cache.builds, 2, 'the write rebuilt the plan');
    net.hybridize(false);
    const eager = net.call(x);
    assert.ok(relDiff(after, eager) <= TOL_GPU, `after the write: ${relDiff(after, eager)}`);
    assert.ok(relDiff(before, eager) > 1e-2, 'the new weights change the output');
  });
});
