// Training throughput: a 784-1024-1024-10 MLP at batch 128 on the CPU (one full step: forward,
// softmax cross-entropy, backward, SGD with momentum), in samples/s and the FLOP rate it implies,
// against the oneDNN matmul ceiling measured in the same run (the engine's matmul at the sizes of
// the step's largest products). Goal: ≥ 50% of the ceiling.

import type { NativeAddon } from '../../engine/backend/native-addon.ts';
import { autograd, cpu, Dense, NamingScope, np, Sequential, withNamingScope, type NDArray } from '../../engine/index.ts';
import { SGD, SoftmaxCrossEntropyLoss, Trainer } from '../../engine/train/index.ts';
import type { BenchOptions } from './options.ts';
import { verdict, type Row } from './report.ts';
import { sampleInterleaved, summarize } from './timing.ts';

const LAYERS = [784, 1024, 1024, 10];
const BATCH = 128;
const GOAL = 0.5;

/** Multiply-adds of one forward pass per sample. */
const MACS_PER_SAMPLE = LAYERS.slice(1).reduce((n, units, i) => n + LAYERS[i]! * units, 0);
/** Forward (1×) + backward (2×: input and weight gradients), 2 FLOPs per multiply-add. */
const FLOPS_PER_STEP = 2 * 3 * MACS_PER_SAMPLE * BATCH;

/** The step the suite times and the matmul that sets its ceiling (contention.ts reuses both). */
export interface TrainingCase {
  /** One full step: forward, loss, backward, SGD update. */
  step: () => void;
  /** The step's three phases, for timing them apart: forward + loss under record, backward, update. */
  forward: () => NDArray;
  backward: (l: NDArray) => void;
  update: () => void;
  /** The engine's oneDNN matmul on the step's biggest product shape, [128, 1024]·[1024, 1024]. */
  matmul: () => { dispose(): void };
  matmulFlops: number;
}

export function trainingCase(): TrainingCase {
  const net = withNamingScope(new NamingScope(), () => {
    np.random.seed(0);
    const s = new Sequential();
    for (let i = 1; i < LAYERS.length; i++)
      s.add(new Dense(LAYERS[i]!, { inUnits: LAYERS[i - 1]!, ...(i < LAYERS.length - 1 ? { activation: 'relu' as const } : {}) }));
    s.initialize('xavier', { device: cpu() });
    return s;
  });
  const loss = new SoftmaxCrossEntropyLoss();
  const trainer = new Trainer(net.collectParams(), new SGD({ learningRate: 0.01, momentum: 0.9 }));
  const x = np.random.uniform(0, 1, [BATCH, 784], { seed: 1 });
  const y = np.array(Array.from({ length: BATCH }, (_, i) => i % 10));
  const forward = (): NDArray => autograd.record(() => loss.call(net.call(x), y));
  const step = () => {
    const l = forward();
    l.backward();
    trainer.step(BATCH);
    l.dispose();
  };
  const a = np.random.uniform(-1, 1, [BATCH, 1024], { seed: 2 });
  const b = np.random.uniform(-1, 1, [1024, 1024], { seed: 3 });
  return { step, forward, backward: (l) => l.backward(), update: () => trainer.step(BATCH), matmul: () => np.dot(a, b), matmulFlops: 2 * BATCH * 1024 * 1024 };
}

export function runTrainingSuite(_addon: NativeAddon, options: BenchOptions, log: (s: string) => void): { rows: Row[]; figures: unknown } {
  const { step, forward, backward, update, matmul, matmulFlops } = trainingCase();
  const perCall = { minSeconds: options.minSeconds * 4, minReps: options.minReps * 4, warmup: options.warmup + 2 };
  const samples = sampleInterleaved(
    [
      { name: 'step', call: step },
      { name: 'matmul', call: matmul, cleanup: (r) => (r as ReturnType<typeof matmul>).dispose() },
    ],
    perCall,
  );
  // Where a step's time goes (separate, untimed by the interleaving above): forward + loss under
  // record, backward, optimizer update.
  const phases = { forward: [] as number[], backward: [] as number[], update: [] as number[] };
  for (let i = 0; i < Math.max(10, options.minReps * 2); i++) {
    const t0 = performance.now();
    const l = forward();
    const t1 = performance.now();
    backward(l);
    const t2 = performance.now();
    update();
    const t3 = performance.now();
    l.dispose();
    phases.forward.push((t1 - t0) / 1e3);
    phases.backward.push((t2 - t1) / 1e3);
    phases.update.push((t3 - t2) / 1e3);
  }
  const phaseTimes = { forward: summarize(phases.forward), backward: summarize(phases.backward), update: summarize(phases.update) };
  const stepTime = summarize(samples.step!);
  const matmulTime = summarize(samples.matmul!);
  const samplesPerSecond = BATCH / stepTime.median;
  const gflops = FLOPS_PER_STEP / stepTime.median / 1e9;
  const ceiling = matmulFlops / matmulTime.median / 1e9;
  const ratio = gflops / ceiling;
  log(
    `MLP ${LAYERS.join('-')} batch ${BATCH}: ${(stepTime.median * 1e3).toFixed(2)} ms/step, ${samplesPerSecond.toFixed(0)} samples/s, ` +
      `${gflops.toFixed(1)} GFLOP/s; matmul ceiling ${ceiling.toFixed(1)} GFLOP/s (${(ratio * 100).toFixed(0)}%)`,
  );
  log(
    `  phases (median ms): forward+loss ${(phaseTimes.forward.median * 1e3).toFixed(2)}, backward ${(phaseTimes.backward.median * 1e3).toFixed(2)}, ` +
      `update ${(phaseTimes.update.median * 1e3).toFixed(2)}`,
  );
  const rows: Row[] = [
    {
      suite: 'training',
      benchmark: `MLP ${LAYERS.join('-')} batch ${BATCH} train step`,
      value: gflops,
      best: FLOPS_PER_STEP / stepTime.best / 1e9,
      unit: 'GFLOP/s',
      peerName: 'oneDNN matmul',
      peerValue: ceiling,
      ratio,
      ratioStyle: 'percent',
      goal: `≥ ${GOAL * 100}%`,
      verdict: verdict(ratio >= GOAL),
    },
    {
      suite: 'training',
      benchmark: `MLP ${LAYERS.join('-')} batch ${BATCH} throughput`,
      value: samplesPerSecond,
      unit: 'samples/s',
      peerName: '',
      peerValue: null,
      ratio: null,
      ratioStyle: 'percent',
      goal: '',
      verdict: 'info',
    },
  ];
  return {
    rows,
    figures: {
      layers: LAYERS,
      batch: BATCH,
      flopsPerStep: FLOPS_PER_STEP,
      step: stepTime,
      phases: phaseTimes,
      matmul: matmulTime,
      samplesPerSecond,
      gflops,
      ceiling,
      ratio,
    },
  };
}
