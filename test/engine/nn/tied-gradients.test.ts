// Tied parameters: one Parameter used by two layers is one autograd variable, so its gradient is
// the sum of both uses. Checked in float64 against central finite differences of the whole
// network, and against an untied copy whose two gradients must add up to the tied one.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { np, autograd, type NDArray } from '../../../engine/index.ts';
import { Dense, NamingScope, Sequential, examples, withNamingScope } from '../../../engine/index.ts';
import { flat } from './model-test-helpers.ts';

const f64 = { dtype: 'float64' as const };

const x = np.random.uniform(-1, 1, [7, 4], f64);
const c = np.random.uniform(-1, 1, [7, 3], f64);
const lossOf = (net: Sequential): NDArray => net.call(x).mul(c).sum();

test('tied Dense layers: the gradient equals finite differences of the whole network', () => {
  // a's weight is (6, 5) and b needs (6, 6): tie two layers with the same shapes instead.
  const { net, a, b } = withNamingScope(new NamingScope(), () => {
    const first = new Dense(6, { activation: 'tanh', inUnits: 6, ...f64 });
    const second = new Dense(6, { activation: 'tanh', params: first.params, ...f64 });
    const n = new Sequential().add(new Dense(6, { inUnits: 4, ...f64 }), first, second, new Dense(3, { inUnits: 6, ...f64 }));
    return { net: n, a: first, b: second };
  });
  net.initialize(['xavier', { magnitude: 6 }]);
  assert.equal(a.weight, b.weight);
  const loss = autograd.record(() => lossOf(net));
  loss.backward();
  const grad = flat(a.weight.grad());
  const w = a.weight.data();
  const eps = 1e-6;
  for (const [i, j] of [
    [0, 0],
    [1, 3],
    [5, 5],
    [2, 4],
    [4, 1],
  ] as const) {
    const orig = Number(w.get(i, j).item());
    w.set([i, j], orig + eps);
    const up = Number(lossOf(net).item());
    w.set([i, j], orig - eps);
    const down = Number(lossOf(net).item());
    w.set([i, j], orig);
    const numeric = (up - down) / (2 * eps);
    assert.ok(Math.abs(numeric - grad[i * 6 + j]!) < 1e-6 * Math.max(1, Math.abs(numeric)), `(${i}, ${j}): ${numeric} vs ${grad[i * 6 + j]}`);
  }
});

test("the tied gradient is the sum of the two uses' gradients in an untied copy", () => {
  const tiedNet = withNamingScope(new NamingScope(), () => {
    const first = new Dense(6, { activation: 'tanh', inUnits: 6, ...f64 });
    return {
      first,
      net: new Sequential().add(
        new Dense(6, { inUnits: 4, ...f64 }),
        first,
        new Dense(6, { activation: 'tanh', params: first.params, ...f64 }),
        new Dense(3, { inUnits: 6, ...f64 }),
      ),
    };
  });
  tiedNet.net.initialize('xavier');
  const untied = withNamingScope(new NamingScope(), () =>
    new Sequential().add(
      new Dense(6, { inUnits: 4, ...f64 }),
      new Dense(6, { activation: 'tanh', inUnits: 6, ...f64 }),
      new Dense(6, { activation: 'tanh', inUnits: 6, ...f64 }),
      new Dense(3, { inUnits: 6, ...f64 }),
    ),
  );
  untied.initialize();
  // Copy values: untied layers 1 and 2 both get the shared weight.
  const src = [0, 1, 1, 3].map((i) => tiedNet.net.at<Dense>(i));
  src.forEach((s, i) => {
    untied.at<Dense>(i).weight.setData(s.weight.data());
    untied.at<Dense>(i).bias!.setData(s.bias!.data());
  });
  autograd.record(() => lossOf(tiedNet.net)).backward();
  autograd.record(() => lossOf(untied)).backward();
  const sum = untied.at<Dense>(1).weight.grad().add(untied.at<Dense>(2).weight.grad());
  const tiedGrad = tiedNet.first.weight.grad();
  flat(tiedGrad).forEach((g, i) => assert.ok(Math.abs(g - flat(sum)[i]!) < 1e-12));
  // And it is not just one of them.
  assert.ok(flat(tiedGrad).some((g, i) => Math.abs(g - flat(untied.at<Dense>(1).weight.grad())[i]!) > 1e-9));
});

test('FancyMLP uses its Dense twice: the gradient matches finite differences; the constant gets none', () => {
  const net = withNamingScope(new NamingScope(), () => new examples.FancyMLP());
  net.initialize();
  const xs = np.random.uniform(0, 1, [2, 20]);
  autograd.record(() => net.call(xs)).backward();
  const g = flat(net.dense.bias!.grad());
  const b = net.dense.bias!.data();
  const eps = 1e-3;
  // float32 network: compare with a loose tolerance on the largest-gradient entries.
  const idx = g
    .map((v, i) => [Math.abs(v), i] as const)
    .sort((p, q) => q[0] - p[0])
    .slice(0, 3)
    .map(([, i]) => i);
  for (const i of idx) {
    const orig = Number(b.get(i).item());
    b.set([i], orig + eps);
    const up = Number(net.call(xs).item());
    b.set([i], orig - eps);
    const down = Number(net.call(xs).item());
    b.set([i], orig);
    const numeric = (up - down) / (2 * eps);
    assert.ok(Math.abs(numeric - g[i]!) < 0.05 * Math.abs(numeric) + 1e-3, `bias[${i}]: ${numeric} vs ${g[i]}`);
  }
  assert.equal(net.randWeight.gradReq, 'null');
  assert.equal(net.randWeight.data().grad, null);
});
