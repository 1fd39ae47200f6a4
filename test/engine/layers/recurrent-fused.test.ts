// The fused recurrent layer (engine/ops/recurrent.ts on oneDNN's RNN primitives, issue 16):
// RNN tanh / relu, LSTM and GRU, one and two layers, bidirectional, TNC and NTC, with and without
// begin states, forward (output and final states) and backward (input, every parameter, h0, c0)
// against PyTorch's own kernels in float64 (torch._VF.lstm / gru / rnn_*), against the composed
// cells the layer runs on other devices, and against central finite differences on a tiny case.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { autograd, createLayer, init, np, type NDArray } from '../../../engine/index.ts';
import type { RecurrentLayer } from '../../../engine/nn/layers/recurrent.ts';
import { recurrentLayer, recurrentOptions } from '../../../engine/ops/recurrent.ts';
import { relativeError } from '../support/layer-oracle.ts';

interface Case {
  kind: 'LSTM' | 'GRU' | 'RNN';
  attrs: Record<string, unknown>;
  x: number[];
  begin: boolean;
}

const CASES: Case[] = [
  { kind: 'LSTM', attrs: { hiddenSize: 3, numLayers: 2, bidirectional: true }, x: [4, 2, 5], begin: true },
  { kind: 'LSTM', attrs: { hiddenSize: 32, layout: 'NTC' }, x: [3, 8, 16], begin: false },
  { kind: 'GRU', attrs: { hiddenSize: 3, bidirectional: true }, x: [3, 2, 4], begin: true },
  { kind: 'GRU', attrs: { hiddenSize: 5, numLayers: 2 }, x: [6, 3, 4], begin: false },
  { kind: 'RNN', attrs: { hiddenSize: 4, numLayers: 2, activation: 'tanh' }, x: [5, 3, 2], begin: true },
  { kind: 'RNN', attrs: { hiddenSize: 4, activation: 'relu', bidirectional: true, layout: 'NTC' }, x: [2, 5, 3], begin: true },
];

const layers = (c: Case): number => (c.attrs.numLayers as number | undefined) ?? 1;
const dirs = (c: Case): string => (c.attrs.bidirectional ? 'lr' : 'l');

/** torch's call on x, h0 (c0) and the flat weights p, as the layer's attributes say. */
function torchCall(c: Case): string {
  const flat = `[p[f'{d}{l}_{k}'] for l in range(${layers(c)}) for d in '${dirs(c)}' for k in ('i2h_weight', 'h2h_weight', 'i2h_bias', 'h2h_bias')]`;
  const tail = `True, ${layers(c)}, 0.0, False, ${c.attrs.bidirectional ? 'True' : 'False'}, ${c.attrs.layout === 'NTC' ? 'True' : 'False'}`;
  if (c.kind === 'LSTM') return `torch._VF.lstm(x, (h0, c0), ${flat}, ${tail})`;
  if (c.kind === 'GRU') return `torch._VF.gru(x, h0, ${flat}, ${tail})`;
  return `torch._VF.rnn_${String(c.attrs.activation)}(x, h0, ${flat}, ${tail})`;
}

const PYTHON = String.raw`
import json, sys, torch
t = lambda w: torch.tensor(w['data'], dtype=torch.float64).reshape(w['shape']).requires_grad_()
wire = lambda v: None if v is None else {'shape': list(v.shape), 'data': v.reshape(-1).tolist()}
out = []
for c in json.load(sys.stdin):
    x, h0, c0 = t(c['x']), t(c['h0']), t(c['c0'])
    p = {k: t(v) for k, v in c['p'].items()}
    r = eval(c['torch'])
    sum(((v * t(g)).sum() for v, g in zip(r, c['g'])), torch.zeros(())).backward()
    out.append({'outs': [wire(v) for v in r], 'gx': wire(x.grad), 'gh0': wire(h0.grad), 'gc0': wire(c0.grad),
                'gp': {k: wire(v.grad) for k, v in p.items()}})
print(json.dumps(out))
`;

interface Run {
  outs: NDArray[];
  gx: NDArray;
  gh0: NDArray;
  gc0: NDArray | null;
  gp: Map<string, NDArray>;
  /** Whether the output came from the fused op (its tape node reads the recurrentLayer's packed output). */
  fused: boolean;
}

interface Prepared {
  c: Case;
  layer: RecurrentLayer;
  x: NDArray;
  h0: NDArray;
  c0: NDArray;
  g: NDArray[];
}

function prepare(c: Case, seed: number): Prepared {
  const layer = createLayer(c.kind, c.attrs, { prefix: 'rnn_' }) as RecurrentLayer;
  layer.initialize(new init.Uniform(0.5));
  const x = np.random.uniform(-1, 1, c.x, { seed });
  layer.call(x); // settles the deferred input size
  const n = c.attrs.layout === 'NTC' ? c.x[0]! : c.x[1]!;
  const h = c.attrs.hiddenSize as number;
  const state = [layers(c) * dirs(c).length, n, h];
  const [h0, c0] = [np.random.uniform(-1, 1, state, { seed: seed + 1 }), np.random.uniform(-1, 1, state, { seed: seed + 2 })];
  const t = c.attrs.layout === 'NTC' ? c.x[1]! : c.x[0]!;
  const y = c.attrs.layout === 'NTC' ? [n, t, h * dirs(c).length] : [t, n, h * dirs(c).length];
  const g = [y, state, ...(c.kind === 'LSTM' ? [state] : [])].map((s, i) => np.random.uniform(-1, 1, s, { seed: seed + 3 + i }));
  return { c, layer, x, h0, c0, g };
}

/** Forward with states and the gradient of Σ out_k · g_k, through whichever path recurrentOptions picks. */
function run(p: Prepared): Run {
  const x = p.x.copy();
  const h0 = p.h0.copy();
  const c0 = p.c0.copy();
  for (const a of [x, h0, c0]) a.attachGrad();
  const params = [...p.layer.structuralParams()];
  let outs: NDArray[] = [];
  const loss = autograd.record(() => {
    const [y, states] = p.layer.forwardState(x, p.c.begin ? h0 : undefined, p.c.begin && p.c.kind === 'LSTM' ? c0 : undefined);
    outs = [y, ...states];
    return outs.map((o, k) => o.mul(p.g[k]!).sum()).reduce((a, b) => a.add(b));
  });
  const fused = taped(loss, 'recurrentLayer');
  loss.backward();
  return {
    outs,
    gx: x.grad!,
    gh0: h0.grad!,
    gc0: p.c.kind === 'LSTM' ? c0.grad! : null,
    gp: new Map(params.map(([k, v]) => [k, v.grad().copy()])),
    fused,
  };
}

/** Whether op appears on the tape behind y (walked before backward frees it). */
function taped(y: NDArray, op: string): boolean {
  const seen = new Set<NDArray>();
  const stack = [y];
  while (stack.length) {
    const v = stack.pop()!;
    if (seen.has(v) || !v._node) continue;
    seen.add(v);
    if (v._node.op === op) return true;
    stack.push(...v._node.inputs);
  }
  return false;
}

const wire = (a: NDArray) => ({ shape: a.shape.slice(), data: Array.from(a.toTyped() as Float32Array) });

test("the fused layer equals torch's kernels forward and backward (output, final states, input, parameter and begin-state gradients)", () => {
  const prepared = CASES.map((c, i) => prepare(c, 10 * i + 1));
  const ours = prepared.map(run);
  const wires = prepared.map((p) => ({
    torch: torchCall(p.c),
    x: wire(p.x),
    h0: wire(p.c.begin ? p.h0 : np.zerosLike(p.h0)),
    c0: wire(p.c.begin && p.c.kind === 'LSTM' ? p.c0 : np.zerosLike(p.c0)),
    p: Object.fromEntries([...p.layer.structuralParams()].map(([k, v]) => [k, wire(v.data())])),
    g: p.g.map(wire),
  }));
  type Wire = { shape: number[]; data: number[] };
  const theirs = JSON.parse(execFileSync('/usr/bin/python3', ['-c', PYTHON], { input: JSON.stringify(wires), encoding: 'utf8' })) as {
    outs: Wire[];
    gx: Wire;
    gh0: Wire;
    gc0: Wire;
    gp: Record<string, Wire>;
  }[];
  const bad: string[] = [];
  const cmp = (what: string, a: NDArray, b: Wire): void => {
    const err = relativeError(a, b);
    if (!(err <= 1e-4)) bad.push(`${what}: relative error ${err}`);
  };
  ours.forEach((o, i) => {
    const c = CASES[i]!;
    const name = `${c.kind} ${JSON.stringify(c.attrs)}${c.begin ? ' with begin states' : ''}`;
    assert.ok(o.fused, `${name} ran the fused op`);
    assert.equal(o.outs.length, theirs[i]!.outs.length);
    o.outs.forEach((a, k) => cmp(`${name} output ${k}`, a, theirs[i]!.outs[k]!));
    cmp(`${name} dx`, o.gx, theirs[i]!.gx);
    if (c.begin) cmp(`${name} dh0`, o.gh0, theirs[i]!.gh0);
    if (c.begin && o.gc0) cmp(`${name} dc0`, o.gc0, theirs[i]!.gc0);
    for (const [k, g] of o.gp) cmp(`${name} d${k}`, g, theirs[i]!.gp[k]!);
  });
  assert.deepEqual(bad, []);
});

// With dropout between 3 layers: both paths draw the same masks from the same seed.
const DROPOUT: Case = { kind: 'LSTM', attrs: { hiddenSize: 4, numLayers: 3, dropout: 0.5, bidirectional: true }, x: [4, 3, 5], begin: true };

test('the fused layer agrees with the composed cells (the path other devices take), forward and backward, dropout between layers too', () => {
  const bad: string[] = [];
  [...CASES, DROPOUT].forEach((c, i) => {
    const p = prepare(c, 100 + i);
    np.random.seed(42);
    const fused = run(p);
    recurrentOptions.fused = false;
    let composed: Run;
    try {
      np.random.seed(42);
      composed = run(p);
    } finally {
      recurrentOptions.fused = true;
    }
    assert.ok(fused.fused && !composed.fused, 'one run of each path');
    const pairs: [string, NDArray, NDArray | null][] = [
      ...fused.outs.map((a, k): [string, NDArray, NDArray] => [`output ${k}`, a, composed.outs[k]!]),
      ['dx', fused.gx, composed.gx],
      ['dh0', fused.gh0, composed.gh0],
      ['dc0', fused.gc0!, composed.gc0],
      ...[...fused.gp].map(([k, g]): [string, NDArray, NDArray] => [`d${k}`, g, composed.gp.get(k)!]),
    ];
    for (const [what, a, b] of pairs) {
      if (!b) continue;
      const err = relativeError(a, wire(b));
      if (!(err <= 1e-4)) bad.push(`${c.kind} ${JSON.stringify(c.attrs)} ${what}: relative error ${err}`);
    }
  });
  assert.deepEqual(bad, []);
});

test('the fused gradients match central finite differences of the fused forward (LSTM, GRU, RNN; float32, eps 1e-2)', () => {
  for (const kind of ['LSTM', 'GRU', 'RNN'] as const) {
    const c: Case = { kind, attrs: { hiddenSize: 2, bidirectional: true, activation: 'tanh' }, x: [3, 2, 2], begin: true };
    const p = prepare(c, 7);
    const ours = run(p);
    const loss = (): number => {
      const [y, states] = p.layer.forwardState(p.x, p.h0, kind === 'LSTM' ? p.c0 : undefined);
      return [y, ...states].map((o, k) => o.mul(p.g[k]!).sum().item() as number).reduce((a, b) => a + b);
    };
    const eps = 1e-2;
    const probe = (what: string, arr: NDArray, grad: NDArray): void => {
      const data = arr.toTyped() as Float32Array;
      const g = grad.toTyped() as Float32Array;
      for (let j = 0; j < data.length; j++) {
        const keep = data[j]!;
        const at = (v: number): number => {
          data[j] = v;
          np.array(data, { shape: arr.shape.slice() }).copyto(arr);
          return loss();
        };
        const num = (at(keep + eps) - at(keep - eps)) / (2 * eps);
        at(keep);
        assert.ok(Math.abs(num - g[j]!) <= 1e-2 * Math.max(Math.abs(num), 1), `${kind} ${what}[${j}]: backward ${g[j]}, finite difference ${num}`);
      }
    };
    probe('x', p.x, ours.gx);
    probe('h0', p.h0, ours.gh0);
    if (ours.gc0) probe('c0', p.c0, ours.gc0);
    for (const [k, param] of p.layer.structuralParams()) probe(k, param.data(), ours.gp.get(k)!);
  }
});

test('the fused op checks its operands: a weight of the wrong shape and a float64 input are errors naming recurrentLayer', () => {
  const x = np.random.uniform(-1, 1, [3, 2, 4]);
  const w = { wIh: np.zeros([12, 4]), wHh: np.zeros([12, 4]), bIh: np.zeros([12]), bHh: np.zeros([12]) };
  assert.deepEqual(recurrentLayer('gru', x, w, null, null, 4, 1).y.shape, [3, 2, 4]);
  assert.throws(() => recurrentLayer('rnnTanh', x, w, null, null, 4, 1), /recurrentLayer: wIh must hold \(1, 4, 4\), got \(12, 4\)/);
  assert.throws(() => recurrentLayer('gru', x.astype('float64'), w, null, null, 4, 1), /recurrentLayer: x must be float32 on the CPU, got float64/);
});
