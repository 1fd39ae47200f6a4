// The PyTorch training job (docs/distributed.md) run in real PyTorch (Debian's python3-torch, CPU,
// gloo): torchrun with two processes trains the exported MNIST MLP for one epoch (both ranks train,
// validation accuracy ≥ 90%), its checkpoint opens in Blocksmith as a model whose forward equals
// PyTorch's and whose file is byte for byte Blocksmith's own export; one process reaches
// Blocksmith's loss after one epoch; checkpoints resume both ways; the follower reads the job.
// (torch-job-options.test.ts: seeding from trained parameters, per-process batches and rate scaling.)
// Skipped, with the reason printed, where /usr/bin/python3 has no torch.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cpu, np } from '../../../engine/index.ts';
import { buildModel, parseDocument, runModel } from '../../../engine/graph/index.ts';
import { exportParameters, openModelFile } from '../../../engine/export/index.ts';
import { exportTorchJob } from '../../../engine/export/torch-job/torch-job.ts';
import { readJobProgress } from '../../../engine/export/torch-job/job-follow.ts';
import { startJob, stopJob } from '../../../engine/export/torch-job/job-launch.ts';
import { writeArrayFile } from '../../../engine/io/array-file.ts';
import { prepareRun } from '../../../engine/train/index.ts';
import { zTrainingConfig } from '../../../engine/protocol/training-config.ts';
import { maxRelativeError } from './relative-error.ts';
import { CONFIG, ENV, epochsOf, hasTorch, metrics, mnistDocument, mnistModel, python, root, skip, TORCHRUN } from './torch-job-helpers.ts';

let work: string;
let job: string;
const documentJson = mnistDocument();

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'blocksmith-torch-job-'));
  job = path.join(work, 'job');
  if (hasTorch) await exportTorchJob(await mnistModel(), zTrainingConfig.parse(CONFIG), job);
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

test('torchrun --standalone --nproc_per_node=2: both ranks train one epoch, validation accuracy ≥ 90%, the checkpoint is the model', { skip }, async () => {
  // --redirects/--tee given explicitly: torch 1.13 on Python 3.11 cannot parse their default ('0').
  const [cmd, ...pre] = TORCHRUN;
  const r = spawnSync(cmd!, [...pre, '--standalone', '--nproc_per_node=2', '--redirects', '1', '--tee', '1', 'train.py'], {
    cwd: job,
    env: ENV,
    encoding: 'utf8',
    timeout: 400_000,
  });
  assert.equal(r.status, 0, `torchrun failed:\n${r.stdout}\n${r.stderr}`);
  const lines = await metrics(job);
  assert.equal(lines[0]!.kind, 'start');
  assert.equal(lines[0]!.worldSize, 2);
  const [epoch] = epochsOf(lines);
  assert.deepEqual(epoch!.samplesPerRank, [4000, 4000], 'each rank trains on its half of the 8,000 samples');
  assert.ok(epoch!.validationAccuracy! >= 0.9, `validation accuracy ${epoch!.validationAccuracy}`);
  assert.equal(lines.at(-1)!.kind, 'end');

  const ckpt = path.join(job, 'checkpoints', 'checkpoint-step125.safetensors');
  const { document, model } = await openModelFile(ckpt);
  assert.deepEqual(document, parseDocument(documentJson).document, 'the embedded document is the exported one');
  // Byte for byte what Blocksmith writes for these values: the same header, order and metadata.
  await exportParameters(model, path.join(work, 'again.safetensors'), 'safetensors');
  assert.ok((await readFile(ckpt)).equals(await readFile(path.join(work, 'again.safetensors'))), 'the job writes checkpoints as Blocksmith does');

  // Blocksmith's forward of the checkpoint = PyTorch's forward of model.py with the same file.
  const x = np.random.uniform(0, 1, [5, 784]);
  await writeArrayFile(path.join(work, 'x.npy'), { dtype: 'float32', shape: [5, 784], data: x.toTyped() as Float32Array });
  const script =
    'import sys, json, numpy as np, torch\nsys.path.insert(0, sys.argv[1])\nimport model as m\n' +
    'net = m.load_safetensors(m.Net(), sys.argv[2]).eval()\nwith torch.no_grad():\n' +
    '    print(json.dumps(net(torch.from_numpy(np.load(sys.argv[3]))).reshape(-1).tolist()))\n';
  const torchOut = JSON.parse(python(['-c', script, job, ckpt, path.join(work, 'x.npy')], work)) as number[];
  const ours = runModel(model, [x]).outputs[0]!.toTyped() as Float32Array;
  assert.ok(maxRelativeError(ours, torchOut) < 1e-5, `forward differs: ${maxRelativeError(ours, torchOut)}`);
});

test("the follower reads the finished job: status, loss points, history and the checkpoint's parameter summaries", { skip }, async () => {
  const progress = await readJobProgress(job);
  assert.equal(progress.status.state, 'finished');
  assert.equal(progress.status.step, 125);
  assert.equal(progress.worldSize, 2);
  assert.ok(progress.steps.length >= 10 && progress.steps.every((p) => p.loss !== null));
  assert.ok(progress.status.history[0]!.validationAccuracy! >= 0.9);
  assert.equal(progress.checkpoint?.step, 125);
  const weight = progress.parameters.find((p) => p.name === 'dense0_weight')!;
  assert.deepEqual(weight.shape, [256, 784]);
  assert.equal(
    weight.histogram.counts.reduce((a, b) => a + b, 0),
    256 * 784,
  );
  const again = await readJobProgress(job, { knownCheckpointStep: 125 });
  assert.deepEqual(again.parameters, [], 'a known checkpoint is not summarized again');
});

test("one process, same seed: the loss after one epoch is Blocksmith's (same batches), and within a few percent with torch's shuffle", { skip }, async () => {
  const out = path.join(work, 'single');
  python(['train.py', '--out', out], job);
  const [theirs] = epochsOf(await metrics(out));
  const model = await mnistModel();
  const run = await prepareRun(model.net, zTrainingConfig.parse(CONFIG), { device: cpu(), seed: 0 });
  const ours = (await run.start()).history[0]!;
  const off = (a: number | null, b: number | null) => Math.abs(a! - b!) / b!;
  // Same initial values, samples, batches (Blocksmith's epoch order) and update rule: only the
  // float rounding of two matmul libraries differs (measured: 0.5638353 both, 7 digits).
  assert.ok(off(theirs!.trainLoss, ours.trainLoss) < 1e-3, `train loss: job ${theirs!.trainLoss}, Blocksmith ${ours.trainLoss}`);
  assert.ok(off(theirs!.validationLoss, ours.validationLoss) < 1e-3, `validation loss: job ${theirs!.validationLoss}, Blocksmith ${ours.validationLoss}`);
  assert.ok(Math.abs(theirs!.validationAccuracy! - ours.validationAccuracy!) <= 0.002);

  // DistributedSampler's own order: other batches of the same samples, the same loss within a few percent.
  const torchOrder = path.join(work, 'single-torch-shuffle');
  python(['train.py', '--shuffle', 'torch', '--out', torchOrder], job);
  const [shuffled] = epochsOf(await metrics(torchOrder));
  assert.ok(off(shuffled!.trainLoss, ours.trainLoss) < 0.05, `train loss: job (torch shuffle) ${shuffled!.trainLoss}, Blocksmith ${ours.trainLoss}`);
  assert.ok(Math.abs(shuffled!.validationAccuracy! - ours.validationAccuracy!) < 0.03);
});

test('resuming both ways: a job checkpoint continues in Blocksmith, a Blocksmith checkpoint continues the job', { skip }, async () => {
  // The job's training checkpoint → Blocksmith's resumeFrom: it goes on from step 125 to the end of epoch 2.
  const model = await mnistModel();
  const resumed = await prepareRun(
    model.net,
    zTrainingConfig.parse({ ...CONFIG, epochs: 2, resumeFrom: path.join(job, 'checkpoints', 'checkpoint-step125.npz') }),
    { device: cpu(), seed: 0 },
  );
  assert.equal(resumed.step, 125);
  const status = await resumed.start();
  assert.equal(status.step, 250);
  assert.equal(status.history.length, 2);
  assert.ok(status.history[1]!.validationAccuracy! >= status.history[0]!.validationAccuracy! - 0.01);

  // Blocksmith's checkpoint at step 100 (mid-epoch) → train.py --resume: the job trains the last 25 steps.
  const dir = path.join(work, 'bs-checkpoints');
  const fresh = await mnistModel();
  await (await prepareRun(fresh.net, zTrainingConfig.parse({ ...CONFIG, checkpoint: { dir, everySteps: 100 } }), { device: cpu(), seed: 0 })).start();
  const out = path.join(work, 'from-blocksmith');
  python(['train.py', '--resume', path.join(dir, 'checkpoint-step100.npz'), '--out', out], job);
  const lines = await metrics(out);
  assert.equal(lines[0]!.step, 100);
  assert.equal(lines.at(-1)!.step, 125);
  assert.ok(epochsOf(lines)[0]!.validationAccuracy! >= 0.9);
  // The job trained the very batches 101-125 the uninterrupted Blocksmith run trained, from its
  // parameters and momentum: it ends where that run ended, to float rounding.
  const { model: ended } = await openModelFile(path.join(out, 'checkpoints', 'checkpoint-step125.safetensors'));
  const endedParams = new Map(ended.net.collectParams().entries());
  for (const [name, p] of fresh.net.collectParams().entries()) {
    const q = endedParams.get(name)!;
    const err = maxRelativeError(q.data().toTyped() as Float32Array, p.data().toTyped() as Float32Array);
    assert.ok(err < 1e-4, `${name}: the resumed job differs from Blocksmith's run by ${err}`);
  }
});

test('blocksmith export DOC.json --torch-job DIR writes the job directory', { skip }, async () => {
  const dir = path.join(work, 'cli-job');
  const stdout = execFileSync(
    process.execPath,
    [
      path.join(root, 'scripts/blocksmith.mjs'),
      'export',
      path.join(root, 'assets/examples/mnist-mlp.json'),
      '--torch-job',
      dir,
      '--data',
      'mnist',
      '--epochs',
      '1',
      '--lr',
      '0.05',
      '--nproc',
      '4',
      '--scale-lr',
      'linear',
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  assert.match(stdout, /torchrun --standalone --nproc_per_node=4 train\.py/);
  const settings = JSON.parse(await readFile(path.join(dir, 'job.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(settings.optimizer, { name: 'sgd', learningRate: 0.05, momentum: 0.9 });
  assert.equal(settings.scale_lr, 'linear');
  assert.match(await readFile(path.join(dir, 'README.md'), 'utf8'), /--nnodes=2 --nproc_per_node=4 .*--rdzv_endpoint=HOST:29400 train\.py/);
  python(['-m', 'py_compile', 'train.py', 'blocksmith_job.py', 'model.py'], dir);
  await writeFile(path.join(dir, 'touched'), '');
});

test("started from the editor's engine: torchrun runs the job, the follower sees it train, stopJob stops it", { skip }, async () => {
  const dir = path.join(work, 'long');
  await exportTorchJob(
    await mnistModel(),
    zTrainingConfig.parse({ ...CONFIG, data: { kind: 'mnist', limit: 200 }, trainSize: undefined, validationSize: undefined, epochs: 10_000, batchSize: 10 }),
    dir,
  );
  const started = await startJob(dir, { nprocPerNode: 1, torchrun: TORCHRUN[0] === '/usr/bin/torchrun' ? '/usr/bin/torchrun' : undefined });
  assert.equal(started.running, true);
  let progress = await readJobProgress(dir);
  for (let i = 0; i < 600 && progress.steps.length === 0; i++) {
    assert.equal(progress.process?.running, true, `torchrun ended early:\n${progress.process?.output}`);
    await new Promise((r) => setTimeout(r, 200));
    progress = await readJobProgress(dir);
  }
  assert.equal(progress.status.state, 'running');
  assert.ok(progress.steps.length > 0);
  const stopped = await stopJob(dir);
  assert.equal(stopped?.running, false);
  assert.equal(stopped?.stopped, true);
  assert.equal((await readJobProgress(dir)).status.state, 'stopped');
});

test("a job whose data does not fit the document's input is refused, with the shapes", { skip }, async () => {
  await assert.rejects(
    exportTorchJob(await mnistModel(), zTrainingConfig.parse({ data: { kind: 'spirals' }, epochs: 1 }), path.join(work, 'bad')),
    /the data's samples have shape \(2\) but the document's input is \(-1, 784\)/,
  );
});

test('a CSV referenced by path (header names, Adam, cosine schedule): the job splits it as Blocksmith does and learns as it does', { skip }, async () => {
  const rows = ['a,b,target'];
  for (let i = 0; i < 300; i++) {
    const a = Math.sin(i * 1.7),
      b = Math.cos(i * 0.9);
    rows.push(`${a},${b},${2 * a - b + 0.5}`);
  }
  const csv = path.join(work, 'table.csv');
  await writeFile(csv, `${rows.join('\n')}\n`);
  const doc = structuredClone(documentJson) as { input: { shape: number[] }; nodes: { name: string; attrs?: Record<string, unknown> }[] };
  doc.input.shape = [-1, 2];
  doc.nodes.find((n) => n.name === 'dense0')!.attrs = { units: 16, activation: 'relu' };
  doc.nodes.find((n) => n.name === 'dense1')!.attrs = { units: 1 };
  const build = () => {
    const m = buildModel(parseDocument(doc).document!, { seed: 3 });
    runModel(m, []);
    return m;
  };
  const config = zTrainingConfig.parse({
    data: { kind: 'csv', path: csv, label: 'target' },
    epochs: 6,
    batchSize: 16,
    seed: 3,
    optimizer: { name: 'adam', learningRate: 0.02 },
    schedule: { kind: 'cosine', warmupSteps: 5 },
  });
  const dir = path.join(work, 'csv-job');
  const report = await exportTorchJob(build(), config, dir);
  assert.deepEqual([report.trainSize, report.validationSize], [240, 60]);
  python(['train.py'], dir);
  const theirs = epochsOf(await metrics(dir));
  const ours = (await (await prepareRun(build().net, config, { device: cpu(), seed: 3 })).start()).history;
  assert.equal(theirs.length, 6);
  // Regression from a loss of about 1: both end far below it, and — same split, batches and rules — at the same loss.
  const first = ours[0]!.trainLoss!,
    last = ours.at(-1)!.validationLoss!,
    jobLast = theirs.at(-1)!.validationLoss!;
  assert.ok(last < first / 5, `Blocksmith's validation loss ${last} (first epoch ${first})`);
  for (const [i, e] of theirs.entries()) {
    assert.ok(
      Math.abs(e.trainLoss! - ours[i]!.trainLoss!) < 1e-3 * ours[i]!.trainLoss!,
      `epoch ${i} train loss: job ${e.trainLoss}, Blocksmith ${ours[i]!.trainLoss}`,
    );
  }
  assert.ok(Math.abs(jobLast - last) < 1e-3 * last, `validation loss: job ${jobLast}, Blocksmith ${last}`);
});

test("an .npz source by path with AdamW and global-norm clipping: the job's losses are Blocksmith's", { skip }, async () => {
  const x = Float32Array.from({ length: 400 }, (_, i) => Math.sin(i * 2.3));
  const y = Float32Array.from({ length: 200 }, (_, i) => (x[2 * i]! > x[2 * i + 1]! ? 1 : 0));
  const file = path.join(work, 'classes.npz');
  await writeArrayFile(
    file,
    { inputs: { dtype: 'float32', shape: [200, 2], data: x }, target: { dtype: 'float32', shape: [200], data: y } },
    { format: 'npz' },
  );
  const doc = structuredClone(documentJson) as { input: { shape: number[] }; nodes: { name: string; attrs?: Record<string, unknown> }[] };
  doc.input.shape = [-1, 2];
  doc.nodes.find((n) => n.name === 'dense0')!.attrs = { units: 8, activation: 'relu' };
  doc.nodes.find((n) => n.name === 'dense1')!.attrs = { units: 2 };
  const build = () => {
    const m = buildModel(parseDocument(doc).document!, { seed: 1 });
    runModel(m, []);
    return m;
  };
  const config = zTrainingConfig.parse({
    data: { kind: 'arrays', path: file, features: 'inputs' },
    epochs: 3,
    batchSize: 16,
    seed: 1,
    optimizer: { name: 'adamw', learningRate: 0.05 },
    clipGlobalNorm: 1,
  });
  const dir = path.join(work, 'npz-job');
  await exportTorchJob(build(), config, dir);
  python(['train.py'], dir);
  const theirs = epochsOf(await metrics(dir));
  const ours = (await (await prepareRun(build().net, config, { device: cpu(), seed: 1 })).start()).history;
  for (const [i, e] of theirs.entries()) {
    assert.ok(
      Math.abs(e.trainLoss! - ours[i]!.trainLoss!) < 1e-3 * ours[i]!.trainLoss!,
      `epoch ${i} train loss: job ${e.trainLoss}, Blocksmith ${ours[i]!.trainLoss}`,
    );
    assert.equal(e.trainAccuracy, ours[i]!.trainAccuracy);
  }
});
