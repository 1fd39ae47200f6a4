// `npm run bench`: engine vs peer benchmarks (matmul vs bare oneDNN, elementwise vs raw addon and
// memcpy, per-call overhead vs raw N-API calls, conv/pool vs PyTorch, a Transformer block and an LSTM layer vs onnxruntime and PyTorch). Prints a table and writes .bench/results.json.
// Not run by CI; nothing here asserts times. See docs/benchmarks.md.

import { native } from '../../engine/backend/backend.ts';
import { runConvSuite } from './conv.ts';
import { runContentionSuite } from './contention.ts';
import { runEditorSuite } from './editor.ts';
import { runEditShapesSuite } from './edit-shapes.ts';
import { runElementwiseSuite } from './elementwise.ts';
import { runForwardSuite } from './forward.ts';
import { runImportSuite } from './import.ts';
import { runMatmulSuite } from './matmul.ts';
import { parseOptions, USAGE, UsageError, type BenchOptions, type Suite } from './options.ts';
import { runOverheadSuite } from './overhead.ts';
import { runSequenceSuite } from './sequence.ts';
import { runTrainingSuite } from './training.ts';
import { watchLoad, type LoadReport } from './load.ts';
import { formatTable, machineInfo, machineLine, writeResults, type Row } from './report.ts';
import os from 'node:os';

type SuiteRunner = (
  addon: ReturnType<typeof native>,
  options: BenchOptions,
  log: (s: string) => void,
) => { rows: Row[]; figures: unknown } | Promise<{ rows: Row[]; figures: unknown }>;

/** Share of all CPUs used by other processes above which a suite's verdicts get a '?'. */
const NOISY_SHARE = 0.1;

const RUNNERS: Record<Suite, SuiteRunner> = {
  matmul: runMatmulSuite,
  elementwise: runElementwiseSuite,
  overhead: runOverheadSuite,
  training: runTrainingSuite,
  forward: runForwardSuite,
  conv: runConvSuite,
  sequence: runSequenceSuite,
  import: runImportSuite,
  contention: runContentionSuite,
  editor: runEditorSuite,
  'edit-shapes': runEditShapesSuite,
};

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    if (!e.message) {
      console.log(USAGE); // --help
      return 0;
    }
    console.error(`bench: ${e.message}\n${USAGE}`);
    return 2;
  }
  const addon = native();
  const machine = machineInfo(addon);
  const log = (s: string): void => console.log(`  ${s}`);
  console.log(`Blocksmith bench${options.quick ? ' (--quick)' : ''}: ${options.suites.join(', ')}`);
  console.log(`  ${machineLine(machine)}`);
  if (machine.loadAverageAtStart[0]! > machine.logicalCpus * 0.5) {
    console.log(`  warning: load average ${machine.loadAverageAtStart[0]} on ${machine.logicalCpus} CPUs; other work will skew the numbers`);
  }

  const rows: Row[] = [];
  const figures: Record<string, unknown> = {};
  const loads: Record<string, LoadReport> = {};
  const noisy: string[] = [];
  const started = performance.now();
  for (const suite of options.suites) {
    console.log(`${suite}:`);
    const t0 = performance.now();
    const stop = watchLoad();
    const r = await RUNNERS[suite](addon, options, log);
    const load = stop();
    loads[suite] = load;
    // Verdicts taken under background load are marked uncertain.
    const background = load.background ?? 0;
    const busy = background > NOISY_SHARE;
    rows.push(
      ...r.rows.map((row) =>
        busy && row.loadSensitive !== false && (row.verdict === 'PASS' || row.verdict === 'FAIL') ? { ...row, verdict: `${row.verdict}?` as const } : row,
      ),
    );
    figures[suite] = r.figures;
    const bg = load.background === null ? '' : `; other processes used ${(load.background * 100).toFixed(0)}% of the CPUs meanwhile`;
    log(`(${((performance.now() - t0) / 1000).toFixed(1)} s${bg})`);
    if (busy) noisy.push(`${suite} ${(background * 100).toFixed(0)}%`);
  }

  console.log('');
  console.log(formatTable(rows));
  const results = {
    machine: { ...machine, loadAverageAtEnd: os.loadavg().map((x) => Math.round(x * 100) / 100) },
    options: {
      quick: options.quick,
      suites: options.suites,
      minSeconds: options.minSeconds,
      minReps: options.minReps,
      warmup: options.warmup,
      overheadBatches: options.overheadBatches,
      overheadIters: options.overheadIters,
    },
    wallSeconds: (performance.now() - started) / 1000,
    /** Share of all CPUs that other processes used while each suite ran (see load.ts). */
    backgroundLoad: loads,
    table: rows,
    figures,
  };
  const paths = writeResults(results, options.out);
  console.log('');
  console.log(`results: ${paths.join(', ')}`);
  if (noisy.length) {
    console.log(
      `warning: other processes kept the CPUs busy during ${noisy.join(', ')} (share of all CPUs); ` +
        'OpenMP kernels slow down sharply when they lose a core; verdicts marked ? need a rerun on a quiet machine.',
    );
  }
  console.log("* = the bench's own target (no goal was set for this figure); see docs/benchmarks.md");
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exitCode = 1;
  },
);
