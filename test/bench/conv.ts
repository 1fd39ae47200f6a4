// Convolution and pooling on the CPU against PyTorch on the same machine and thread count: conv2d
// forward (inference) and forward + backward (dx, dw, db) at LeNet's and a ResNet block's sizes,
// 2x2 max pooling forward + backward, and a whole LeNet training step (lenet-step.ts). PyTorch runs in one /usr/bin/python3 process timing
// the same shapes with the same repetition rules; ratios are engine time / PyTorch time.

import { execFileSync } from 'node:child_process';
import type { NativeAddon } from '../../engine/backend/native-addon.ts';
import { autograd, np, npx, type NDArray } from '../../engine/index.ts';
import type { BenchOptions } from './options.ts';
import { verdict, type Row } from './report.ts';
import { timePerCall, type Timing } from './timing.ts';
import { timeLenetStep } from './lenet-step.ts';

interface ConvCase {
  name: string;
  x: number[];
  w: number[];
  padding: number;
  strides: number;
}
const CONVS: ConvCase[] = [
  { name: 'LeNet conv1 (64,1,28,28) 6x5x5 pad 2', x: [64, 1, 28, 28], w: [6, 1, 5, 5], padding: 2, strides: 1 },
  { name: 'LeNet conv2 (64,6,14,14) 16x5x5', x: [64, 6, 14, 14], w: [16, 6, 5, 5], padding: 0, strides: 1 },
  { name: 'ResNet 3x3 (16,64,28,28) 64x3x3 pad 1', x: [16, 64, 28, 28], w: [64, 64, 3, 3], padding: 1, strides: 1 },
];
const POOL_X = [64, 6, 28, 28];
const GOAL = 1.0;

const TORCH_SCRIPT = String.raw`
import json, sys, time, torch
import torch.nn.functional as F
cfg = json.loads(sys.argv[1])
torch.set_num_threads(cfg['threads'])
def timeit(fn):
    for _ in range(cfg['warmup']): fn()
    xs, start = [], time.perf_counter()
    while len(xs) < cfg['minReps'] or time.perf_counter() - start < cfg['minSeconds']:
        t0 = time.perf_counter(); fn(); xs.append(time.perf_counter() - t0)
    xs.sort()
    return {'median': xs[len(xs) // 2], 'best': xs[0]}
out = {}
for c in cfg['convs']:
    x = torch.rand(c['x']); w = torch.rand(c['w']); b = torch.rand(c['w'][0])
    def fwd():
        with torch.no_grad(): F.conv2d(x, w, b, c['strides'], c['padding'])
    xg, wg, bg = x.clone().requires_grad_(), w.clone().requires_grad_(), b.clone().requires_grad_()
    def step():
        xg.grad = wg.grad = bg.grad = None
        y = F.conv2d(xg, wg, bg, c['strides'], c['padding']); y.backward(torch.ones_like(y))
    out[c['name']] = {'forward': timeit(fwd), 'step': timeit(step)}
px = torch.rand(cfg['poolX']).requires_grad_()
def pool_step():
    px.grad = None
    y = F.max_pool2d(px, 2); y.backward(torch.ones_like(y))
out['pool'] = {'step': timeit(pool_step)}
print(json.dumps(out))
`;

type TorchTimes = Record<string, { forward?: { median: number; best: number }; step: { median: number; best: number } }>;

function row(benchmark: string, ours: Timing, torchMedian: number): Row {
  const ratio = ours.median / torchMedian;
  return {
    suite: 'conv',
    benchmark,
    value: ours.median * 1e3,
    best: ours.best * 1e3,
    unit: 'ms',
    peerName: 'PyTorch',
    peerValue: torchMedian * 1e3,
    ratio,
    ratioStyle: 'times',
    goal: `≤ ${GOAL.toFixed(1)}×`,
    verdict: verdict(ratio <= GOAL),
  };
}

export async function runConvSuite(addon: NativeAddon, options: BenchOptions, log: (s: string) => void): Promise<{ rows: Row[]; figures: unknown }> {
  const perCall = { minSeconds: options.minSeconds, minReps: options.minReps, warmup: options.warmup };
  const threads = addon.capabilities().threads;
  const torch = JSON.parse(
    execFileSync(
      '/usr/bin/python3',
      [
        '-c',
        TORCH_SCRIPT,
        JSON.stringify({
          threads,
          convs: CONVS,
          poolX: POOL_X,
          ...perCall,
        }),
      ],
      { encoding: 'utf8' },
    ),
  ) as TorchTimes;
  const rows: Row[] = [];
  const figures: Record<string, unknown> = { threads };
  for (const c of CONVS) {
    const x = np.random.uniform(0, 1, c.x, { seed: 1 });
    const w = np.random.uniform(0, 1, c.w, { seed: 2 });
    const b = np.random.uniform(0, 1, [c.w[0]!], { seed: 3 });
    const o = { padding: c.padding, strides: c.strides };
    const forward = timePerCall(
      () => npx.conv(x, w, b, o),
      perCall,
      (y: NDArray) => y.dispose(),
    );
    [x, w, b].forEach((a) => a.attachGrad());
    const step = timePerCall(
      () => {
        const y = autograd.record(() => npx.conv(x, w, b, o));
        y.backward(1);
        return y;
      },
      perCall,
      (y: NDArray) => y.dispose(),
    );
    const t = torch[c.name]!;
    log(
      `${c.name}: forward ${(forward.median * 1e3).toFixed(2)} ms (PyTorch ${(t.forward!.median * 1e3).toFixed(2)}), ` +
        `forward+backward ${(step.median * 1e3).toFixed(2)} ms (PyTorch ${(t.step.median * 1e3).toFixed(2)})`,
    );
    rows.push(row(`conv2d ${c.name} forward`, forward, t.forward!.median), row(`conv2d ${c.name} fwd+bwd`, step, t.step.median));
    figures[c.name] = { forward, step, torch: t };
  }
  const px = np.random.uniform(0, 1, POOL_X, { seed: 4 });
  px.attachGrad();
  const poolStep = timePerCall(
    () => {
      const y = autograd.record(() => npx.pool(px, { mode: 'max', kernel: 2 }));
      y.backward(1);
      return y;
    },
    perCall,
    (y: NDArray) => y.dispose(),
  );
  log(`max pool 2x2 (${POOL_X.join(',')}) fwd+bwd ${(poolStep.median * 1e3).toFixed(2)} ms (PyTorch ${(torch.pool!.step.median * 1e3).toFixed(2)})`);
  rows.push(row(`max pool 2x2 (${POOL_X.join(',')}) fwd+bwd`, poolStep, torch.pool!.step.median));
  figures.pool = { step: poolStep, torch: torch.pool };
  const lenet = await timeLenetStep(threads, perCall);
  log(`LeNet training step, batch 64 (SGD, momentum): ${(lenet.engine.median * 1e3).toFixed(2)} ms (PyTorch ${(lenet.torch.median * 1e3).toFixed(2)})`);
  rows.push(row('LeNet training step batch 64', lenet.engine, lenet.torch.median));
  figures.lenetStep = lenet;
  return { rows, figures };
}
