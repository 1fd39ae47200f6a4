// Block.hybridize() of convolutional networks on gpu(0) (native/src/gpu_plan_conv.cc): LeNet and
// the ResNet example become ONE CUDA plan each (nothing eager), equal to eager mode on the same GPU
// (max|Δ|/max|y| ≤ 1e-5) and on the CPU (≤ 1e-4), with non-trivial batch norm statistics folded
// into the convolutions; each convolution is one kernel with its bias, residual add and activation
// in its epilogue; a standalone batch norm is a scale-and-shift instruction fused into the kernel
// before it; a replay allocates only the array it returns; a write to a batch norm's running mean
// rebuilds the plan. 1-d and 2-d geometries (strides, padding, dilation, groups), max / average /
// global pooling (average pooling in ceil mode too, eager mode's kernel); a transposed convolution joins the plan (its bias and activation in its kernel). Run without a GPU by `node scripts/cuda-emulate.mjs test/engine/gpu/hybridize-conv.test.ts`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Activation,
  Add,
  AvgPool1D,
  AvgPool2D,
  BatchNorm,
  Conv1D,
  Conv2D,
  Conv2DTranspose,
  Dense,
  Flatten,
  GlobalAvgPool1D,
  GlobalMaxPool2D,
  gpu,
  MaxPool1D,
  MaxPool2D,
  np,
  Sequential,
  type Block,
} from '../../../engine/index.ts';
import { GraphBlock } from '../../../engine/graph/graph-block.ts';
import { loadExample } from '../../../engine/graph/index.ts';
import { prepareModel } from '../../../engine/export/prepare-model.ts';
import { relDiff, step } from '../support/hybrid-check.ts';
import { checkGpu, gpuAllocations, oneGpuPlan, randomizeBatchNorms, skip, TOL_GPU } from '../support/gpu-hybrid-check.ts';

/** Kernels a plan of these steps launches: one per convolution or pooling (its epilogue included), two per Dense. */
function expectedKernels(net: Block): number {
  const steps = net
    .hybridCache!.describe()[0]!
    .replace(/^native plan on gpu\(0\): /, '')
    .split(' → ');
  return steps.reduce((n, s) => n + (/^(conv|\w*pool)/.test(s) ? 1 : /^dense/.test(s) ? 2 : 0), 0);
}

/** The plan's step labels, in order: each a regex source, followed by the block's number. */
const steps = (...names: string[]): RegExp => new RegExp(`^${names.map((n) => `${n}\\d+`).join(' → ')}$`);

/** conv → batch norm → + x → relu, as the ResNet example's blocks are. */
function residual(channels: number): GraphBlock {
  return new GraphBlock(
    [
      step('conv', new Conv2D(channels, 3, { padding: 1, useBias: false, inChannels: channels }), [{ input: 0 }]),
      step('bn', new BatchNorm({ inChannels: channels }), [{ step: 0, port: 0 }]),
      step('add', new Add(), [{ step: 1, port: 0 }, { input: 0 }]),
      step('act', new Activation('relu'), [{ step: 2, port: 0 }]),
    ],
    1,
    [{ step: 3, port: 0 }],
  );
}

describe('hybridize on gpu(0): convolutional networks as CUDA plans', { skip }, () => {
  for (const { example, batches } of [
    { example: 'lenet', batches: [1, 3] },
    { example: 'resnet', batches: [2] },
  ]) {
    test(`the ${example} example: one CUDA plan, nothing eager, equal to eager mode at batch ${batches.join(' and ')}`, async () => {
      const doc = loadExample(example);
      const model = await prepareModel(doc);
      randomizeBatchNorms(model.net, 100);
      for (const batch of batches) {
        checkGpu(model.net, np.random.uniform(-1, 1, [batch, ...doc.input.shape.slice(1)], { seed: batch + 30 }));
        oneGpuPlan(model.net, /^conv\w*\d+/);
        assert.equal(model.net.hybridCache!.nativeStats().kernels, expectedKernels(model.net), model.net.hybridCache!.describe()[0]);
      }
      const plan = model.net.hybridCache!.describe()[0]!;
      if (example === 'lenet') assert.match(plan, /^native plan on gpu\(0\): conv2d\d+ → avgpool2d\d+ → conv2d\d+ → avgpool2d\d+ → flatten\d+ →/);
      else {
        // Every batch norm folded into its convolution, every residual add and ReLU in its epilogue.
        assert.doesNotMatch(plan, /→ (batchnorm|add|relu)/, plan);
        assert.match(plan, /conv2d\d+\+batchnorm\d+\+add\d+\+relu\d+/);
      }
    });
  }

  test('a replay allocates only the array it returns; the plan allocated its buffers (and folded weights) once', async () => {
    const model = await prepareModel(loadExample('resnet'));
    model.net.resetDevice(gpu(0));
    model.net.hybridize();
    const x = np.random.uniform(-1, 1, [1, 3, 32, 32], { seed: 3 }).copyto(gpu(0));
    model.net.call(x).dispose();
    const cache = model.net.hybridCache!;
    const { buffers, bytes } = cache.nativeStats();
    for (let k = 0; k < 2; k++) {
      const before = gpuAllocations();
      const y = model.net.call(x);
      assert.equal(gpuAllocations() - before, 1, 'one device allocation per call: the returned array');
      assert.deepEqual(y.shape, [1, 10]);
      y.dispose();
    }
    assert.deepEqual([cache.nativeStats().buffers, cache.nativeStats().bytes], [buffers, bytes]);
    assert.equal(cache.builds, 1);
  });

  test('a convolution with a folded batch norm, a residual add and ReLU is one kernel, equal to eager mode', () => {
    const net = new Sequential().add(new Conv2D(8, 3, { padding: 1, inChannels: 3, activation: 'tanh' }), residual(8), residual(8));
    net.initialize();
    randomizeBatchNorms(net, 7);
    checkGpu(net, np.random.uniform(-1, 1, [2, 3, 9, 7], { seed: 11 }));
    oneGpuPlan(net, /^conv2d\d+ → (conv2d\d+\+batchnorm\d+\+add\d+\+relu\d+ → ){1}conv2d\d+\+batchnorm\d+\+add\d+\+relu\d+$/);
    assert.equal(net.hybridCache!.nativeStats().kernels, 3);
  });

  test('strides, padding, dilation and groups in 1-d and 2-d; max, average (ceil mode too) and global pooling; a batch norm fused into the pooling before it', () => {
    const net2 = new Sequential().add(
      new Conv2D(6, 3, { strides: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 3, inChannels: 3 }),
      new MaxPool2D(2, { ceilMode: true }),
      new BatchNorm({ inChannels: 6 }),
      new Activation('softrelu'),
      new AvgPool2D(3, { strides: 2, padding: 1, countIncludePad: false, ceilMode: true }),
      new Conv2D(4, 1, { activation: 'sigmoid', inChannels: 6 }),
      new GlobalMaxPool2D(),
      new Flatten(),
      new Dense(3, { inUnits: 4 }),
    );
    net2.initialize();
    randomizeBatchNorms(net2, 3);
    checkGpu(net2, np.random.uniform(-1, 1, [2, 3, 13, 11], { seed: 12 }));
    oneGpuPlan(net2, steps('conv2d', 'maxpool2d', 'batchnorm\\d+\\+softrelu', 'avgpool2d', 'conv2d', 'globalmaxpool2d', 'flatten', 'dense'));
    // conv; max pool with the batch norm and softrelu in its epilogue; avg pool; conv; global max; GEMM + bias.
    assert.equal(net2.hybridCache!.nativeStats().kernels, 7);

    const net1 = new Sequential().add(
      new Conv1D(4, 3, { strides: 2, padding: 2, dilation: 2, groups: 2, inChannels: 2 }),
      new BatchNorm({ inChannels: 4 }),
      new Activation('relu'),
      new MaxPool1D(2),
      new Conv1D(4, 2, { activation: 'tanh', inChannels: 4 }),
      new AvgPool1D(2, { padding: 1, ceilMode: true }),
      new GlobalAvgPool1D(),
      new Flatten(),
    );
    net1.initialize();
    randomizeBatchNorms(net1, 5);
    checkGpu(net1, np.random.uniform(-1, 1, [3, 2, 17], { seed: 13 }));
    oneGpuPlan(net1, /^conv1d\d+\+batchnorm\d+\+relu\d+ → maxpool1d\d+ → conv1d\d+ → avgpool1d\d+ → globalavgpool1d\d+ → flatten\d+$/);
    assert.equal(net1.hybridCache!.nativeStats().kernels, 5);
  });

  test('a write to a batch norm running mean rebuilds the plan, which then folds the new statistics', () => {
    const net = new Sequential().add(new Conv2D(4, 3, { inChannels: 2 }), new BatchNorm({ inChannels: 4 }), new Activation('relu'), new Flatten());
    net.initialize({ device: gpu(0) });
    randomizeBatchNorms(net, 21);
    net.hybridize();
    const x = np.random.uniform(-1, 1, [2, 2, 6, 6], { seed: 22 }).copyto(gpu(0));
    const before = net.call(x);
    const cache = net.hybridCache!;
    const bn = net.at<BatchNorm>(1);
    bn.runningMean.setData(np.random.uniform(-2, 2, [4], { seed: 23 }).copyto(gpu(0)));
    const after = net.call(x);
    assert.equal(cache.builds, 2, 'the write rebuilt the plan');
    net.hybridize(false);
    const eager = net.call(x);
    assert.ok(relDiff(after, eager) <= TOL_GPU, `after the write: ${relDiff(after, eager)}`);
    assert.ok(relDiff(before, eager) > 1e-2, 'the new statistics change the output');
  });

  test('a transposed convolution between a convolution and a pooling joins their CUDA plan', () => {
    const net = new Sequential().add(new Conv2D(3, 3, { inChannels: 2 }), new Conv2DTranspose(2, 3, { inChannels: 3 }), new MaxPool2D(2));
    net.initialize();
    checkGpu(net, np.random.uniform(-1, 1, [1, 2, 6, 6], { seed: 24 }));
    oneGpuPlan(net, steps('conv2d', 'conv2dtranspose', 'maxpool2d'));
  });
});
