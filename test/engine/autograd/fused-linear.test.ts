// The fused linear under autograd: the activation stays in the inner product (relu, sigmoid, tanh),
// backward is one native linearBackward that skips the gradient of an input nobody asked for and
// writes a leaf's gradient straight into its .grad. Checked against the unfused op sequence, against
// central finite differences (float64), and for gradReq write/add and tied weights.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { autograd, Dense, np, npx, Sequential, type NDArray } from '../../../engine/index.ts';
import { installAddon, native } from '../../../engine/backend/backend.ts';
import { unary } from '../../../engine/ops/elementwise.ts';
import type { NativeAddon } from '../../../engine/backend/native-addon.ts';

const ACTS = ['relu', 'sigmoid', 'tanh'] as const;

function maxDiff(a: NDArray, b: NDArray): number {
  assert.deepEqual(a.shape, b.shape);
  const x = a.toTyped() as Float32Array;
  const y = b.toTyped() as Float32Array;
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i]! - y[i]!));
  return d;
}

/** Records the calls the engine makes to `fn` of the addon while `body` runs. */
function spyOn<K extends keyof NativeAddon>(fn: K, body: () => void): unknown[][] {
  const real = native();
  const calls: unknown[][] = [];
  installAddon(
    new Proxy(real, {
      get(target, prop) {
        const v = target[prop as keyof NativeAddon] as unknown;
        if (prop !== fn || typeof v !== 'function') return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        return (...args: unknown[]) => {
          calls.push(args);
          return (v as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }),
  );
  try {
    body();
  } finally {
    installAddon(real);
  }
  return calls;
}

/** x·wᵀ + b then the activation, as separate recorded ops (the unfused reference). */
function unfused(x: NDArray, w: NDArray, b: NDArray, act: (typeof ACTS)[number]): NDArray {
  return unary(act, npx.linear(x, w, b));
}

describe('fused linear under autograd', () => {
  for (const act of ACTS) {
    for (const [rows, inUnits, outUnits] of [
      [4, 5, 3],
      [64, 100, 80],
    ] as const) {
      test(`${act} ${rows}x${inUnits}->${outUnits}: values and gradients match the unfused ops`, () => {
        const x = np.random.uniform(-1, 1, [rows, inUnits], { seed: 1 });
        const w = np.random.uniform(-1, 1, [outUnits, inUnits], { seed: 2 });
        const b = np.random.uniform(-1, 1, [outUnits], { seed: 3 });
        const head = np.random.uniform(-1, 1, [rows, outUnits], { seed: 4 });
        const grads = (fused: boolean): NDArray[] => {
          for (const a of [x, w, b]) a.attachGrad();
          const y = autograd.record(() => (fused ? npx.linear(x, w, b, { activation: act }) : unfused(x, w, b, act)));
          y.backward(head);
          return [y, x.grad!, w.grad!, b.grad!].map((a) => a.copy());
        };
        const f = grads(true);
        const u = grads(false);
        // relu is exact either way; sigmoid/tanh as a post-op may differ from the eltwise kernel by an ulp.
        const tol = act === 'relu' ? 0 : 1e-5;
        for (let i = 0; i < 4; i++) assert.ok(maxDiff(f[i]!, u[i]!) <= tol * (i === 0 ? 1 : inUnits + rows), `output/grad ${i}: ${maxDiff(f[i]!, u[i]!)}`);
      });
    }
  }

  test('gelu and softrelu keep a separate recorded activation and still differentiate', () => {
    for (const act of ['gelu', 'softrelu'] as const) {
      const x = np.random.uniform(-1, 1, [3, 4], { seed: 5 });
      const w = np.random.uniform(-1, 1, [2, 4], { seed: 6 });
      w.attachGrad();
      const y = autograd.record(() => npx.linear(x, w, null, { activation: act }));
      assert.equal(y._node?.op, act);
      y.backward();
      const w2 = w.copy();
      w2.attachGrad();
      autograd.record(() => unary(act, npx.linear(x, w2))).backward();
      assert.ok(maxDiff(w.grad!, w2.grad!) <= 1e-6);
    }
  });

  test('the input gradient is not computed when the input does not track one, and is when it does', () => {
    const net = new Sequential().add(new Dense(8, { activation: 'relu', inUnits: 6 }), new Dense(3, { inUnits: 8 }));
    net.initialize();
    const x = np.random.uniform(-1, 1, [5, 6], { seed: 7 });
    const run = (): NDArray => autograd.record(() => net.call(x).square().sum());
    let calls = spyOn('linearBackward', () => run().backward());
    assert.equal(calls.length, 2);
    const first = calls.find((c) => c[10] === 6)!; // inUnits 6: the first layer
    assert.equal(first[6], null, 'dx of the first layer is skipped');
    assert.notEqual(calls.find((c) => c[10] === 8)![6], null, 'the hidden layer still propagates');
    const wGrad = net.at<Dense>(0).weight.grad().copy();

    x.attachGrad();
    calls = spyOn('linearBackward', () => run().backward());
    assert.notEqual(calls.find((c) => c[10] === 6)![6], null, 'dx computed once x has attachGrad');
    assert.deepEqual(net.at<Dense>(0).weight.grad().toArray(), wGrad.toArray(), 'parameter gradients unchanged');
    // x.grad against the same network written with unfused ops.
    const [d0, d1] = [net.at<Dense>(0), net.at<Dense>(1)];
    const x2 = x.copy();
    x2.attachGrad();
    autograd
      .record(() =>
        npx
          .linear(npx.linear(x2, d0.weight.data(), d0.bias!.data()).relu(), d1.weight.data(), d1.bias!.data())
          .square()
          .sum(),
      )
      .backward();
    assert.ok(maxDiff(x.grad!, x2.grad!) <= 1e-6);
  });

  test('gradients against central finite differences (float64, every activation, input with attachGrad)', () => {
    for (const act of ACTS) {
      const x = np.random.uniform(-1, 1, [3, 4], { seed: 8, dtype: 'float64' });
      const w = np.random.uniform(-1, 1, [5, 4], { seed: 9, dtype: 'float64' });
      const b = np.random.uniform(-1, 1, [5], { seed: 10, dtype: 'float64' });
      const c = np.random.uniform(-1, 1, [3, 5], { seed: 11, dtype: 'float64' });
      const f = (): NDArray => npx.linear(x, w, b, { activation: act }).mul(c).sum();
      for (const a of [x, w, b]) a.attachGrad();
      autograd.record(f).backward();
      for (const a of [x, w, b]) {
        const g = a.grad!.toTyped() as Float64Array;
        const v = a.toTyped() as Float64Array;
        for (let i = 0; i < v.length; i++) {
          const eps = 1e-6;
          const at = (d: number): number => {
            const p = Float64Array.from(v);
            p[i] = v[i]! + d;
            a.set(null, np.array(p, { shape: a.shape.slice(), dtype: 'float64' }));
            return Number(autograd.pause(f).item());
          };
          const num = (at(eps) - at(-eps)) / (2 * eps);
          a.set(null, np.array(v, { shape: a.shape.slice(), dtype: 'float64' }));
          assert.ok(Math.abs(num - g[i]!) <= 1e-5 * Math.max(1, Math.abs(num)), `${act} grad[${i}] ${g[i]} vs ${num}`);
        }
      }
    }
  });

  test("gradReq 'write' is written in place, 'add' accumulates, tied weights sum both uses", () => {
    const x = np.random.uniform(-1, 1, [4, 6], { seed: 12 });
    const w = np.random.uniform(-1, 1, [6, 6], { seed: 13 });
    const b = np.random.uniform(-1, 1, [6], { seed: 14 });
    w.attachGrad('write');
    const grad = w.grad!;
    autograd.record(() => npx.linear(x, w, b, { activation: 'relu' }).sum()).backward();
    const once = w.grad!.copy();
    assert.equal(w.grad, grad, 'the same .grad array');
    autograd.record(() => npx.linear(x, w, b, { activation: 'relu' }).sum()).backward();
    assert.deepEqual(w.grad!.toArray(), once.toArray(), 'write overwrites');

    w.attachGrad('add');
    for (let i = 0; i < 2; i++) autograd.record(() => npx.linear(x, w, b, { activation: 'relu' }).sum()).backward();
    assert.ok(maxDiff(w.grad!, once.mul(2)) <= 1e-5, 'add accumulates');

    // w used twice: both gradients summed (the single-use in-place write must not apply).
    w.attachGrad('write');
    autograd.record(() => npx.linear(npx.linear(x, w, b, { activation: 'tanh' }), w, b).sum()).backward();
    const w2 = w.copy();
    w2.attachGrad();
    autograd.record(() => npx.linear(npx.linear(x, w2, b).tanh(), w2, b).sum()).backward();
    assert.ok(maxDiff(w.grad!, w2.grad!) <= 1e-5);
  });

  test('mixed dtypes take the op-by-op path', () => {
    const x = np.random.uniform(-1, 1, [3, 4], { seed: 15, dtype: 'float64' });
    const w = np.random.uniform(-1, 1, [2, 4], { seed: 16 });
    w.attachGrad();
    x.attachGrad();
    autograd.record(() => npx.linear(x, w, null, { activation: 'relu' }).sum()).backward();
    assert.equal(w.grad!.dtype, 'float32');
    assert.equal(x.grad!.dtype, 'float64');
    const x32 = x.astype('float32');
    const w2 = w.copy();
    w2.attachGrad();
    autograd.record(() => npx.linear(x32, w2, null).relu().sum()).backward();
    assert.ok(maxDiff(w.grad!, w2.grad!) <= 1e-5);
  });
});
