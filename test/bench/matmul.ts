// Suite 1: float32 square matmul through np.dot, through the raw addon (preallocated output) and
// through the bare oneDNN program. GFLOP/s = 2·n³ / seconds.

import { np, type NDArray } from '../../engine/index.ts';
import { DEVICE_TYPE, DTYPE_CODE, type NativeAddon } from '../../engine/backend/native-addon.ts';
import type { BenchOptions } from './options.ts';
import { buildBare, runBare, type BareBuild, type BareResult } from './bare-dnnl.ts';
import { ratioOf, verdict, type Row } from './report.ts';
import { median, sampleInterleaved, summarize, type Timing } from './timing.ts';

export const MATMUL_SIZES = [256, 1024, 2048];
export const MATMUL_GOAL = 0.9;
/** Bare / in-process alternations per size (1 with --quick). */
export const MATMUL_ROUNDS = 3;

export interface MatmulFigures {
  size: number;
  flops: number;
  engine: Timing & { gflops: number; bestGflops: number };
  rawAddon: Timing & { gflops: number; bestGflops: number };
  /** Median over the rounds' bare runs (each itself a median). */
  bare: BareOutcome;
  bareRuns: BareOutcome[];
  engineOverBare: number | null;
  rawOverBare: number | null;
  engineOverRaw: number;
  /** max |np.dot − addon.matmul| over the product (both must be the same kernel). */
  maxAbsDiff: number;
}

const F32 = DTYPE_CODE.float32;

type BareOutcome = (BareResult & { error?: undefined }) | { error: string };

function bareRun(build: BareBuild, n: number, minSeconds: number): BareOutcome {
  if (!build.ok) return { error: build.reason };
  try {
    return runBare(n, minSeconds);
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

function withGflops(t: Timing, flops: number): Timing & { gflops: number; bestGflops: number } {
  return { ...t, gflops: flops / t.median / 1e9, bestGflops: flops / t.best / 1e9 };
}

export function runMatmulSuite(addon: NativeAddon, options: BenchOptions, log: (s: string) => void): { rows: Row[]; figures: unknown } {
  const build = buildBare();
  log(
    build.ok ? `bare oneDNN program: ${build.binary}${build.compiled ? ' (compiled now)' : ' (cached)'}` : `bare oneDNN program unavailable: ${build.reason}`,
  );
  const rows: Row[] = [];
  const sizes: MatmulFigures[] = [];
  for (const n of MATMUL_SIZES) {
    const flops = 2 * n ** 3;
    const bytes = n * n * 4;
    const perCall = { minSeconds: options.minSeconds, minReps: options.minReps, warmup: options.warmup };

    // Engine: the public API, a fresh result per call (disposed outside the timed region).
    const a = np.random.uniform(-1, 1, [n, n], { seed: 1 });
    const b = np.random.uniform(-1, 1, [n, n], { seed: 2 });
    // Raw addon: the contract call the engine makes, into a preallocated output.
    const ra = addon.alloc(DEVICE_TYPE.cpu, 0, bytes);
    const rb = addon.alloc(DEVICE_TYPE.cpu, 0, bytes);
    const rout = addon.alloc(DEVICE_TYPE.cpu, 0, bytes);
    addon.randomUniform(F32, ra, n * n, -1, 1, 1, 0);
    addon.randomUniform(F32, rb, n * n, -1, 1, 2, 0);
    const variants = [
      { name: 'engine', call: () => np.dot(a, b), cleanup: (r: NDArray) => r.dispose() },
      { name: 'raw', call: () => addon.matmul(F32, ra, rb, rout, 1, n, n, n, false, false, 0, 0) },
    ];
    // Rounds: a bare-program run, then engine and raw interleaved call by call, so all three see
    // the same background load. In-process samples are pooled; the bare figure is the median of
    // its per-round medians.
    const rounds = options.quick ? 1 : MATMUL_ROUNDS;
    const perRound = { ...perCall, minSeconds: options.minSeconds / rounds, minReps: Math.ceil(options.minReps / rounds) };
    const engineSamples: number[] = [];
    const rawSamples: number[] = [];
    const bareRuns: BareOutcome[] = [];
    for (let round = 0; round < rounds; round++) {
      bareRuns.push(bareRun(build, n, perRound.minSeconds));
      const s = sampleInterleaved(variants, { ...perRound, warmup: round === 0 ? perCall.warmup : 1 });
      engineSamples.push(...s.engine!);
      rawSamples.push(...s.raw!);
    }
    const engine = withGflops(summarize(engineSamples), flops);
    const raw = withGflops(summarize(rawSamples), flops);

    // Same inputs (same seeds) → the engine's product must equal the raw one.
    const check = np.dot(a, b);
    const engineOut = check.toTyped() as Float32Array;
    const rawOut = new Float32Array(n * n);
    addon.read(rout, 0, rawOut);
    let maxAbsDiff = 0;
    for (let i = 0; i < rawOut.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(engineOut[i]! - rawOut[i]!));
    check.dispose();
    a.dispose();
    b.dispose();
    for (const buf of [ra, rb, rout]) addon.dispose(buf);

    const ok = bareRuns.filter((r): r is BareResult => r.error === undefined);
    const bare: BareOutcome = ok.length
      ? { size: n, seconds: median(ok.map((r) => r.seconds)), gflops: flops / median(ok.map((r) => r.seconds)) / 1e9 }
      : bareRuns[0]!;
    const bareGflops = bare.error === undefined ? bare.gflops : null;
    const engineOverBare = ratioOf(engine.gflops, bareGflops);
    const rawOverBare = ratioOf(raw.gflops, bareGflops);
    sizes.push({ size: n, flops, engine, rawAddon: raw, bare, bareRuns, engineOverBare, rawOverBare, engineOverRaw: engine.gflops / raw.gflops, maxAbsDiff });
    log(
      `matmul ${n}³: np.dot ${engine.gflops.toFixed(1)} GFLOP/s (${engine.calls} calls), raw addon ${raw.gflops.toFixed(1)}, ` +
        `bare ${bareGflops === null ? 'n/a' : bareGflops.toFixed(1)}; max |diff| ${maxAbsDiff}`,
    );

    const label = `matmul ${n}³ f32`;
    rows.push({
      suite: 'matmul',
      benchmark: `${label} np.dot`,
      value: engine.gflops,
      best: engine.bestGflops,
      unit: 'GFLOP/s',
      peerName: 'bare oneDNN',
      peerValue: bareGflops,
      ratio: engineOverBare,
      ratioStyle: 'percent',
      goal: `≥ ${MATMUL_GOAL * 100}%`,
      verdict: verdict(engineOverBare === null ? null : engineOverBare >= MATMUL_GOAL),
    });
    rows.push({
      suite: 'matmul',
      benchmark: `${label} raw addon.matmul`,
      value: raw.gflops,
      best: raw.bestGflops,
      unit: 'GFLOP/s',
      peerName: 'bare oneDNN',
      peerValue: bareGflops,
      ratio: rawOverBare,
      ratioStyle: 'percent',
      goal: '',
      verdict: 'info',
    });
  }
  const transposed = runTransposedCases(build, options, log, rows);
  return { rows, figures: { bareBuild: build, sizes, transposed } };
}

/**
 * `np.dot(x, w.T)` (w stored [n, k], as Dense keeps its weight) against `np.dot(x, wt)` with wt a
 * contiguous [k, n] array, and against bare oneDNN with B stored transposed. The transpose is
 * not copied: np.dot reads w with the GEMM's transB flag.
 */
export const TRANSPOSED_CASES: { m: number; size: number }[] = [
  { m: 1, size: 1024 },
  { m: 128, size: 1024 },
  { m: 1024, size: 1024 },
];

export interface TransposedFigures {
  m: number;
  n: number;
  k: number;
  flops: number;
  transposed: Timing & { gflops: number; bestGflops: number };
  plain: Timing & { gflops: number; bestGflops: number };
  bare: BareOutcome;
  transposedOverPlain: number;
  transposedOverBare: number | null;
  maxAbsDiff: number;
}

function runTransposedCases(build: BareBuild, options: BenchOptions, log: (s: string) => void, rows: Row[]): TransposedFigures[] {
  const out: TransposedFigures[] = [];
  for (const { m, size } of TRANSPOSED_CASES) {
    const n = size,
      k = size;
    const flops = 2 * m * n * k;
    const x = np.random.uniform(-1, 1, [m, k], { seed: 3 });
    const w = np.random.uniform(-1, 1, [n, k], { seed: 4 });
    const wt = w.transpose([1, 0]).copy(); // contiguous [k, n]
    const variants = [
      { name: 'transposed', call: () => np.dot(x, w.T), cleanup: (r: NDArray) => r.dispose() },
      { name: 'plain', call: () => np.dot(x, wt), cleanup: (r: NDArray) => r.dispose() },
    ];
    const bareOne = (): BareOutcome => {
      if (!build.ok) return { error: build.reason };
      try {
        return runBare(size, options.minSeconds, true, m);
      } catch (e) {
        return { error: e instanceof Error ? e.message : String(e) };
      }
    };
    const bare = bareOne();
    const s = sampleInterleaved(variants, { minSeconds: options.minSeconds, minReps: options.minReps, warmup: options.warmup });
    const transposed = withGflops(summarize(s.transposed!), flops);
    const plain = withGflops(summarize(s.plain!), flops);
    const y1 = np.dot(x, w.T);
    const y2 = np.dot(x, wt);
    const a1 = y1.toTyped() as Float32Array;
    const a2 = y2.toTyped() as Float32Array;
    let maxAbsDiff = 0;
    for (let i = 0; i < a1.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(a1[i]! - a2[i]!));
    for (const t of [x, w, wt, y1, y2]) t.dispose();
    const bareGflops = bare.error === undefined ? bare.gflops : null;
    const fig: TransposedFigures = {
      m,
      n,
      k,
      flops,
      transposed,
      plain,
      bare,
      transposedOverPlain: transposed.gflops / plain.gflops,
      transposedOverBare: ratioOf(transposed.gflops, bareGflops),
      maxAbsDiff,
    };
    out.push(fig);
    log(
      `matmul [${m}, ${k}]·[${n}, ${k}]ᵀ: np.dot(x, w.T) ${transposed.gflops.toFixed(1)} GFLOP/s, untransposed ` +
        `${plain.gflops.toFixed(1)}, bare transB ${bareGflops === null ? 'n/a' : bareGflops.toFixed(1)}; max |diff| ${maxAbsDiff}`,
    );
    const label = `matmul [${m},${k}]·[${n},${k}]ᵀ f32`;
    rows.push({
      suite: 'matmul',
      benchmark: `${label} np.dot(x, w.T)`,
      value: transposed.gflops,
      best: transposed.bestGflops,
      unit: 'GFLOP/s',
      peerName: 'bare oneDNN transB',
      peerValue: bareGflops,
      ratio: fig.transposedOverBare,
      ratioStyle: 'percent',
      goal: `≥ ${MATMUL_GOAL * 100}%`,
      verdict: verdict(fig.transposedOverBare === null ? null : fig.transposedOverBare >= MATMUL_GOAL),
    });
    rows.push({
      suite: 'matmul',
      benchmark: `${label} vs untransposed`,
      value: transposed.gflops,
      best: transposed.bestGflops,
      unit: 'GFLOP/s',
      peerName: 'np.dot(x, wt)',
      peerValue: plain.gflops,
      ratio: fig.transposedOverPlain,
      ratioStyle: 'percent',
      goal: '',
      verdict: 'info',
    });
  }
  return out;
}
