// Speed that holds on a busy machine (issue 14): the anchor MLP forwards, LeNet and the ResNet
// example, eager and hybridized,
// against onnxruntime-node on the same weights, first on a quiet machine and then while a
// separate process keeps one core busy (a desktop always has one: the window, a browser, an
// editor); and the training step of training.ts against the oneDNN matmul ceiling, quiet and busy.
// Ratios are engine / onnxruntime time (lower is better); each case's variants run interleaved,
// so background load hits them alike. Goals (issue 14): ≤ 1.0× quiet, ≤ 1.2× busy; hybridized ≤
// eager; training ≥ 75 % of the ceiling and, busy, ≥ 0.4× of its quiet speed.

import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import * as ort from 'onnxruntime-node';
import { binding as ortBinding, initOrt } from 'onnxruntime-node/dist/binding.js';
import type { NativeAddon } from '../../engine/backend/native-addon.ts';
import { np, type NDArray } from '../../engine/index.ts';
import { exportGraph } from '../../engine/export/export-graph.ts';
import { exportOnnx } from '../../engine/export/onnx/onnx-export.ts';
import { prepareModel } from '../../engine/export/prepare-model.ts';
import { loadExample } from '../../engine/graph/index.ts';
import type { GraphDocument } from '../../engine/protocol/graph-document.ts';
import { chainDocument, type ChainLayer } from '../engine/support/chain-document.ts';
import type { BenchOptions } from './options.ts';
import { ortSessionOptions } from './ort-options.ts';
import { fmtNum, verdict, type Row } from './report.ts';
import { median, sampleInterleaved, summarize, type Timing } from './timing.ts';
import { trainingCase } from './training.ts';
import { watchLoad, type LoadReport } from './load.ts';

const dense = (units: number, i: number, relu: boolean): ChainLayer => ({
  kind: 'Dense',
  name: `dense${i}`,
  attrs: { units, ...(relu ? { activation: 'relu' } : {}) },
});

/** The anchor MLPs of issue 14: input width and layer widths (ReLU on every hidden layer). */
const MODELS = [
  { label: '20-256-10', inUnits: 20, units: [256, 10] },
  { label: '784-1024-1024-10', inUnits: 784, units: [1024, 1024, 10] },
  { label: '512 + 20×512 + 10', inUnits: 512, units: [...Array.from({ length: 20 }, () => 512), 10] },
] as const;
const BATCHES = [1, 64, 1024];
/** The convolutional examples of "Layers of real networks (1)", at these batches. */
const CONV_MODELS = [
  { example: 'lenet', label: 'LeNet', batches: [1, 64] },
  { example: 'resnet', label: 'ResNet-18-style', batches: [1, 16] },
] as const;
const TOLERANCE = 1e-4;
const GOAL_QUIET = 1.0;
const GOAL_BUSY = 1.2;
const GOAL_TRAIN = 0.75;
const GOAL_TRAIN_BUSY = 0.4;

/** A process that keeps one core busy until stopped (a plain spin loop in another node). */
function startBusyProcess(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  const kill = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', kill);
  child.once('exit', () => process.removeListener('exit', kill));
  return child;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return a.length !== b.length ? Infinity : scale === 0 ? diff : diff / scale;
}

interface ForwardCase {
  name: string;
  eager: () => NDArray;
  hybrid: () => NDArray;
  ort: () => unknown;
  /** Multiply-adds of one call: sets the repetition budget. */
  macs: number;
  release: () => void;
}

async function forwardCases(threads: number, ortSpin: boolean, only: RegExp | null, log: (s: string) => void): Promise<ForwardCase[]> {
  const sessionOptions = ortSessionOptions(threads, ortSpin);
  initOrt();
  const cases: ForwardCase[] = [];
  /** Builds one document eagerly and hybridized, exports it to onnxruntime, and adds a case per batch. */
  const addCases = async (
    label: string,
    doc: GraphDocument,
    sample: readonly number[],
    macsPerSample: number,
    allBatches: readonly number[],
  ): Promise<void> => {
    const batches = allBatches.filter((b) => !only || only.test(`${label} batch ${b}`));
    if (batches.length === 0) return;
    const model = await prepareModel(doc);
    const hybrid = await prepareModel(doc); // the same seed: the same parameters
    hybrid.net.hybridize();
    const bytes = exportOnnx(exportGraph(model));
    const session = new ortBinding.InferenceSession();
    session.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, sessionOptions);
    for (const batch of batches) {
      const name = `${label} batch ${batch}`;
      const x = np.random.uniform(-1, 1, [batch, ...sample], { seed: 11 + batch });
      const feeds = { data: new ort.Tensor('float32', x.toTyped() as Float32Array, [batch, ...sample]) };
      const c: ForwardCase = {
        name,
        macs: macsPerSample * batch,
        eager: () => model.net.call(x),
        hybrid: () => hybrid.net.call(x),
        ort: () => session.run(feeds, { output: null }, {}),
        release: () => x.dispose(),
      };
      const yOrt = (c.ort() as Record<string, { data: Float32Array }>).output!.data;
      c.hybrid().dispose(); // traces the plan
      for (const [what, f] of [
        ['eager', c.eager],
        ['hybridized', c.hybrid],
      ] as const) {
        const y = f();
        const err = relativeError(y.toTyped() as Float32Array, yOrt);
        y.dispose();
        if (!(err <= TOLERANCE)) throw new Error(`contention: ${name} ${what} disagrees with onnxruntime (max|Δ|/max|y| ${err})`);
      }
      cases.push(c);
    }
    log(`${label}: built, outputs agree with onnxruntime at batch ${batches.join(', ')}`);
  };
  for (const m of MODELS) {
    const layers = m.units.map((u, i) => dense(u, i, i + 1 < m.units.length));
    const macsPerRow = m.units.reduce((n, u, i) => n + u * (i === 0 ? m.inUnits : m.units[i - 1]!), 0);
    await addCases(`MLP ${m.label}`, chainDocument(layers, [-1, m.inUnits], { seed: 5 }), [m.inUnits], macsPerRow, BATCHES);
  }
  // Convolutions: ~0.4 (LeNet) and ~40 (ResNet) million multiply-adds per sample; only the repetition budget reads it.
  for (const m of CONV_MODELS) {
    const doc = loadExample(m.example);
    await addCases(m.label, doc, doc.input.shape.slice(1), m.example === 'lenet' ? 4e5 : 4e7, m.batches);
  }
  return cases;
}

interface Measured {
  eager: Timing;
  hybrid: Timing;
  ort: Timing;
}

function timeCase(c: ForwardCase, options: BenchOptions): Measured {
  // ~2 GFLOP/s-µs budget: many calls for the µs cases, a few for the 100 ms ones.
  const big = c.macs > 2e8;
  const s = sampleInterleaved(
    [
      { name: 'eager', call: c.eager, cleanup: (r) => (r as NDArray).dispose() },
      { name: 'hybrid', call: c.hybrid, cleanup: (r) => (r as NDArray).dispose() },
      { name: 'ort', call: c.ort },
    ],
    {
      minSeconds: big ? options.minSeconds : options.minSeconds / 2,
      minReps: big ? options.minReps : options.minReps * 20,
      warmup: options.warmup + 2,
      maxReps: 20_000,
    },
  );
  return { eager: summarize(s.eager!), hybrid: summarize(s.hybrid!), ort: summarize(s.ort!) };
}

interface TrainMeasured {
  step: Timing;
  matmul: Timing;
  gflops: number;
  ceiling: number;
}

function timeTraining(options: BenchOptions, t: ReturnType<typeof trainingCase>, flopsPerStep: number): TrainMeasured {
  const s = sampleInterleaved(
    [
      { name: 'step', call: t.step },
      { name: 'matmul', call: t.matmul, cleanup: (r) => (r as { dispose(): void }).dispose() },
    ],
    { minSeconds: options.minSeconds * 2, minReps: options.minReps * 2, warmup: options.warmup + 2 },
  );
  const step = summarize(s.step!);
  const matmul = summarize(s.matmul!);
  return { step, matmul, gflops: flopsPerStep / step.median / 1e9, ceiling: t.matmulFlops / matmul.median / 1e9 };
}

const times = (a: Timing, b: Timing): number => a.median / b.median;

export async function runContentionSuite(addon: NativeAddon, options: BenchOptions, log: (s: string) => void): Promise<{ rows: Row[]; figures: unknown }> {
  const threads = os.availableParallelism();
  log(
    `onnxruntime-node ${ort.env.versions.common}, intraOpNumThreads ${threads}${options.ortSpin ? ', spinning' : ', no spinning'}; addon threads ${addon.capabilities().threads}; ` +
      `busy = one \`node -e "for(;;){}"\` process beside the bench`,
  );
  const cases = await forwardCases(threads, options.ortSpin, options.cases, log);
  const train = trainingCase();
  const flopsPerStep = 2 * 3 * (784 * 1024 + 1024 * 1024 + 1024 * 10) * 128;

  // The quiet and busy phases run `rounds` times: on a shared VM one case's median moved up to
  // 1.7× between whole runs (docs/benchmarks.md, 16:55–17:06), so each row reports the median of
  // its per-round ratios (each round interleaves the variants) and the log lists every round.
  const quietRounds: Record<string, Measured>[] = [];
  const busyRounds: Record<string, Measured>[] = [];
  const trainQuietRounds: TrainMeasured[] = [];
  const trainBusyRounds: TrainMeasured[] = [];
  const quietLoads: LoadReport[] = [];
  const busyLoads: LoadReport[] = [];
  for (let round = 0; round < options.rounds; round++) {
    // "Quiet" means no busy process of ours: on a shared machine others may still be running, so
    // the share of the CPUs they used is measured and printed for each phase.
    const quiet: Record<string, Measured> = {};
    const busy: Record<string, Measured> = {};
    const stopQuiet = watchLoad();
    for (const c of cases) quiet[c.name] = timeCase(c, options);
    trainQuietRounds.push(timeTraining(options, train, flopsPerStep));
    quietLoads.push(stopQuiet());
    const child = startBusyProcess();
    try {
      await sleep(300); // let it start spinning
      const stopBusy = watchLoad();
      for (const c of cases) busy[c.name] = timeCase(c, options);
      trainBusyRounds.push(timeTraining(options, train, flopsPerStep));
      busyLoads.push(stopBusy());
    } finally {
      child.kill('SIGKILL');
    }
    quietRounds.push(quiet);
    busyRounds.push(busy);
    const share = (l: LoadReport): string => (l.background === null ? 'n/a' : `${(l.background * 100).toFixed(0)}%`);
    log(
      `round ${round + 1} of ${options.rounds}: other processes used ${share(quietLoads[round]!)} of the CPUs in the quiet phase, ` +
        `${share(busyLoads[round]!)} in the busy phase (the busy process included)`,
    );
  }
  for (const c of cases) c.release();

  const rows: Row[] = [];
  const figures: Record<string, unknown> = {
    threads,
    onnxruntime: ort.env.versions.common,
    rounds: options.rounds,
    load: { quiet: quietLoads, busy: busyLoads },
  };
  for (const c of cases) {
    const q = quietRounds.map((r) => r[c.name]!);
    const b = busyRounds.map((r) => r[c.name]!);
    const line = (m: Measured[]): string =>
      `eager ${fmtNum(median(m.map((x) => x.eager.median)) * 1e6)} µs, hybridized ${fmtNum(median(m.map((x) => x.hybrid.median)) * 1e6)} µs, ` +
      `ort ${fmtNum(median(m.map((x) => x.ort.median)) * 1e6)} µs`;
    const perRound = (m: Measured[]): string => m.map((x) => times(x.hybrid, x.ort).toFixed(2)).join(' / ');
    log(`${c.name}: quiet ${line(q)}; busy ${line(b)}; hybridized / ort per round: quiet ${perRound(q)}, busy ${perRound(b)}`);
    type Pick = (m: Measured) => Timing;
    const row = (what: string, rounds: Measured[], engine: Pick, peerName: string, peer: Pick, goal: number | null): Row => {
      const ratio = median(rounds.map((m) => times(engine(m), peer(m))));
      return {
        suite: 'contention',
        benchmark: `${c.name} ${what}`,
        value: median(rounds.map((m) => engine(m).median)) * 1e6,
        best: Math.min(...rounds.map((m) => engine(m).best)) * 1e6,
        unit: 'µs',
        peerName,
        peerValue: median(rounds.map((m) => peer(m).median)) * 1e6,
        ratio,
        ratioStyle: 'times',
        goal: goal === null ? '' : `≤ ${goal.toFixed(1)}×`,
        verdict: goal === null ? 'info' : verdict(ratio <= goal),
        loadSensitive: false,
      };
    };
    const eager: Pick = (m) => m.eager;
    const hybrid: Pick = (m) => m.hybrid;
    const onnx: Pick = (m) => m.ort;
    rows.push(
      row('eager, quiet', q, eager, 'ort', onnx, GOAL_QUIET),
      row('hybridized, quiet', q, hybrid, 'ort', onnx, GOAL_QUIET),
      row('eager, one core busy', b, eager, 'ort busy', onnx, GOAL_BUSY),
      row('hybridized, one core busy', b, hybrid, 'ort busy', onnx, GOAL_BUSY),
      row('hybridized vs eager, quiet', q, hybrid, 'eager', eager, 1.0),
    );
    figures[c.name] = { quiet: q, busy: b };
  }
  // The training rows: the round with the median step speed of each phase.
  const medianRound = (ms: TrainMeasured[]): TrainMeasured => [...ms].sort((x, y) => x.gflops - y.gflops)[ms.length >> 1]!;
  const trainQuiet = medianRound(trainQuietRounds);
  const trainBusy = medianRound(trainBusyRounds);
  const trainRow = (what: string, m: TrainMeasured): Row => ({
    suite: 'contention',
    benchmark: `train step 784-1024-1024-10 batch 128, ${what}`,
    value: m.gflops,
    best: flopsPerStep / m.step.best / 1e9,
    unit: 'GFLOP/s',
    peerName: 'oneDNN matmul',
    peerValue: m.ceiling,
    ratio: m.gflops / m.ceiling,
    ratioStyle: 'percent',
    goal: `≥ ${GOAL_TRAIN * 100}%`,
    verdict: verdict(m.gflops / m.ceiling >= GOAL_TRAIN),
    loadSensitive: false,
  });
  const held = trainBusy.gflops / trainQuiet.gflops;
  rows.push(trainRow('quiet', trainQuiet), trainRow('one core busy', trainBusy), {
    suite: 'contention',
    benchmark: 'train step, busy / quiet speed',
    value: trainBusy.gflops,
    unit: 'GFLOP/s',
    peerName: 'quiet',
    peerValue: trainQuiet.gflops,
    ratio: held,
    ratioStyle: 'times',
    goal: `≥ ${GOAL_TRAIN_BUSY}×`,
    verdict: verdict(held >= GOAL_TRAIN_BUSY),
    loadSensitive: false,
  });
  log(
    `train step: quiet ${fmtNum(trainQuiet.step.median * 1e3)} ms (${fmtNum(trainQuiet.gflops)} GFLOP/s, ceiling ${fmtNum(trainQuiet.ceiling)}), ` +
      `busy ${fmtNum(trainBusy.step.median * 1e3)} ms (${fmtNum(trainBusy.gflops)} GFLOP/s, ceiling ${fmtNum(trainBusy.ceiling)})`,
  );
  figures.training = { quiet: trainQuietRounds, busy: trainBusyRounds, busyOverQuiet: held };
  return { rows, figures };
}
