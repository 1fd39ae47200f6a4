// Each layer kind against PyTorch, forward and backward: the test gives the kind, its attributes,
// input shapes and the same layer written in torch (a Python expression over `xs`, the inputs, `p`,
// the layer's parameters by short name, and `a`, the attributes). The engine runs the layer under
// autograd on random inputs; one /usr/bin/python3 process evaluates every case in float64 from the
// same float32 values; outputs, input gradients and parameter gradients (and, in training, the
// updated state such as running statistics) are compared relative to the largest magnitude.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autograd, createLayer, init, layerSpec, np, type Attrs, type NDArray } from '../../../engine/index.ts';
import { withDefaults } from '../../../engine/nn/layers/layer-spec.ts';

export interface LayerCase {
  /** Shown in failures. */
  name: string;
  kind: string;
  attrs?: Attrs;
  inputs: number[][];
  /** The layer in torch: an expression over xs (list of tensors), p (dict of parameters), a (attributes), F, torch. */
  torch: string;
  /** Run in training mode (autograd.trainMode; BatchNorm uses batch statistics and updates its state). */
  training?: boolean;
  /** Inputs drawn from [lo, hi] instead of [-1, 1]. */
  range?: [number, number];
  /** Per input: a count k makes it int32 ids drawn from [0, k) (torch gets a long tensor, no gradient). */
  ints?: readonly (number | null)[];
  /** Per input: fixed values (row-major) instead of random ones (a key-padding mask with no all-masked row). */
  values?: readonly (readonly number[] | null)[];
}

interface Wire {
  shape: number[];
  data: number[];
  int?: boolean;
}
const wire = (x: NDArray): Wire => ({ shape: x.shape.slice(), data: Array.from(x.toTyped() as Float32Array), ...(x.dtype === 'int32' ? { int: true } : {}) });

/** An input of the case: uniform floats, or int32 ids in [0, k). */
function inputOf(c: LayerCase, i: number, shape: number[]): NDArray {
  const k = c.ints?.[i];
  const fixed = c.values?.[i];
  if (fixed) return np.array([...fixed], { dtype: k ? 'int32' : 'float32' }).reshape(shape);
  const [lo, hi] = c.range ?? [-1, 1];
  if (!k) return np.random.uniform(lo, hi, shape);
  const n = shape.reduce((a, b) => a * b, 1);
  return np
    .array(
      Array.from({ length: n }, () => Math.floor(Math.random() * k)),
      { dtype: 'int32' },
    )
    .reshape(shape);
}

interface Ours {
  y: NDArray;
  gx: (NDArray | null)[];
  gp: Map<string, NDArray>;
  state: Map<string, NDArray>;
}

/** The layer's forward and backward in the engine: loss = Σ y·g with g random (fixed per case). */
function runEngine(c: LayerCase, g: NDArray): { ours: Ours; xs: NDArray[]; params: Map<string, Wire>; stateNames: string[] } {
  const spec = layerSpec(c.kind);
  const layer = createLayer(c.kind, c.attrs ?? {}, { prefix: 'layer_' });
  layer.initialize(new init.Uniform(0.5));
  const xs = c.inputs.map((s, i) => inputOf(c, i, s));
  layer.call(...xs); // finishes deferred initialization (prediction mode: no state changes)
  const stateNames = [...(spec.stateParams ?? [])];
  const paramsByShort = layer.structuralParams();
  const params = new Map([...paramsByShort].map(([k, p]) => [k, wire(p.data())]));
  xs.forEach((x) => {
    if (x.dtype !== 'int32') x.attachGrad();
  });
  let y: NDArray | null = null;
  const loss = autograd.record(() => (y = layer.call(...xs)).mul(g).sum(), { trainMode: c.training === true });
  loss.backward();
  const gp = new Map<string, NDArray>();
  const state = new Map<string, NDArray>();
  for (const [k, p] of paramsByShort) {
    if (stateNames.includes(k)) state.set(k, p.data());
    else if (p.gradReq !== 'null') gp.set(k, p.grad());
  }
  return { ours: { y: y!, gx: xs.map((x) => x.grad), gp, state }, xs, params, stateNames };
}

const PYTHON = String.raw`
import json, sys
import torch
import torch.nn.functional as F
torch.set_default_dtype(torch.float64)
def t(w, grad=False):
    if w.get('int'):
        return torch.tensor(w['data'], dtype=torch.long).reshape(w['shape'])
    return torch.tensor(w['data'], dtype=torch.float64).reshape(w['shape']).requires_grad_(grad)
def out(x):
    return {'shape': list(x.shape), 'data': x.detach().reshape(-1).tolist()}
res = []
for c in json.load(open(sys.argv[1])):
    try:
        xs = [t(x, True) for x in c['xs']]
        p = {k: t(v, k not in c['state']) for k, v in c['params'].items()}
        a = c['attrs']
        y = eval(c['torch'])
        (y * t(c['g'])).sum().backward()
        res.append({'y': out(y), 'gx': [out(x.grad) if x.grad is not None else None for x in xs],
                    'gp': {k: out(v.grad) for k, v in p.items() if v.grad is not None},
                    'state': {k: out(p[k]) for k in c['state']}})
    except Exception as e:
        res.append({'error': repr(e)})
json.dump(res, open(sys.argv[2], 'w'))
`;

/** The largest |ours − theirs| relative to max|theirs| (shapes must agree). */
export function relativeError(ours: NDArray, theirs: Wire): number {
  if (JSON.stringify(ours.shape) !== JSON.stringify(theirs.shape)) return Infinity;
  const a = ours.toTyped() as Float32Array;
  let diff = 0;
  let scale = 0;
  theirs.data.forEach((v, i) => {
    diff = Math.max(diff, Math.abs(a[i]! - v));
    scale = Math.max(scale, Math.abs(v));
  });
  return diff / Math.max(scale, 1e-6);
}

/** Runs every case; returns one line per mismatch (empty when the engine agrees with torch everywhere). */
export function compareWithTorch(cases: LayerCase[], tolerance = 1e-4): string[] {
  const runs = cases.map((c) => {
    const outShape = layerSpec(c.kind).outputShape(withDefaults(layerSpec(c.kind), c.attrs ?? {}), c.inputs);
    const g = np.random.uniform(-1, 1, outShape);
    return { c, g, ...runEngine(c, g) };
  });
  const dir = mkdtempSync(join(tmpdir(), 'layer-oracle-'));
  try {
    const input = runs.map((r) => ({
      torch: r.c.torch,
      attrs: withDefaults(layerSpec(r.c.kind), r.c.attrs ?? {}),
      xs: r.xs.map(wire),
      params: Object.fromEntries(r.params),
      state: r.stateNames,
      g: wire(r.g),
    }));
    writeFileSync(join(dir, 'in.json'), JSON.stringify(input));
    execFileSync('/usr/bin/python3', ['-c', PYTHON, join(dir, 'in.json'), join(dir, 'out.json')], { stdio: ['ignore', 'inherit', 'inherit'] });
    const results = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as (
      { error: string } | { y: Wire; gx: (Wire | null)[]; gp: Record<string, Wire>; state: Record<string, Wire> }
    )[];
    const problems: string[] = [];
    results.forEach((r, i) => {
      const { c, ours } = runs[i]!;
      if ('error' in r) {
        problems.push(`${c.name}: torch failed: ${r.error}`);
        return;
      }
      const check = (what: string, x: NDArray, w: Wire | null | undefined): void => {
        if (!w) {
          problems.push(`${c.name}: torch has no ${what}`);
          return;
        }
        const e = relativeError(x, w);
        if (!(e <= tolerance))
          problems.push(
            `${c.name}: ${what} differs from torch (relative error ${e.toExponential(2)}; shapes ${JSON.stringify(x.shape)} / ${JSON.stringify(w.shape)})`,
          );
      };
      check('output', ours.y, r.y);
      ours.gx.forEach((gx, k) => {
        if (gx) check(`gradient of input ${k}`, gx, r.gx[k]);
      });
      for (const [k, gp] of ours.gp) check(`gradient of ${k}`, gp, r.gp[k]);
      for (const [k, s] of ours.state) check(`state ${k} after the step`, s, r.state[k]);
    });
    return problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
