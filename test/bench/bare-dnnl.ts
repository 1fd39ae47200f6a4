// The peer for matmul: native/bench/bare_dnnl_matmul.cc, oneDNN's f32 matmul with no JS, N-API or
// Blocksmith code in the way. Compiled into .bench/ (rebuilt when the source is newer) and run
// once per size; it prints {"size", "gflops", "seconds"} (median seconds per call).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { BENCH_DIR, REPO_ROOT } from './report.ts';

const SOURCE = resolve(REPO_ROOT, 'native', 'bench', 'bare_dnnl_matmul.cc');
const BINARY = resolve(BENCH_DIR, 'bare_dnnl_matmul');

export interface BareBuild {
  ok: boolean;
  binary: string;
  /** True when this run compiled it (false: cached binary newer than the source). */
  compiled: boolean;
  /** Why it is unavailable (compiler output), when !ok. */
  reason: string;
}

export interface BareResult {
  size: number;
  gflops: number;
  seconds: number;
}

/** g++ -O3 -fopenmp -std=c++17 native/bench/bare_dnnl_matmul.cc -ldnnl -o .bench/bare_dnnl_matmul, cached by mtime. */
export function buildBare(): BareBuild {
  if (!existsSync(SOURCE)) return { ok: false, binary: BINARY, compiled: false, reason: `${SOURCE} not found` };
  if (existsSync(BINARY) && statSync(BINARY).mtimeMs >= statSync(SOURCE).mtimeMs) {
    return { ok: true, binary: BINARY, compiled: false, reason: '' };
  }
  mkdirSync(BENCH_DIR, { recursive: true });
  const args = ['-O3', '-fopenmp', '-std=c++17', SOURCE, '-ldnnl', '-o', BINARY];
  const r = spawnSync('g++', args, { cwd: REPO_ROOT, encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr || r.stdout || `exit ${r.status}`).trim().split('\n').slice(0, 5).join('\n');
    return { ok: false, binary: BINARY, compiled: false, reason: `g++ ${args.join(' ')} failed: ${why}` };
  }
  return { ok: true, binary: BINARY, compiled: true, reason: '' };
}

/**
 * Runs the bare program for one size (n = k = size, m = rows or size; transB: B stored [n, k]);
 * throws with its stderr when it fails.
 */
export function runBare(size: number, minSeconds: number, transB = false, rows = size): BareResult {
  const r = spawnSync(BINARY, [String(size), String(minSeconds), transB ? 't' : 'n', String(rows)], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000 });
  if (r.error || r.status !== 0) {
    throw new Error(`${BINARY} ${size} failed: ${r.error?.message ?? (r.stderr || `exit ${r.status}`).trim()}`);
  }
  const line = r.stdout.trim().split('\n').pop() ?? '';
  const parsed = JSON.parse(line) as Partial<BareResult>;
  if (typeof parsed.gflops !== 'number' || typeof parsed.seconds !== 'number') {
    throw new Error(`${BINARY} ${size} printed ${JSON.stringify(line)}, not {"size", "gflops", "seconds"}`);
  }
  return { size, gflops: parsed.gflops, seconds: parsed.seconds };
}
