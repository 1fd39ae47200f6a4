// `npm run bench`: engine vs peer benchmarks (matmul vs bare oneDNN, elementwise vs raw addon and
// memcpy, per-call overhead vs raw N-API calls). Prints a table and writes .bench/results.json.
// Not run by CI; nothing here asserts times. See docs/benchmarks.md.

import { native } from '../../engine/backend/backend.ts';
import { runElementwiseSuite } from './elementwise.ts';
import { runMatmulSuite } from './matmul.ts';
import { parseOptions, USAGE, UsageError, type BenchOptions, type Suite } from './options.ts';
import { runOverheadSuite } from './overhead.ts';
import { formatTable, machineInfo, machineLine, writeResults, type Row } from './report.ts';
import os from 'node:os';

type SuiteRunner = (addon: ReturnType<typeof native>, options: BenchOptions, log: (s: string) => void) =>
  { rows: Row[]; figures: unknown } | Promise<{ rows: Row[]; figures: unknown }>;

const RUNNERS: Record<Suite, SuiteRunner> = {
  matmul: runMatmulSuite,
  elementwise: runElementwiseSuite,
  overhead: runOverheadSuite,
};

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    if (e.message) console.error(`bench: ${e.message}`);
    console.error(USAGE);
    return e.message ? 2 : 0;
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
  const started = performance.now();
  for (const suite of options.suites) {
    console.log(`${suite}:`);
    const t0 = performance.now();
    const r = await RUNNERS[suite](addon, options, log);
    rows.push(...r.rows);
    figures[suite] = r.figures;
    log(`(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }

  console.log('');
  console.log(formatTable(rows));
  const rowsOut = rows.map((r) => ({ ...r }));
  const results = {
    machine: { ...machine, loadAverageAtEnd: os.loadavg().map((x) => Math.round(x * 100) / 100) },
    options: { quick: options.quick, suites: options.suites, minSeconds: options.minSeconds, minReps: options.minReps, warmup: options.warmup,
      overheadBatches: options.overheadBatches, overheadIters: options.overheadIters },
    wallSeconds: (performance.now() - started) / 1000,
    table: rowsOut,
    figures,
  };
  const paths = writeResults(results, options.out);
  console.log('');
  console.log(`results: ${paths.join(', ')}`);
  console.log('* = the bench\'s own target (no goal was set for this figure); see docs/benchmarks.md');
  return 0;
}

main().then((code) => { process.exitCode = code; }, (e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exitCode = 1;
});
