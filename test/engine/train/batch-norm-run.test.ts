// BatchNorm in a training run (issue 11): the running statistics are updated by the training
// steps, never by the optimizer (weight decay would shrink them), used in prediction, and saved
// and loaded with the other parameters. Oracle: PyTorch's BatchNorm1d (Debian's torch 1.13) on the
// same batches. The BatchNorm is the first layer and each step's batch is the whole training set,
// so its batch statistics do not depend on the shuffle or on what the other layers learned.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { BatchNorm, cpu, Dense, NamingScope, np, Sequential, withNamingScope, type NDArray } from '../../../engine/index.ts';
import { writeArrayFile } from '../../../engine/io/array-file.ts';
import { zTrainingConfig } from '../../../engine/protocol/training-config.ts';
import { prepareRun } from '../../../engine/train/index.ts';
import { toWire, type WireArray } from '../support/numpy-oracle.ts';
import { compareRelative, runTorch } from '../support/torch-oracle.ts';

const N = 64;
const STEPS = 3;
let dir: string;
let x: NDArray;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'blocksmith-bn-run-'));
  // Three features on different scales and offsets, so the statistics are far from the initial 0 / 1.
  x = np.random
    .uniform(-1, 1, [N, 3], { seed: 5 })
    .mul(np.array([1, 3, 0.5]))
    .add(np.array([2, -1, 0.25]));
  const y = Float32Array.from({ length: N }, (_, i) => i % 2);
  await writeArrayFile(
    join(dir, 'data.npz'),
    { x: { dtype: 'float32', shape: [N, 3], data: x.toTyped() as Float32Array }, y: { dtype: 'float32', shape: [N], data: y } },
    { format: 'npz' },
  );
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function net(): Sequential {
  return withNamingScope(new NamingScope(), () => {
    const seq = new Sequential();
    seq.add(new BatchNorm({ inChannels: 3 }), new Dense(2, { inUnits: 3 }));
    seq.initialize('xavier');
    return seq;
  });
}

interface Ref {
  rm: WireArray;
  rv: WireArray;
  y: WireArray;
}

test('running statistics follow the training steps (not the optimizer), normalize in prediction, and are saved and loaded', async () => {
  const trained = net();
  const run = await prepareRun(
    trained,
    zTrainingConfig.parse({
      data: { kind: 'arrays', path: join(dir, 'data.npz'), features: 'x', label: 'y' },
      validationSize: 0,
      batchSize: N,
      epochs: STEPS,
      // Weight decay 0.5 at rate 0.5: a parameter the optimizer touched would shrink by a quarter each step.
      optimizer: { name: 'sgd', learningRate: 0.5, momentum: 0.9, wd: 0.5 },
    }),
    { device: cpu(), seed: 0 },
  );
  assert.equal((await run.start()).step, STEPS);
  const params = new Map(trained.collectParams().entries());
  const [bn, dense] = [trained.at<BatchNorm>(0), trained.at<Dense>(1)];

  // PyTorch: BatchNorm1d with Gluon's momentum 0.9 (PyTorch's 0.1), three training calls on the
  // whole set, then prediction with the trained gamma, beta and Dense.
  const [ref] = runTorch<Record<string, WireArray>, Ref>(
    String.raw`
def run(c):
    x = tensor(c['x'])
    bn = torch.nn.BatchNorm1d(3, momentum=0.1).double().train()
    for _ in range(${STEPS}):
        bn(x)
    with torch.no_grad():
        bn.weight.copy_(tensor(c['gamma'])); bn.bias.copy_(tensor(c['beta']))
    bn.eval()
    y = F.linear(bn(x), tensor(c['w']), tensor(c['b']))
    return {'rm': W(bn.running_mean), 'rv': W(bn.running_var), 'y': W(y)}
`,
    [
      {
        x: toWire(x),
        gamma: toWire(bn.gamma!.data()),
        beta: toWire(bn.beta!.data()),
        w: toWire(dense.weight.data()),
        b: toWire(dense.bias!.data()),
      },
    ],
  );
  assert.equal(ref!.error, undefined, ref!.error);
  assert.equal(compareRelative(params.get('batchnorm0_running_mean')!.data(), ref!.rm, 1e-5), null, 'running_mean');
  assert.equal(compareRelative(params.get('batchnorm0_running_var')!.data(), ref!.rv, 1e-5), null, 'running_var');
  // Prediction (no autograd.record) normalizes with the running statistics, not the batch's.
  assert.equal(compareRelative(trained.call(x), ref!.y, 1e-5), null, 'prediction');

  // Saved and loaded with the other parameters: a fresh model predicts the same.
  const file = join(dir, 'trained.params');
  await trained.saveParameters(file);
  const loaded = net();
  await loaded.loadParameters(file);
  assert.equal(compareRelative(loaded.at<BatchNorm>(0).runningVar.data(), ref!.rv, 1e-5), null, 'loaded running_var');
  assert.equal(compareRelative(loaded.call(x), ref!.y, 1e-5), null, 'prediction of the loaded model');
});
