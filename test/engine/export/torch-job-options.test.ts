// The PyTorch training job's options in real PyTorch (Debian's python3-torch, CPU, gloo): trained
// parameters seed the job (`export --params FILE.params`, or a model .safetensors as the document:
// PyTorch's forward of the job's starting model equals Blocksmith's with those values), and
// per-process batches with `--scale-lr linear` train with the scaled rate and log every field the
// editor's follower reads, with checkpoints at the interval set. Skipped, with the reason printed,
// where /usr/bin/python3 has no torch.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { np } from '../../../engine/index.ts';
import { runModel } from '../../../engine/graph/index.ts';
import { exportParameters } from '../../../engine/export/index.ts';
import { exportTorchJob } from '../../../engine/export/torch-job/torch-job.ts';
import { writeArrayFile } from '../../../engine/io/array-file.ts';
import { zTrainingConfig } from '../../../engine/protocol/training-config.ts';
import { maxRelativeError } from './relative-error.ts';
import { CONFIG, ENV, epochsOf, metrics, mnistModel, python, root, skip, TORCHRUN } from './torch-job-helpers.ts';

let work: string;
before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'blocksmith-torch-job-options-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

test(
  'trained parameters seed the job: export --params FILE.params, or a .safetensors model as the document, is what the job starts from',
  { skip },
  async () => {
    // Values no initialization gives, saved as an MXNet .params file (structural keys) and as a model .safetensors.
    const trained = await mnistModel();
    [...trained.net.collectParams().values()].forEach((p, i) => p.setData(np.random.uniform(-0.2, 0.2, p.shape!, { seed: 40 + i })));
    const params = path.join(work, 'trained.params');
    const model = path.join(work, 'trained.safetensors');
    await exportParameters(trained, params, 'mxnet');
    await exportParameters(trained, model, 'safetensors');
    const x = np.random.uniform(0, 1, [3, 784]);
    await writeArrayFile(path.join(work, 'seed-x.npy'), { dtype: 'float32', shape: [3, 784], data: x.toTyped() as Float32Array });
    const ours = runModel(trained, [x]).outputs[0]!.toTyped() as Float32Array;
    const cli = (args: string[]) =>
      execFileSync(process.execPath, [path.join(root, 'scripts/blocksmith.mjs'), 'export', ...args, '--data', 'mnist', '--epochs', '1'], {
        encoding: 'utf8',
        timeout: 120_000,
      });
    // PyTorch's forward of the job's model.py on the job's init.safetensors = Blocksmith's forward with the trained values.
    const script =
      'import sys, json, numpy as np, torch\nsys.path.insert(0, sys.argv[1])\nimport model as m\n' +
      "net = m.load_safetensors(m.Net(), sys.argv[1] + '/init.safetensors').eval()\nwith torch.no_grad():\n" +
      '    print(json.dumps(net(torch.from_numpy(np.load(sys.argv[2]))).reshape(-1).tolist()))\n';
    for (const [what, args] of [
      ['--params trained.params', [path.join(root, 'assets/examples/mnist-mlp.json'), '--params', params]],
      ['trained.safetensors as the document', [model]],
    ] as const) {
      const dir = path.join(work, `seeded-${what.includes('--params') ? 'params' : 'model'}`);
      assert.match(cli([...args, '--torch-job', dir]), /wrote the PyTorch training job .*parameters from /);
      const theirs = JSON.parse(python(['-c', script, dir, path.join(work, 'seed-x.npy')], work)) as number[];
      assert.ok(maxRelativeError(ours, theirs) < 1e-5, `${what}: the job's initial model differs by ${maxRelativeError(ours, theirs)}`);
    }
    // --seed would replace the trained values with fresh ones: refused, not silently ignored.
    const refused = spawnSync(
      process.execPath,
      [
        path.join(root, 'scripts/blocksmith.mjs'),
        'export',
        path.join(root, 'assets/examples/mnist-mlp.json'),
        '--params',
        params,
        '--seed',
        '3',
        '--data',
        'mnist',
        '--epochs',
        '1',
        '--torch-job',
        path.join(work, 'x'),
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /--seed gives the job fresh parameters/);
  },
);

test(
  'per-process batches with --scale-lr linear: 2 processes log twice the rate and every metrics field the follower reads; checkpoints at the interval set',
  { skip },
  async () => {
    const dir = path.join(work, 'scaled');
    const config = zTrainingConfig.parse({
      ...CONFIG,
      data: { kind: 'mnist', limit: 200 },
      trainSize: 160,
      validationSize: 40,
      batchSize: 10,
      optimizer: { name: 'sgd', learningRate: 0.05 },
      // The document's checkpoint interval: the job writes one every 3 steps (and at its end).
      checkpoint: { dir: path.join(work, 'unused'), everySteps: 3 },
    });
    await exportTorchJob(await mnistModel(), config, dir, { scaleLr: 'linear', perProcessBatch: true });
    const [cmd, ...pre] = TORCHRUN;
    const r = spawnSync(cmd!, [...pre, '--standalone', '--nproc_per_node=2', '--redirects', '1', '--tee', '1', 'train.py'], {
      cwd: dir,
      env: ENV,
      encoding: 'utf8',
      timeout: 300_000,
    });
    assert.equal(r.status, 0, `torchrun failed:\n${r.stdout}\n${r.stderr}`);
    const lines = await metrics(dir);
    const steps = lines.filter((l) => l.kind === 'step');
    // 10 per process on 2 processes: 20 samples a step, 160 / 20 = 8 steps, each process 80 samples.
    assert.equal(steps.at(-1)!.step, 8);
    assert.deepEqual(epochsOf(lines)[0]!.samplesPerRank, [80, 80]);
    const written = lines.filter((l) => l.kind === 'checkpoint').map((l) => l.step);
    assert.deepEqual(written, [3, 6, 8], 'checkpoints every 3 steps and at the end');
    for (const s of steps) {
      for (const key of ['step', 'epoch', 'loss', 'accuracy', 'learningRate', 'samplesPerSecond'])
        assert.equal(typeof s[key], 'number', `${key} in ${JSON.stringify(s)}`);
      assert.ok(Math.abs((s.learningRate as number) - 0.1) < 1e-12, `learning rate ${String(s.learningRate)}: 0.05 × 2 processes`);
    }
  },
);
