// A LeNet training step (the lenet example: forward, softmax cross-entropy, backward, SGD with
// momentum) at batch 64 on the CPU, against the same network written in PyTorch on the same
// machine and thread count. Both start from the same architecture and input; ratio = engine time /
// PyTorch time (below 1 the engine is faster). Part of the conv suite.

import { execFileSync } from 'node:child_process';
import { autograd, np } from '../../engine/index.ts';
import { loadExample } from '../../engine/graph/index.ts';
import { prepareModel } from '../../engine/export/prepare-model.ts';
import { SGD, SoftmaxCrossEntropyLoss, Trainer } from '../../engine/train/index.ts';
import { timePerCall, type Timing } from './timing.ts';

const BATCH = 64;

const TORCH_LENET = String.raw`
import json, sys, time, torch
from torch import nn
cfg = json.loads(sys.argv[1])
torch.set_num_threads(cfg['threads'])
net = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.Sigmoid(), nn.AvgPool2d(2, 2), nn.Conv2d(6, 16, 5), nn.Sigmoid(), nn.AvgPool2d(2, 2),
                    nn.Flatten(), nn.Linear(400, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10))
opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
loss = nn.CrossEntropyLoss()
x = torch.rand(cfg['batch'], 1, 28, 28); y = torch.arange(cfg['batch']) % 10
def step():
    opt.zero_grad(); l = loss(net(x), y); l.backward(); opt.step()
for _ in range(cfg['warmup']): step()
xs, start = [], time.perf_counter()
while len(xs) < cfg['minReps'] or time.perf_counter() - start < cfg['minSeconds']:
    t0 = time.perf_counter(); step(); xs.append(time.perf_counter() - t0)
xs.sort()
print(json.dumps({'median': xs[len(xs) // 2], 'best': xs[0]}))
`;

export interface LenetStepTimes {
  engine: Timing;
  torch: { median: number; best: number };
}

export async function timeLenetStep(threads: number, perCall: { minSeconds: number; minReps: number; warmup: number }): Promise<LenetStepTimes> {
  const model = await prepareModel(loadExample('lenet'));
  const trainer = new Trainer(model.net.collectParams(), new SGD({ learningRate: 0.1, momentum: 0.9 }));
  const loss = new SoftmaxCrossEntropyLoss();
  const x = np.random.uniform(0, 1, [BATCH, 1, 28, 28], { seed: 1 });
  const y = np.array(Array.from({ length: BATCH }, (_, i) => i % 10));
  const engine = timePerCall(
    () => {
      const l = autograd.record(() => loss.call(model.net.call(x), y));
      l.backward();
      trainer.step(BATCH);
      return l;
    },
    perCall,
    (l) => l.dispose(),
  );
  const torch = JSON.parse(
    execFileSync('/usr/bin/python3', ['-c', TORCH_LENET, JSON.stringify({ threads, batch: BATCH, ...perCall })], { encoding: 'utf8' }),
  ) as { median: number; best: number };
  return { engine, torch };
}
