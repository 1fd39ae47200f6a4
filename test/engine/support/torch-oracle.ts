// Runs real PyTorch (Debian's python3-torch 1.13, /usr/bin/python3) once per test file on a batch
// of cases, like numpy-oracle.ts's runNumpy: the cases go in as JSON, a python body defining
// `def run(case)` evaluates each, the results come back as JSON. Arrays travel in numpy-oracle's
// wire format ({ shape, dtype, data }); the prelude adds `tensor(w)` (wire → torch, float64 by
// default, requires_grad on request) and `wire(t)` (torch or numpy → wire).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PYTHON = '/usr/bin/python3';

const PRELUDE = String.raw`
import json, sys, math
import numpy as np
import torch
torch.set_grad_enabled(True)
def tensor(d, grad=False, dtype=torch.float64):
    data = [float(v) if isinstance(v, str) else v for v in d['data']]
    t = torch.tensor(data, dtype=dtype).reshape(d['shape'])
    return t.requires_grad_(True) if grad else t
def wire(a):
    if isinstance(a, torch.Tensor):
        a = a.detach().cpu().numpy()
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

/** Runs `body` (python defining `def run(case): ...`) over every case in one torch process. */
export function runTorch<C, R>(body: string, cases: C[]): R[] {
  const dir = mkdtempSync(join(tmpdir(), 'engine-torch-'));
  try {
    const inPath = join(dir, 'cases.json');
    const outPath = join(dir, 'results.json');
    writeFileSync(inPath, JSON.stringify(cases));
    const script = `${PRELUDE}\n${body}\ncases = json.load(open(sys.argv[1]))\n` +
      'res = []\nfor c in cases:\n    try:\n        res.append(run(c))\n    except Exception as e:\n        res.append({"error": repr(e)})\n' +
      'json.dump(res, open(sys.argv[2], "w"))\n';
    execFileSync(PYTHON, ['-c', script, inPath, outPath], { stdio: ['ignore', 'inherit', 'inherit'] });
    return JSON.parse(readFileSync(outPath, 'utf8')) as R[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
