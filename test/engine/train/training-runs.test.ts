// Training runs end to end in this process: loss goes down on the synthetic sets (and linear
// regression recovers its known weights), an MLP learns MNIST, a run resumed from a checkpoint ends
// with bit-for-bit the parameters of an uninterrupted run, and events are rate-bounded.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpu, Dense, Dropout, NamingScope, np, Sequential, withNamingScope } from '../../../engine/index.ts';
import { prepareRun, type TrainingRun } from '../../../engine/train/index.ts';
import { buildModel, parseDocument, runModel } from '../../../engine/graph/index.ts';
import { zTrainingConfig, type TrainingConfigInput, type TrainingProgress } from '../../../engine/protocol/training-config.ts';

/** A fresh network with seeded initial parameters (each call gives the same values). */
function mlp(inUnits: number, hidden: number[], out: number, dropout = 0): Sequential {
  return withNamingScope(new NamingScope(), () => {
    np.random.seed(0);
    const net = new Sequential();
    let units = inUnits;
    for (const h of hidden) {
      net.add(new Dense(h, { inUnits: units, activation: 'relu' }));
      if (dropout > 0) net.add(new Dropout(dropout));
      units = h;
    }
    net.add(new Dense(out, { inUnits: units }));
    net.initialize('xavier');
    return net;
  });
}

function start(net: Sequential, config: TrainingConfigInput, onProgress?: (p: TrainingProgress) => void, eventIntervalMs?: number): Promise<TrainingRun> {
  return prepareRun(net, zTrainingConfig.parse(config), {
    device: cpu(),
    seed: config.seed ?? 0,
    ...(onProgress ? { onProgress } : {}),
    ...(eventIntervalMs !== undefined ? { eventIntervalMs } : {}),
  });
}

test('linear regression (d2l synthetic data, w = [2, -3.4], b = 4.2): loss falls and the weights are recovered', async () => {
  const net = mlp(2, [], 1);
  const run = await start(net, { data: { kind: 'linear', samples: 1000 }, epochs: 3, batchSize: 10, optimizer: { name: 'sgd', learningRate: 0.03 } });
  const status = await run.start();
  assert.equal(status.state, 'finished');
  const losses = status.history.map((e) => e.trainLoss!);
  assert.ok(losses[2]! < losses[0]! && losses[2]! < 1e-3, JSON.stringify(losses));
  const dense = net.at<Dense>(0);
  const w = dense.weight.data().toArray() as number[][];
  assert.ok(Math.abs(w[0]![0]! - 2) < 0.01 && Math.abs(w[0]![1]! + 3.4) < 0.01, JSON.stringify(w));
  assert.ok(Math.abs(Number((dense.bias!.data().toArray() as number[])[0]) - 4.2) < 0.01);
});

test('two spirals: loss decreases and validation accuracy beats chance clearly', async () => {
  const run = await start(mlp(2, [32, 32], 2), { data: { kind: 'spirals' }, epochs: 30, batchSize: 32, optimizer: { name: 'adam', learningRate: 0.01 } });
  const { history } = await run.start();
  assert.ok(history.at(-1)!.trainLoss! < history[0]!.trainLoss! * 0.8, JSON.stringify(history.map((e) => e.trainLoss)));
  assert.ok(history.at(-1)!.validationAccuracy! > 0.75, `validation accuracy ${history.at(-1)!.validationAccuracy}`);
});

test("two spirals with one logit and sigmoid binary cross-entropy: accuracy reads the logit's sign", async () => {
  const run = await start(mlp(2, [32, 32], 1), {
    data: { kind: 'spirals' },
    loss: 'sigmoid-binary-cross-entropy',
    epochs: 30,
    batchSize: 32,
    optimizer: { name: 'adam', learningRate: 0.01 },
  });
  const { history } = await run.start();
  assert.ok(history.at(-1)!.validationAccuracy! > 0.75, `validation accuracy ${history.at(-1)!.validationAccuracy}`);
});

test('MNIST MLP 784-256-10: ≥ 90% validation accuracy after 3 epochs on 8,000 train / 2,000 validation digits (SGD 0.1, momentum 0.9, batch 64)', async () => {
  const run = await start(mlp(784, [256], 10), {
    data: { kind: 'mnist' },
    trainSize: 8000,
    validationSize: 2000,
    epochs: 3,
    batchSize: 64,
    optimizer: { name: 'sgd', learningRate: 0.1, momentum: 0.9 },
    histogramBins: 0,
  });
  const status = await run.start();
  const last = status.history.at(-1)!;
  console.log(
    `# MNIST: validation accuracy ${last.validationAccuracy}, ${status.samplesPerSecond?.toFixed(0)} samples/s, epochs ${status.history.map((e) => e.seconds.toFixed(2)).join(' / ')} s`,
  );
  assert.ok(last.validationAccuracy! >= 0.9, `validation accuracy ${last.validationAccuracy}`);
});

test('resuming from a checkpoint gives bit-for-bit the parameters of the uninterrupted run (dropout, Adam, cosine schedule)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bs-resume-'));
  try {
    const config: TrainingConfigInput = {
      data: { kind: 'spirals', perClass: 60 },
      epochs: 3,
      batchSize: 16,
      seed: 9,
      histogramBins: 0,
      optimizer: { name: 'adam', learningRate: 0.01, wd: 0.001 },
      schedule: { kind: 'cosine', warmupSteps: 3 },
      checkpoint: { dir },
    };
    const bytes = (net: Sequential) =>
      net
        .collectParams()
        .values()
        .map((p) => Buffer.from((p.data().toTyped() as Float32Array).buffer).toString('hex'));

    const straight = mlp(2, [16], 2, 0.2);
    await (await start(straight, { ...config, checkpoint: undefined })).start();

    // Stop part-way (mid-epoch: 8 batches per epoch), from the progress event of step 11.
    const interrupted = mlp(2, [16], 2, 0.2);
    let run: TrainingRun | null = null;
    run = await start(
      interrupted,
      config,
      (p) => {
        if (p.step === 11) void run!.stop();
      },
      0,
    );
    const stopped = await run.start();
    assert.equal(stopped.state, 'stopped');
    assert.equal(stopped.step, 11);
    assert.ok(stopped.checkpoint?.endsWith('checkpoint-step11.npz'));

    const resumed = mlp(2, [16], 2, 0.2); // fresh values: everything must come from the checkpoint
    const again = await start(resumed, { ...config, resumeFrom: stopped.checkpoint! });
    assert.equal(again.step, 11);
    const final = await again.start();
    assert.equal(final.state, 'finished');
    assert.equal(final.step, final.totalSteps);
    assert.deepEqual(bytes(resumed), bytes(straight));
    assert.equal(final.history.length, 3);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('periodic checkpoints land every N steps; events never exceed the interval, and no finished epoch is dropped', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'bs-ckpt-'));
  try {
    const events: TrainingProgress[] = [];
    // An interval longer than any run: the first step's event and the forced final one, which
    // carries every epoch finished in between.
    const run = await start(
      mlp(2, [8], 2),
      { data: { kind: 'spirals', perClass: 40 }, epochs: 4, batchSize: 20, checkpoint: { dir, everySteps: 3 } },
      (p) => events.push(p),
      1e9,
    );
    const status = await run.start();
    assert.deepEqual(
      events.map((e) => e.step),
      [1, 16],
    ); // 64 training rows, 4 batches × 4 epochs
    assert.deepEqual(
      events.flatMap((e) => e.epochsDone.map((d) => d.epoch)),
      [0, 1, 2, 3],
    );
    assert.equal(events[1]!.state, 'finished');
    const summary = events[1]!.parameters.find((p) => p.name === 'dense0_weight')!;
    assert.deepEqual(summary.shape, [8, 2]);
    assert.equal(
      summary.histogram.counts.reduce((a, b) => a + b, 0),
      16,
    );
    assert.ok(summary.gradNorm !== null && summary.norm! > 0);
    assert.equal(status.checkpoint, join(dir, 'checkpoint-step15.npz'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a document with a tied layer and a constant bias: training keeps the tie and never moves the constant', async () => {
  const dense = (id: string, units: number, extra: object = {}) => ({ id, kind: 'Dense', name: `dense_${id}`, attrs: { units, activation: 'relu' }, ...extra });
  const { document } = parseDocument({
    format: 'blocksmith.graph',
    version: 2,
    input: { shape: [-1, 2] },
    device: 'cpu',
    seed: 0,
    nodes: [
      { id: 'in', kind: 'Input', name: 'data' },
      dense('a', 8),
      dense('b', 8),
      dense('c', 8, { params: { weight: { tiedTo: { node: 'b', param: 'weight' } }, bias: { tiedTo: { node: 'b', param: 'bias' } } } }),
      { id: 'o', kind: 'Dense', name: 'dense_o', attrs: { units: 2 }, params: { bias: { constant: true, init: ['constant', { value: 0.5 }] } } },
      { id: 'out', kind: 'Output', name: 'output' },
    ],
    edges: ['in', 'a', 'b', 'c', 'o', 'out'].slice(1).map((t, i, all) => ({
      id: `e${i}`,
      source: { node: i === 0 ? 'in' : all[i - 1]!, port: 'output' },
      target: { node: t, port: 'data' },
    })),
    blocks: [],
  });
  const model = buildModel(document!);
  runModel(model, []);
  const [b, c, o] = ['b', 'c', 'o'].map((id) => model.blocks.get(id) as Dense);
  assert.equal(c!.weight, b!.weight);
  const before = { tied: b!.weight.data().copy(), constant: o!.bias!.data().toArray() };
  const run = await prepareRun(
    model.net,
    zTrainingConfig.parse({ data: { kind: 'spirals', perClass: 50 }, epochs: 3, batchSize: 16, optimizer: { name: 'adam', learningRate: 0.01 } }),
    { device: cpu(), seed: 0 },
  );
  assert.equal(run.options.trainer.params.filter((p) => p.param === b!.weight).length, 1);
  assert.equal((await run.start()).state, 'finished');
  assert.equal(c!.weight, b!.weight);
  assert.deepEqual(o!.bias!.data().toArray(), before.constant);
  assert.deepEqual(before.constant, [0.5, 0.5]);
  assert.ok(Number(b!.weight.data().sub(before.tied).abs().max().item()) > 0, 'the tied weight trained');
});

test('a model whose output is too small for the classes is refused before training', async () => {
  await assert.rejects(start(mlp(784, [], 5), { data: { kind: 'mnist', limit: 200 }, epochs: 1 }), /has 10 classes: end the model with Dense\(10\)/);
});

test("progress events name the block that owns each parameter (BatchNorm's running_mean included)", async () => {
  const { BatchNorm } = await import('../../../engine/index.ts');
  const net = withNamingScope(new NamingScope(), () => {
    np.random.seed(0);
    const seq = new Sequential();
    seq.add(new Dense(8, { inUnits: 2, activation: 'relu' }), new BatchNorm({ inChannels: 8 }), new Dense(2, { inUnits: 8 }));
    seq.initialize('xavier');
    return seq;
  });
  let last: TrainingProgress | undefined;
  const run = await start(
    net,
    { data: { kind: 'spirals' }, epochs: 1, batchSize: 32, optimizer: { name: 'sgd', learningRate: 0.01 } },
    (p) => {
      last = p;
    },
    0,
  );
  await run.start();
  const owners = Object.fromEntries(last!.parameters.map((p) => [p.name, p.block]));
  // Gluon's names: <block>_<parameter>, where the parameter's own name may hold '_' itself.
  assert.deepEqual(owners, {
    dense0_weight: 'dense0',
    dense0_bias: 'dense0',
    batchnorm0_gamma: 'batchnorm0',
    batchnorm0_beta: 'batchnorm0',
    batchnorm0_running_mean: 'batchnorm0',
    batchnorm0_running_var: 'batchnorm0',
    dense1_weight: 'dense1',
    dense1_bias: 'dense1',
  });
});
