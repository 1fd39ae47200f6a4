// Block.hybridize() on gpu(0) (native/src/gpu_plan.h, engine/nn/hybrid-gpu.ts): the chapter's MLP
// examples and the anchor MLPs of issue 14 become one CUDA plan each, equal to eager mode on the
// same GPU (max|Δ|/max|y| ≤ 1e-5) and to eager mode on the CPU (≤ 1e-4: another GEMM's order of
// sums); buffers are allocated once (a replay allocates only the array it returns); a parameter
// write rebuilds the plan; a block the GPU plan does not take (a forward of its own) runs eagerly,
// named with its reason;
// Add and Multiply merges fuse into the elementwise kernel; LayerNorm and Softmax are plan steps.
// Skipped with the addon's reason when numGpus() is 0 (a failure under BLOCKSMITH_REQUIRE_GPU=1).
// Without a GPU, `node scripts/cuda-emulate.mjs test/engine/gpu/hybridize.test.ts` runs it on the
// CUDA kernels emulated on the CPU. Only the "no CUDA" case runs in a CPU-only build.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Activation,
  Add,
  captureWarnings,
  Dense,
  Flatten,
  gpu,
  Lambda,
  LayerNorm,
  LogSoftmax,
  Multiply,
  np,
  Sequential,
  Softmax,
  type NDArray,
} from '../../../engine/index.ts';
import { native } from '../../../engine/backend/backend.ts';
import { NET_OP } from '../../../engine/backend/native-addon.ts';
import { GraphBlock } from '../../../engine/graph/graph-block.ts';
import { loadExample } from '../../../engine/graph/index.ts';
import { prepareModel } from '../../../engine/export/prepare-model.ts';
import { relDiff, step } from '../support/hybrid-check.ts';
import { checkGpu, gpuAllocations, oneGpuPlan, skip, TOL_GPU } from '../support/gpu-hybrid-check.ts';

/** The anchor MLPs of issue 14 (ReLU on every hidden layer), as test/bench/contention.ts builds them. */
const ANCHORS = [
  { label: '20-256-10', inUnits: 20, units: [256, 10] },
  { label: '784-1024-1024-10', inUnits: 784, units: [1024, 1024, 10] },
  { label: '512 + 20×512 + 10', inUnits: 512, units: [...Array.from({ length: 20 }, () => 512), 10] },
];

function anchor(inUnits: number, units: number[]): Sequential {
  const net = new Sequential();
  units.forEach((u, i) =>
    net.add(new Dense(u, i + 1 < units.length ? { activation: 'relu', inUnits: i === 0 ? inUnits : units[i - 1]! } : { inUnits: units[i - 1]! })),
  );
  return net;
}

describe('hybridize on gpu(0): compiled CUDA plans', { skip }, () => {
  for (const example of ['mlp', 'mnist-mlp', 'nest-mlp']) {
    test(`the ${example} example: one CUDA plan equal to eager mode at batch 1 and 64`, async () => {
      const model = await prepareModel(loadExample(example));
      const inUnits = loadExample(example).input.shape[1]!;
      for (const batch of [1, 64]) {
        checkGpu(model.net, np.random.uniform(-1, 1, [batch, inUnits], { seed: batch + 1 }));
        oneGpuPlan(model.net, /^dense\d+\+?\w* → /);
      }
      // checkGpu hybridized anew (which starts over): batch 64 is cached, batch 1 is traced once more.
      const cache = model.net.hybridCache!;
      model.net.call(np.zeros([1, inUnits], { device: gpu(0) }));
      model.net.call(np.zeros([64, inUnits], { device: gpu(0) }));
      assert.equal(cache.size, 2, 'one plan per input shape');
      assert.equal(cache.builds, 2);
    });
  }

  for (const a of ANCHORS) {
    test(`anchor MLP ${a.label}: one CUDA plan of fused Dense steps, equal to eager mode at batch 1 and 64`, () => {
      const net = anchor(a.inUnits, a.units);
      net.initialize();
      for (const batch of [1, 64]) {
        checkGpu(net, np.random.uniform(-1, 1, [batch, a.inUnits], { seed: batch + a.units.length }));
        const hidden = a.units.length - 1;
        oneGpuPlan(net, new RegExp(`^(dense\\d+ → ){${hidden}}dense\\d+$`));
        // One GEMM per Dense, one bias + ReLU kernel per hidden Dense and one bias kernel for the last.
        const stats = net.hybridCache!.nativeStats();
        assert.equal(stats.kernels, 2 * a.units.length, `kernels per run: ${JSON.stringify(stats)}`);
      }
    });
  }

  test('buffers are allocated once: a replay allocates only the array it returns, and the plan owns the same bytes', () => {
    const net = anchor(784, [1024, 1024, 10]);
    net.initialize({ device: gpu(0) });
    net.hybridize();
    const x = np.random.uniform(-1, 1, [64, 784], { seed: 5 }).copyto(gpu(0));
    net.call(x).dispose(); // traces: the plan allocates its buffers here
    const cache = net.hybridCache!;
    const bytes = cache.nativeBytes();
    const buffers = net.hybridCache!.nativeStats().buffers;
    // The hidden activations of 1024 units share one pooled buffer per live value: two at most.
    assert.ok(buffers >= 1 && buffers <= 2, `plan buffers: ${buffers}`);
    for (let k = 0; k < 3; k++) {
      const before = gpuAllocations();
      const y = net.call(x);
      assert.equal(gpuAllocations() - before, 1, 'one device allocation per call: the returned array');
      assert.deepEqual(y.shape, [64, 10]);
      y.dispose();
    }
    assert.equal(cache.nativeBytes(), bytes);
    assert.equal(net.hybridCache!.nativeStats().buffers, buffers);
    assert.equal(cache.builds, 1);
    assert.equal(cache.nativeRuns(), 4);
  });

  test('a parameter write rebuilds the plan, which then computes with the new weights', () => {
    const net = anchor(20, [256, 10]);
    net.initialize({ device: gpu(0) });
    net.hybridize();
    const x = np.random.uniform(-1, 1, [8, 20], { seed: 6 }).copyto(gpu(0));
    const before = net.call(x);
    const cache = net.hybridCache!;
    assert.equal(cache.builds, 1);
    const dense = [...net.children.values()][1] as Dense;
    dense.weight.setData(np.random.uniform(-1, 1, [10, 256], { seed: 7 }).copyto(gpu(0)));
    const after = net.call(x);
    assert.equal(cache.builds, 2, 'the write rebuilt the plan');
    net.hybridize(false);
    const eager = net.call(x);
    assert.ok(relDiff(after, eager) <= TOL_GPU, `after the write: ${relDiff(after, eager)}`);
    assert.ok(relDiff(before, eager) > 1e-2, 'the new weights change the output');
  });

  test('Add and Multiply merges and Flatten fuse into the elementwise kernels of one CUDA plan', () => {
    const net = new GraphBlock(
      [
        step('f', new Flatten(), [{ input: 0 }]),
        step('a', new Dense(16, { activation: 'tanh' }), [{ step: 0, port: 0 }]),
        step('b', new Dense(16, { activation: 'sigmoid' }), [{ step: 0, port: 0 }]),
        step('m', new Multiply(), [
          { step: 1, port: 0 },
          { step: 2, port: 0 },
        ]),
        step('s', new Add(), [
          { step: 3, port: 0 },
          { step: 1, port: 0 },
        ]),
        step('o', new Dense(5), [{ step: 4, port: 0 }]),
      ],
      1,
      [{ step: 5, port: 0 }],
    );
    net.initialize();
    for (const batch of [1, 64]) checkGpu(net, np.random.uniform(-1, 1, [batch, 3, 4], { seed: batch + 9 }));
    oneGpuPlan(net, /^flatten\d+ → dense\d+ → dense\d+ → multiply\d+ → add\d+ → dense\d+$/);
    // Three GEMMs; tanh's bias + activation; sigmoid's bias + activation, the product and the sum in one kernel; the last bias.
    assert.equal(net.hybridCache!.nativeStats().kernels, 6);
  });

  test('a residual over two Dense layers: its operand outlives the buffers pooled in between', () => {
    // dense a is read again after b and c were computed: the pool must not hand a's buffer to them.
    const net = new GraphBlock(
      [
        step('a', new Dense(32, { activation: 'relu', inUnits: 7 }), [{ input: 0 }]),
        step('b', new Dense(32, { activation: 'tanh', inUnits: 32 }), [{ step: 0, port: 0 }]),
        step('c', new Dense(32, { inUnits: 32 }), [{ step: 1, port: 0 }]),
        step('s', new Add(), [
          { step: 2, port: 0 },
          { step: 0, port: 0 },
        ]),
        step('o', new Dense(3, { inUnits: 32 }), [{ step: 3, port: 0 }]),
      ],
      1,
      [{ step: 4, port: 0 }],
    );
    net.initialize();
    for (const batch of [1, 64]) checkGpu(net, np.random.uniform(-1, 1, [batch, 7], { seed: batch + 21 }));
    oneGpuPlan(net, /^dense\d+ → dense\d+ → dense\d+ → add\d+ → dense\d+$/);
  });

  test('a layer the GPU plan does not take runs eagerly between two CUDA plans, named with its reason', () => {
    const net = new Sequential().add(new Dense(12, { activation: 'relu', inUnits: 6 }), new Lambda((x: NDArray) => x.mul(2)), new Dense(3, { inUnits: 12 }));
    net.initialize();
    net.hybridize();
    net.resetDevice(gpu(0));
    const x = np.random.uniform(-1, 1, [4, 6], { seed: 12 }).copyto(gpu(0));
    const [traced, warnings] = captureWarnings(() => net.call(x));
    const plan = net.hybridCache!.describe();
    assert.equal(plan.length, 3, plan.join('\n'));
    assert.match(plan[0]!, /^native plan on gpu\(0\): dense\d+$/);
    assert.match(plan[1]!, /^eager: lambda\d+$/);
    assert.match(plan[2]!, /^native plan on gpu\(0\): dense\d+$/);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /lambda\d+ \(Lambda\): a forward\(\) of its own/);
    net.hybridize(false);
    assert.ok(relDiff(traced, net.call(x)) <= TOL_GPU);
  });

  test("LayerNorm, Softmax and LogSoftmax are steps of the CUDA plan on eager mode's kernels", () => {
    const net = new Sequential().add(
      new Dense(12, { activation: 'relu', inUnits: 6, flatten: false }),
      new LayerNorm(),
      new Activation('tanh'),
      new LayerNorm({ axis: 1 }),
      new Softmax(1),
      new Dense(5, { inUnits: 12, flatten: false }),
      new LogSoftmax(),
    );
    net.initialize();
    net.call(np.zeros([1, 3, 6])); // deferred initialization of the layer norms
    for (const p of net.collectParams().values()) if (/(gamma|beta)$/.test(p.name)) p.setData(np.random.uniform(0.5, 1.5, p.shape!, { seed: p.name.length }));
    for (const batch of [1, 8]) checkGpu(net, np.random.uniform(-1, 1, [batch, 3, 6], { seed: batch + 40 }));
    oneGpuPlan(net, /^dense\d+ → layernorm\d+ → tanh\d+ → layernorm\d+ → softmax\d+ → dense\d+ → logsoftmax\d+$/);
    // GEMM + bias/ReLU; layer norm; tanh; layer norm; softmax; GEMM + bias; log-softmax.
    assert.equal(net.hybridCache!.nativeStats().kernels, 9);
  });

  test('a float64 input runs eagerly on the GPU, with the reason', () => {
    const net = new Sequential().add(new Dense(4, { inUnits: 3, dtype: 'float64' }));
    net.initialize({ device: gpu(0) });
    net.hybridize();
    const [, warnings] = captureWarnings(() => net.call(np.ones([2, 3], { dtype: 'float64' }).copyto(gpu(0))));
    assert.match(warnings.join('\n'), /input float64 on gpu\(0\): compiled GPU plans run float32/);
  });
});

test('gpuPlan without CUDA fails with E_NO_CUDA and the reason', { skip: skip ? false : 'this addon has GPUs' }, () => {
  assert.throws(
    () => native().gpuPlan(0, [[1, 2]], [NET_OP.act], [[0]], [[0, 0]], [[]], [1]),
    (e: Error & { code?: string }) => e.code === 'E_NO_CUDA' && /gpuPlan/.test(e.message) && e.message.length > 'gpuPlan: '.length + 10,
  );
});
