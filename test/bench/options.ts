// Command-line flags of `npm run bench` and the repetition budgets they select.

export const SUITES = [
  'matmul',
  'elementwise',
  'overhead',
  'training',
  'forward',
  'conv',
  'sequence',
  'import',
  'contention',
  'editor',
  'edit-shapes',
] as const;
export type Suite = (typeof SUITES)[number];
/**
 * Suites a plain `npm run bench` runs; editor (Chromium and a renderer build), contention (a
 * busy process beside the bench, ~1 min) and edit-shapes (an engine process and web host) only
 * when named with --only.
 */
export const DEFAULT_SUITES: readonly Suite[] = SUITES.filter((s) => s !== 'editor' && s !== 'contention' && s !== 'edit-shapes');

export interface BenchOptions {
  quick: boolean;
  /** onnxruntime's default spinning intra-op pool (off by default: see ort-options.ts). */
  ortSpin: boolean;
  /** Suites to run, in SUITES order. */
  suites: Suite[];
  /** Extra path for results.json (besides .bench/results.json). */
  out: string | null;
  /** Only the cases whose name matches (contention suite: `--cases=LeNet|ResNet`); null = all. */
  cases: RegExp | null;
  /** Contention suite: quiet + busy phases run this many times; each ratio is the median of the rounds' ratios. */
  rounds: number;
  /** Per-call timed loops run at least this long (seconds)... */
  minSeconds: number;
  /** ...and at least this many timed calls. */
  minReps: number;
  /** Untimed calls before timing (JIT, page faults, thread pool, primitive cache). */
  warmup: number;
  /** 1-element op loops: batches × iterations per batch; the median batch is reported. */
  overheadBatches: number;
  overheadIters: number;
}

export const USAGE = `usage: npm run bench -- [--quick] [--ort-spin] [--only=matmul|elementwise|overhead|training|forward|conv|sequence|contention|editor|edit-shapes[,...]] [--out=PATH]
  --quick      smaller repetition counts (a smoke run; numbers are noisier)
  --only=LIST  run only these suites (comma-separated); editor, contention and edit-shapes run only when named here
  --out=PATH   also write the results JSON to PATH (always written to .bench/results.json)
  --cases=RE   contention suite: only the cases whose name matches RE (e.g. 'LeNet|ResNet')
  --rounds=N   contention suite: run the quiet and busy phases N times (default 3, 1 with --quick) and report the median round`;

export function parseOptions(argv: readonly string[]): BenchOptions {
  let quick = false;
  let ortSpin = false;
  let only: Suite[] | null = null;
  let out: string | null = null;
  let cases: RegExp | null = null;
  let rounds: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--ort-spin') ortSpin = true;
    else if (arg === '--help' || arg === '-h') throw new UsageError('');
    else if (arg.startsWith('--only=') || arg === '--only') {
      const value = arg === '--only' ? argv[++i] : arg.slice('--only='.length);
      only = parseSuites(value ?? '');
    } else if (arg.startsWith('--out=') || arg === '--out') {
      const value = arg === '--out' ? argv[++i] : arg.slice('--out='.length);
      if (!value) throw new UsageError('--out needs a path');
      out = value;
    } else if (arg.startsWith('--cases=')) {
      const value = arg.slice('--cases='.length);
      try {
        cases = new RegExp(value);
      } catch {
        throw new UsageError(`--cases: not a regular expression: ${JSON.stringify(value)}`);
      }
    } else if (arg.startsWith('--rounds=')) {
      const value = Number(arg.slice('--rounds='.length));
      if (!Number.isInteger(value) || value < 1 || value > 20)
        throw new UsageError(`--rounds: expected a whole number from 1 to 20, got ${JSON.stringify(arg.slice(9))}`);
      rounds = value;
    } else {
      throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  return {
    quick,
    ortSpin,
    suites: only ?? [...DEFAULT_SUITES],
    out,
    cases,
    rounds: rounds ?? (quick ? 1 : 3),
    minSeconds: quick ? 0.1 : 0.5,
    minReps: quick ? 3 : 5,
    warmup: quick ? 1 : 3,
    overheadBatches: quick ? 5 : 10,
    overheadIters: quick ? 4_000 : 20_000,
  };
}

function parseSuites(value: string): Suite[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new UsageError('--only needs one of ' + SUITES.join(', '));
  for (const n of names) {
    if (!(SUITES as readonly string[]).includes(n)) throw new UsageError(`unknown suite ${JSON.stringify(n)}; expected ${SUITES.join(', ')}`);
  }
  return SUITES.filter((s) => names.includes(s));
}

export class UsageError extends Error {}
