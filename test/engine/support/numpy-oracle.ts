// Runs numpy once per test file on a batch of cases: the test writes the cases as JSON, one
// python3 process evaluates them all, and the results come back as JSON. Arrays travel as
// { shape, dtype, data } with NaN/±Infinity spelled as strings so JSON stays valid.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NDArray } from '../../../engine/index.ts';
import { typedGet } from '../../../engine/ndarray/dtype.ts';

export interface WireArray {
  shape: number[];
  dtype: string;
  data: (number | string | boolean)[];
}

export function toWire(x: NDArray): WireArray {
  const t = x.toTyped();
  const data: (number | string)[] = [];
  for (let i = 0; i < t.length; i++) {
    const v = typedGet(t, i);
    data.push(Object.is(v, -0) ? '-0.0' : Number.isFinite(v) ? v : String(v));
  }
  return { shape: x.shape.slice(), dtype: x.dtype, data };
}

export function fromWireValue(v: number | string | boolean | null): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === null) return NaN;
  if (typeof v === 'string') {
    if (v === 'NaN' || v === 'nan') return NaN;
    if (v === 'inf' || v === 'Infinity') return Infinity;
    if (v === '-inf' || v === '-Infinity') return -Infinity;
    return Number(v);
  }
  return v;
}

/** Python prelude every oracle script gets: wire decoding/encoding helpers (torch-oracle.ts adds torch's). */
export const PRELUDE = String.raw`
import json, sys, math
import numpy as np
def arr(d):
    data = [float(v) if isinstance(v, str) else v for v in d['data']]
    dt = d['dtype']
    return np.array(data, dtype=np.float64).astype(dt).reshape(d['shape']) if dt != 'bool' else np.array(data).astype(bool).reshape(d['shape'])
def wire(a):
    a = np.asarray(a)
    flat = a.reshape(-1)
    if a.dtype == bool:
        data = [bool(v) for v in flat]
    elif a.dtype.kind in 'iu':
        data = [int(v) for v in flat]
    else:
        data = [float(v) if np.isfinite(v) else str(float(v)) for v in flat]
    return {'shape': list(a.shape), 'dtype': str(a.dtype), 'data': data}
`;

/** Runs `body` (python defining `def run(case): ...`) over every case; returns the results in order. */
export function runNumpy<C, R>(body: string, cases: C[]): R[] {
  const dir = mkdtempSync(join(tmpdir(), 'engine-oracle-'));
  try {
    const inPath = join(dir, 'cases.json');
    const outPath = join(dir, 'results.json');
    writeFileSync(inPath, JSON.stringify(cases));
    const script =
      `${PRELUDE}\n${body}\ncases = json.load(open(sys.argv[1]))\n` +
      'res = []\nfor c in cases:\n    try:\n        res.append(run(c))\n    except Exception as e:\n        res.append({"error": repr(e)})\n' +
      'json.dump(res, open(sys.argv[2], "w"))\n';
    execFileSync('python3', ['-c', script, inPath, outPath], { stdio: ['ignore', 'inherit', 'inherit'] });
    return JSON.parse(readFileSync(outPath, 'utf8')) as R[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Compares our array with numpy's within rtol/atol; returns a message on mismatch, null when equal. */
export function compareArrays(ours: NDArray, expected: WireArray, rtol: number, atol: number): string | null {
  const shapeOk = JSON.stringify(ours.shape) === JSON.stringify(expected.shape);
  if (!shapeOk) return `shape ${JSON.stringify(ours.shape)} != numpy ${JSON.stringify(expected.shape)}`;
  const t = ours.toTyped();
  for (let i = 0; i < t.length; i++) {
    const a = typedGet(t, i);
    const b = fromWireValue(expected.data[i] ?? null);
    if (Number.isNaN(a) && Number.isNaN(b)) continue;
    if (a === b) continue;
    if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) return `element ${i}: ours ${a}, numpy ${b}`;
  }
  return null;
}
