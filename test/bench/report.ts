// The printed table, machine information and results.json.

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NativeAddon } from '../../engine/backend/native-addon.ts';

/** Repository root: this file is <root>/test/bench/report.ts. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BENCH_DIR = resolve(REPO_ROOT, '.bench');

/** PASS? / FAIL?: measured while other processes kept the CPUs busy (see load.ts); rerun before trusting. */
export type Verdict = 'PASS' | 'FAIL' | 'PASS?' | 'FAIL?' | 'info' | 'n/a';

/** One table line: engine figure, the peer it is compared with, and the goal (if any). */
export interface Row {
  suite: string;
  benchmark: string;
  /** Engine-side figure (median) and its unit; best is printed in brackets when given. */
  value: number | null;
  best?: number | null;
  unit: string;
  peerName: string;
  peerValue: number | null;
  /** value / peerValue; printed as a percentage (throughputs) or a multiple (times). */
  ratio: number | null;
  ratioStyle: 'percent' | 'times';
  goal: string;
  verdict: Verdict;
  /** Override the printed engine / peer cells (e.g. memory figures). */
  engineText?: string;
  peerText?: string;
  /** False for figures that background load cannot skew (memory): their verdict never gets a '?'. */
  loadSensitive?: boolean;
}

export function ratioOf(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b;
}

/** PASS/FAIL against a goal; n/a when the figure is missing. */
export function verdict(ok: boolean | null): Verdict {
  return ok === null ? 'n/a' : ok ? 'PASS' : 'FAIL';
}

export function fmtNum(x: number): string {
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(1);
  if (a >= 10) return x.toFixed(2);
  if (a >= 1) return x.toFixed(3);
  return x.toPrecision(3);
}

function engineCell(r: Row): string {
  if (r.engineText !== undefined) return r.engineText;
  if (r.value === null) return 'n/a';
  const best = r.best !== undefined && r.best !== null ? ` (best ${fmtNum(r.best)})` : '';
  return `${fmtNum(r.value)} ${r.unit}${best}`;
}

function peerCell(r: Row): string {
  if (r.peerText !== undefined) return r.peerText;
  if (!r.peerName) return '';
  return r.peerValue === null ? `${r.peerName}: n/a` : `${r.peerName}: ${fmtNum(r.peerValue)}`;
}

function ratioCell(r: Row): string {
  if (r.ratio === null) return '';
  return r.ratioStyle === 'percent' ? `${(r.ratio * 100).toFixed(1)}%` : `${r.ratio.toFixed(2)}×`;
}

/** Aligned plain-text table: benchmark, engine, peer, ratio, goal, verdict. */
export function formatTable(rows: readonly Row[]): string {
  const header = ['benchmark', 'engine', 'peer', 'ratio', 'goal', 'verdict'];
  const cells = rows.map((r) => [r.benchmark, engineCell(r), peerCell(r), ratioCell(r), r.goal, r.verdict]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]): string =>
    c
      .map((s, i) => (i === 3 ? s.padStart(widths[i]!) : s.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  let suite = rows[0]?.suite;
  for (let i = 0; i < rows.length; i++) {
    if (rows[i]!.suite !== suite) {
      out.push('');
      suite = rows[i]!.suite;
    }
    out.push(line(cells[i]!));
  }
  return out.join('\n');
}

export interface MachineInfo {
  date: string;
  cpuModel: string;
  logicalCpus: number;
  physicalCores: number | null;
  avx512: boolean;
  oneDnnVersion: string;
  addonThreads: number;
  node: string;
  platform: string;
  totalMemoryGiB: number;
  loadAverageAtStart: number[];
  gitCommit: string | null;
  env: Record<string, string>;
}

export function machineInfo(addon: NativeAddon): MachineInfo {
  let cpuinfo = '';
  try {
    cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // not Linux: fall back to os.cpus()
  }
  const field = (name: string): string | undefined => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(cpuinfo)?.[1]?.trim();
  const coreIds = new Set<string>();
  for (const block of cpuinfo.split('\n\n')) {
    const phys = /^physical id\s*:\s*(\d+)/m.exec(block)?.[1];
    const core = /^core id\s*:\s*(\d+)/m.exec(block)?.[1];
    if (phys !== undefined && core !== undefined) coreIds.add(`${phys}:${core}`);
  }
  const caps = addon.capabilities();
  let gitCommit: string | null;
  try {
    gitCommit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    gitCommit = null;
  }
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && /^(OMP_|DNNL_|ONEDNN_|KMP_|GOMP_)/.test(k)) env[k] = v;
  }
  return {
    date: new Date().toISOString(),
    cpuModel: field('model name') ?? os.cpus()[0]?.model ?? 'unknown',
    logicalCpus: os.availableParallelism(),
    physicalCores: coreIds.size || null,
    avx512: /\bavx512f\b/.test(field('flags') ?? ''),
    oneDnnVersion: caps.dnnl ? caps.dnnlVersion : 'none',
    addonThreads: caps.threads,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
    gitCommit,
    env,
  };
}

export function machineLine(m: MachineInfo): string {
  return (
    `${m.cpuModel}, ${m.logicalCpus} logical CPUs` +
    (m.physicalCores ? ` (${m.physicalCores} cores)` : '') +
    `${m.avx512 ? ', AVX-512' : ''}; oneDNN ${m.oneDnnVersion}, addon threads ${m.addonThreads}; node ${m.node}; ` +
    `load ${m.loadAverageAtStart.join(' ')}; ${m.date}`
  );
}

/** Writes the results JSON to .bench/results.json and, when given, to `extra` too. */
export function writeResults(results: unknown, extra: string | null): string[] {
  const text = JSON.stringify(results, null, 2) + '\n';
  const paths = [resolve(BENCH_DIR, 'results.json')];
  if (extra) paths.push(resolve(process.cwd(), extra));
  for (const p of paths) {
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return paths;
}
