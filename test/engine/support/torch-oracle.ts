// Runs PyTorch once per test file on a batch of cases, like numpy-oracle.ts does for numpy: the
// cases go to one /usr/bin/python3 process (Debian's torch 1.13; a python3 earlier on PATH may
// lack it) as JSON, and the results come back as JSON. The python body defines `run(case)` and
// gets numpy-oracle's `arr` plus `T(wire)` (a float64 leaf tensor that requires grad),
// `tensor(wire, grad=False)`, `W(tensor)` (a tensor, or its .grad, back on the wire) and `wire`
// (a numpy array or a tensor on the wire).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NDArray } from '../../../engine/index.ts';
import { typedGet } from '../../../engine/ndarray/dtype.ts';
import { PRELUDE, fromWireValue, type WireArray } from './numpy-oracle.ts';

export const TORCH_PYTHON = '/usr/bin/python3';

const TORCH_PRELUDE = String.raw`
import torch
import torch.nn.functional as F
torch.set_num_threads(1)
def T(d, grad=True):
    return torch.tensor(arr(d).astype(np.float64), dtype=torch.float64, requires_grad=grad)
def tensor(d, grad=False, dtype=torch.float64):
    t = torch.tensor(arr(d).astype(np.float64), dtype=dtype)
    return t.requires_grad_(True) if grad else t
def W(t):
    return None if t is None else wire(t.detach().numpy())
_numpy_wire = wire
def wire(a):
    return _numpy_wire(a.detach().cpu().numpy() if isinstance(a, torch.Tensor) else a)
`;

/** Runs `body` (python defining `def run(case): ...`) over every case; results in order ({ error } for a case that raised). */
export function runTorch<C, R>(body: string, cases: C[]): (R & { error?: string })[] {
  const dir = mkdtempSync(join(tmpdir(), 'engine-torch-oracle-'));
  try {
    const inPath = join(dir, 'cases.json');
    const outPath = join(dir, 'results.json');
    writeFileSync(inPath, JSON.stringify(cases));
    const script =
      `${PRELUDE}\n${TORCH_PRELUDE}\n${body}\ncases = json.load(open(sys.argv[1]))\n` +
      'res = []\nfor c in cases:\n    try:\n        res.append(run(c))\n    except Exception as e:\n        res.append({"error": repr(e)})\n' +
      'json.dump(res, open(sys.argv[2], "w"))\n';
    execFileSync(TORCH_PYTHON, ['-c', script, inPath, outPath], { stdio: ['ignore', 'inherit', 'inherit'] });
    return JSON.parse(readFileSync(outPath, 'utf8')) as (R & { error?: string })[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * max|ours − torch| / max|torch| (the measure), or a message when the shapes differ or
 * the error exceeds `tol`; null when they agree.
 */
export function compareRelative(ours: NDArray, expected: WireArray, tol: number): string | null {
  if (JSON.stringify(ours.shape) !== JSON.stringify(expected.shape)) {
    return `shape ${JSON.stringify(ours.shape)} != torch ${JSON.stringify(expected.shape)}`;
  }
  const t = ours.toTyped();
  let maxDiff = 0;
  let maxRef = 0;
  let worst = -1;
  for (let i = 0; i < t.length; i++) {
    const a = typedGet(t, i);
    const b = fromWireValue(expected.data[i] ?? null);
    if (Number.isNaN(a) !== Number.isNaN(b)) return `element ${i}: ours ${a}, torch ${b}`;
    const d = Math.abs(a - b);
    if (d > maxDiff) {
      maxDiff = d;
      worst = i;
    }
    maxRef = Math.max(maxRef, Math.abs(b));
  }
  const rel = maxDiff / Math.max(maxRef, 1e-30);
  if (maxDiff > 0 && rel > tol) {
    return (
      `max|Δ|/max|y| = ${rel.toExponential(2)} > ${tol} (element ${worst}: ours ${typedGet(t, worst)}, ` +
      `torch ${fromWireValue(expected.data[worst] ?? null)})`
    );
  }
  return null;
}
