// The raw recurrent entry points (native/src/api_rnn.cc on oneDNN's RNN primitives): one time
// step of each cell against its formula written out here (PyTorch's gate order, the GRU's reset
// applied after h·W_hn + b_hn), the packed [y | hn | cn] output, a training forward and backward
// against finite differences of the formula, and the argument checks with their codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addon, buf, close, F32, get, throwsCode } from './helpers';

const sig = (v: number): number => 1 / (1 + Math.exp(-v));
const CELLS = { rnnTanh: 0, rnnRelu: 1, lstm: 2, gru: 3 } as const;

/** One step, N = 1, C = 1, H = 1: gates from w_ih·x + b_ih and w_hh·h + b_hh (PyTorch's order). */
function step(cell: keyof typeof CELLS, x: number, h: number, c: number, wi: number[], wh: number[], bi: number[], bh: number[]): [number, number] {
  const gi = wi.map((w, k) => w * x + bi[k]!);
  const gh = wh.map((w, k) => w * h + bh[k]!);
  if (cell === 'rnnTanh') return [Math.tanh(gi[0]! + gh[0]!), 0];
  if (cell === 'rnnRelu') return [Math.max(0, gi[0]! + gh[0]!), 0];
  if (cell === 'lstm') {
    const [i, f, g, o] = [sig(gi[0]! + gh[0]!), sig(gi[1]! + gh[1]!), Math.tanh(gi[2]! + gh[2]!), sig(gi[3]! + gh[3]!)];
    const c1 = f * c + i * g;
    return [o * Math.tanh(c1), c1];
  }
  const r = sig(gi[0]! + gh[0]!);
  const z = sig(gi[1]! + gh[1]!);
  const n = Math.tanh(gi[2]! + r * gh[2]!);
  return [(1 - z) * n + z * h, 0];
}

const GATES = { rnnTanh: 1, rnnRelu: 1, lstm: 4, gru: 3 } as const;

test('one step of each cell equals its formula (y, hn, and cn for an LSTM), with separate and packed outputs', () => {
  for (const cell of Object.keys(CELLS) as (keyof typeof CELLS)[]) {
    const g = GATES[cell];
    const pick = (k: number): number[] => Array.from({ length: g }, (_, j) => Math.sin(3 * j + k) * 0.9);
    const [wi, wh, bi, bh] = [pick(1), pick(2), pick(3), pick(4)];
    const [x, h0, c0] = [0.7, -0.4, 0.3];
    const [h1, c1] = step(cell, x, h0, c0, wi, wh, bi, bh);
    const ins = [buf(F32, [x]), buf(F32, wi), buf(F32, wh), buf(F32, bi), buf(F32, bh), buf(F32, [h0]), buf(F32, [c0])] as const;
    const [y, hn, cn] = [buf(F32, 1), buf(F32, 1), buf(F32, 1)];
    addon.recurrent(CELLS[cell], [1, 1, 1, 1, 1], ...ins, y, hn, cn, null);
    close(get(F32, y, 1), [h1], 1e-6);
    close(get(F32, hn, 1), [h1], 1e-6);
    if (cell === 'lstm') close(get(F32, cn, 1), [c1], 1e-6);
    const packed = buf(F32, cell === 'lstm' ? 3 : 2);
    addon.recurrent(CELLS[cell], [1, 1, 1, 1, 1], ...ins, packed, null, null, null);
    close(get(F32, packed, cell === 'lstm' ? 3 : 2), cell === 'lstm' ? [h1, h1, c1] : [h1, h1], 1e-6);
  }
});

test('a training forward and its backward: dx, dh0, dc0 and the weight gradients equal finite differences of the formula (two steps)', () => {
  for (const cell of ['lstm', 'gru', 'rnnTanh'] as const) {
    const g = GATES[cell];
    const pick = (k: number): number[] => Array.from({ length: g }, (_, j) => Math.cos(2 * j + k) * 0.8);
    const p = { wi: pick(1), wh: pick(2), bi: pick(3), bh: pick(4) };
    const xs = [0.5, -0.9];
    const [h0, c0] = [0.2, -0.6];
    const dy = [0.3, -0.7];
    const [dhn, dcn] = [0.4, 0.9];
    // L = Σ_t y_t·dy_t + hn·dhn + cn·dcn (the packed gradient), by the formula.
    const loss = (xv: number[], h: number, c: number, q: typeof p): number => {
      let l = 0;
      for (let t = 0; t < xv.length; t++) {
        [h, c] = step(cell, xv[t]!, h, c, q.wi, q.wh, q.bi, q.bh);
        l += h * dy[t]!;
      }
      return l + h * dhn + (cell === 'lstm' ? c * dcn : 0);
    };
    const dims = [2, 1, 1, 1, 1];
    const ins = [buf(F32, xs), buf(F32, p.wi), buf(F32, p.wh), buf(F32, p.bi), buf(F32, p.bh), buf(F32, [h0]), buf(F32, [c0])] as const;
    const ws = addon.alloc(1, 0, Math.max(4, addon.recurrentWorkspaceBytes(CELLS[cell], dims)));
    const n = cell === 'lstm' ? 4 : 3;
    const out = buf(F32, n);
    addon.recurrent(CELLS[cell], dims, ...ins, out, null, null, ws);
    const dout = buf(F32, cell === 'lstm' ? [...dy, dhn, dcn] : [...dy, dhn]);
    const [dx, dwi, dwh, dbi, dbh, dh0, dc0] = [buf(F32, 2), buf(F32, g), buf(F32, g), buf(F32, g), buf(F32, g), buf(F32, 1), buf(F32, 1)];
    addon.recurrentBackward(CELLS[cell], dims, ...ins, out, ws, dout, dx, dwi, dwh, dbi, dbh, dh0, dc0);
    const eps = 1e-5;
    const fd = (f: (e: number) => number): number => (f(eps) - f(-eps)) / (2 * eps);
    const tol = 2e-4;
    close(
      get(F32, dx, 2),
      [0, 1].map((t) =>
        fd((e) =>
          loss(
            xs.map((v, k) => (k === t ? v + e : v)),
            h0,
            c0,
            p,
          ),
        ),
      ),
      tol,
    );
    close(get(F32, dh0, 1), [fd((e) => loss(xs, h0 + e, c0, p))], tol);
    if (cell === 'lstm') close(get(F32, dc0, 1), [fd((e) => loss(xs, h0, c0 + e, p))], tol);
    for (const [key, grad] of [
      ['wi', dwi],
      ['wh', dwh],
      ['bi', dbi],
      ['bh', dbh],
    ] as const) {
      const want = p[key].map((_, j) => fd((e) => loss(xs, h0, c0, { ...p, [key]: p[key].map((v, k) => (k === j ? v + e : v)) })));
      close(get(F32, grad, g), want, tol);
    }
  }
});

test('the entry points check their arguments: dims, buffer sizes, the workspace, the cell code', () => {
  const one = (): ReturnType<typeof buf> => buf(F32, [0.5]);
  const lstmIns = () => [one(), buf(F32, 4), buf(F32, 4), buf(F32, 4), buf(F32, 4), null, null] as const;
  throwsCode(() => addon.recurrent(2, [1, 1, 1, 1], ...lstmIns(), buf(F32, 3), null, null, null), 'E_NATIVE_ARGS', /dims must be \[T, N, C, H, D\]/);
  throwsCode(() => addon.recurrent(2, [1, 1, 1, 1, 3], ...lstmIns(), buf(F32, 3), null, null, null), 'E_NATIVE_ARGS', /D of 1 or 2/);
  throwsCode(() => addon.recurrent(7, [1, 1, 1, 1, 1], ...lstmIns(), buf(F32, 3), null, null, null), 'E_NATIVE_ARGS');
  throwsCode(
    () => addon.recurrent(2, [1, 1, 1, 1, 1], one(), buf(F32, 3), buf(F32, 4), buf(F32, 4), buf(F32, 4), null, null, buf(F32, 3), null, null, null),
    'E_OUT_OF_BOUNDS',
    /wIh needs 4 elements/,
  );
  throwsCode(() => addon.recurrent(2, [1, 1, 1, 1, 1], ...lstmIns(), buf(F32, 2), null, null, null), 'E_OUT_OF_BOUNDS', /packed y needs 3 elements/);
  throwsCode(() => addon.recurrent(2, [1, 1, 1, 1, 1], ...lstmIns(), buf(F32, 3), null, null, buf(F32, 1)), 'E_OUT_OF_BOUNDS', /workspace needs \d+ bytes/);
  assert.ok(addon.recurrentWorkspaceBytes(2, [1, 1, 1, 1, 1]) > 4);
});
