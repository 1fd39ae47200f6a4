// The engine on a GPU: every place a device appears (creation, copyto / asInContext,
// initialize({device}), deferred init, parameters on several devices, backward, a training step,
// saving parameters that live in GPU memory), each checked against the same work on cpu(0).
// devices.test.ts runs it on real GPUs; simulated-devices.test.ts on simulated ones (CI).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Adam, SGD, SoftmaxCrossEntropyLoss, Trainer, autograd, cpu, np, npx, type Device, type NDArray } from '../../../engine/index.ts';
import { Dense, NamingScope, Sequential, loadArrays, saveArrays } from '../../../engine/index.ts';
import { flat, inScope } from '../nn/model-test-helpers.ts';

function close(what: string, got: NDArray, want: NDArray, rtol = 1e-4): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  const g = flat(got.copyto(cpu())),
    w = flat(want.copyto(cpu()));
  g.forEach((v, i) => assert.ok(Math.abs(v - w[i]!) <= rtol * Math.abs(w[i]!) + 1e-6, `${what}[${i}]: ${v} vs ${w[i]}`));
}

function mlp(run: <T>(fn: () => T) => T): Sequential {
  return run(() => new Sequential().add(new Dense(33, { activation: 'relu' }), new Dense(31, { activation: 'tanh' }), new Dense(1)));
}

/** Defines the suite's tests on devices[0] (and devices[1] for two-device cases, when given). */
export function defineDeviceSuite(devices: Device[], skip: string | false): void {
  const d = devices[0]!;
  const d2 = devices[1];
  const run = inScope(new NamingScope());

  test(`creation on ${d}: ones, arange, array, and seeded random numbers equal to cpu(0)'s`, { skip }, () => {
    const ones = np.ones([2, 3], { device: d });
    assert.equal(ones.device, d);
    assert.deepEqual(flat(ones), [1, 1, 1, 1, 1, 1]);
    assert.deepEqual(
      flat(np.arange(0, 33, 1, { device: d })),
      Array.from({ length: 33 }, (_, i) => i),
    );
    assert.deepEqual(
      np
        .array(
          [
            [1, 2],
            [3, 4],
          ],
          { device: d, dtype: 'int32' },
        )
        .toArray(),
      [
        [1, 2],
        [3, 4],
      ],
    );
    // The counter-based RNG gives the same numbers on every device for one seed.
    const u = np.random.uniform(-1, 1, [1025], { device: d, seed: 7 });
    assert.deepEqual(flat(u), flat(np.random.uniform(-1, 1, [1025], { device: cpu(), seed: 7 })));
    close('normal', np.random.normal(0, 1, [33], { device: d, seed: 7 }), np.random.normal(0, 1, [33], { device: cpu(), seed: 7 }), 1e-6);
  });

  test(`copyto and asInContext between cpu(0) and ${d}`, { skip }, () => {
    const x = np.random.uniform(0, 1, [31, 33], { device: cpu(), seed: 1 });
    const y = x.copyto(d);
    assert.equal(y.device, d);
    assert.deepEqual(flat(y), flat(x));
    assert.equal(y.asInContext(d), y);
    assert.notEqual(x.asInContext(d), x);
    const into = np.zeros([31, 33], { device: d });
    x.copyto(into);
    assert.deepEqual(flat(into.copyto(cpu())), flat(x));
    if (d2) assert.deepEqual(flat(y.copyto(d2).copyto(cpu())), flat(x)); // device to device
  });

  test(`ops on ${d} stay there and match cpu(0)`, { skip }, () => {
    const a = np.random.uniform(-1, 1, [33, 31], { device: cpu(), seed: 2 });
    const b = np.random.uniform(-1, 1, [31], { device: cpu(), seed: 3 });
    const ga = a.copyto(d),
      gb = b.copyto(d);
    const pairs: [string, NDArray, NDArray][] = [
      ['add (broadcast)', ga.add(gb), a.add(b)],
      ['mul by scalar', ga.mul(3), a.mul(3)],
      ['exp', ga.exp(), a.exp()],
      ['sum over axis 0', ga.sum(0), a.sum(0)],
      ['max', ga.max(), a.max()],
      ['dot', ga.dot(gb), a.dot(b)],
      ['transpose copy', ga.T.copy(), a.T.copy()],
      ['softmax', npx.softmax(ga), npx.softmax(a)],
      ['relu', npx.relu(ga), npx.relu(a)],
    ];
    for (const [what, g, c] of pairs) {
      assert.equal(g.device, d, `${what} ran on ${g.device}`);
      close(what, g, c);
    }
  });

  test(`normalization, parametrised activations and padding on ${d}: outputs, gradients and running stats match cpu(0)`, { skip }, () => {
    const x = np.random.uniform(-3, 3, [4, 6, 5, 7], { device: cpu(), seed: 13 });
    const g6 = np.random.uniform(0.5, 1.5, [6], { device: cpu(), seed: 14 });
    const b6 = np.random.uniform(-1, 1, [6], { device: cpu(), seed: 15 });
    const g7 = np.random.uniform(0.5, 1.5, [7], { device: cpu(), seed: 16 });
    const head = np.random.uniform(-1, 1, [4, 6, 5, 7], { device: cpu(), seed: 17 });
    type Fn = (x: NDArray, a: NDArray, b: NDArray, stats: NDArray[]) => NDArray;
    const cases: [string, Fn, NDArray, NDArray][] = [
      ['batchNorm train', (v, a, b, s) => npx.batchNorm(v, a, b, s[0]!, s[1]!, { training: true }), g6, b6],
      ['batchNorm eval', (v, a, b, s) => npx.batchNorm(v, a, b, s[0]!, s[1]!, { training: false }), g6, b6],
      ['layerNorm', (v, a) => npx.layerNorm(v, a, null), g7, b6],
      ['groupNorm', (v, a, b) => npx.groupNorm(v, a, b, { groups: 3 }), g6, b6],
      [
        'leakyRelu, elu, silu, hardSwish, hardSigmoid, selu, tanh-gelu',
        (v) =>
          npx
            .leakyRelu(v, 0.2)
            .add(npx.elu(v, 0.5))
            .add(npx.silu(v, 1.5))
            .add(npx.hardSwish(v))
            .add(npx.hardSigmoid(v))
            .add(npx.selu(v))
            .add(npx.gelu(v, { approximate: 'tanh' })),
        g6,
        b6,
      ],
      ['prelu', (v, a) => npx.prelu(v, a), b6, b6],
    ];
    for (const mode of ['constant', 'reflect', 'replicate'] as const) {
      cases.push([
        `pad ${mode}`,
        (v) =>
          npx
            .pad(v, {
              pads: [
                [2, 1],
                [1, 3],
              ],
              mode,
              value: 0.5,
            })
            .slice(null, null, [1, 6], [2, 9]),
        g6,
        b6,
      ]);
    }
    for (const [what, f, a, b] of cases) {
      const results = [d, cpu()].map((dev) => {
        const [xs, as, bs] = [x, a, b].map((v) => v.copyto(dev));
        const stats = [np.zeros([6], { device: dev }), np.ones([6], { device: dev })];
        [xs, as, bs].forEach((v) => v!.attachGrad());
        const y = autograd.record(() => f(xs!, as!, bs!, stats));
        y.backward(head.copyto(dev));
        assert.equal(y.device, dev, `${what} ran on ${y.device}`);
        return [y, xs!.grad!, as!.grad!, bs!.grad!, ...stats];
      });
      const names = ['y', 'dx', 'da', 'db', 'running mean', 'running var'];
      results[0]!.forEach((v, i) => close(`${what} ${names[i]}`, v, results[1]![i]!));
    }
  });

  test(`take (an embedding lookup) on ${d}: rows and the scatter-added gradient of repeated ids match cpu(0)`, { skip }, () => {
    const table = np.random.uniform(-1, 1, [7, 33], { device: cpu(), seed: 18 });
    const ids = np.array(
      [
        [0, 3, 3, 6],
        [3, 1, 0, 3],
        [5, 5, 5, 2],
      ],
      { dtype: 'int64', device: cpu() },
    );
    const head = np.random.uniform(-1, 1, [3, 4, 33], { device: cpu(), seed: 19 });
    const results = [d, cpu()].map((dev) => {
      const t = table.copyto(dev);
      t.attachGrad();
      const y = autograd.record(() => npx.take(t, ids.copyto(dev).astype('int32')));
      y.backward(head.copyto(dev));
      assert.equal(y.device, dev, `take ran on ${y.device}`);
      return [y, t.grad!];
    });
    close('take rows', results[0]![0]!, results[1]![0]!);
    close('take gradient', results[0]![1]!, results[1]![1]!);
  });

  test(`ops mixing cpu(0) and ${d} throw, naming both devices`, { skip }, () => {
    const a = np.ones([3], { device: cpu() }),
      b = np.ones([3], { device: d });
    assert.throws(
      () => a.add(b),
      (e: Error & { code?: string }) => e.code === 'E_DEVICE_MISMATCH' && e.message.includes('cpu(0)') && e.message.includes(String(d)),
    );
  });

  test(`initialize({device: ${d}}) with deferred shapes: same weights and outputs as on cpu(0)`, { skip }, () => {
    const x = np.random.uniform(-1, 1, [5, 20], { device: cpu(), seed: 4 });
    np.random.seed(11);
    const onGpu = mlp(run);
    onGpu.initialize({ device: d });
    const y = onGpu.call(x.copyto(d)); // shapes are inferred here (deferred initialization)
    assert.equal(y.device, d);
    np.random.seed(11);
    const onCpu = mlp(run);
    onCpu.initialize({ device: cpu() });
    const yc = onCpu.call(x);
    const gp = onGpu.collectParams().values(),
      cp = onCpu.collectParams().values();
    gp.forEach((p, i) => {
      assert.equal(p.data().device, d);
      assert.deepEqual(flat(p.data().copyto(cpu())), flat(cp[i]!.data()), `${p.name}: a seed gives the same weights on every device`);
    });
    close('mlp forward', y, yc);
  });

  test(`parameters on several devices (${[cpu(), ...devices].join(', ')}): listData holds one identical copy each`, { skip }, () => {
    const all = [cpu(), ...devices];
    const net = run(() => new Sequential().add(new Dense(4, { inUnits: 3 })));
    net.initialize({ device: all });
    const w = net.at<Dense>(0).weight;
    assert.deepEqual(w.listDevices(), all);
    assert.deepEqual(
      w.listData().map((a) => a.device),
      all,
    );
    for (const a of w.listData()) assert.deepEqual(flat(a.copyto(cpu())), flat(w.data(cpu())));
    const x = np.ones([2, 3]);
    for (const dev of all) close(`forward on ${dev}`, net.call(x.copyto(dev)), net.call(x));
  });

  test(`backward and an SGD step on ${d} match cpu(0)`, { skip }, () => {
    const x = np.random.uniform(-1, 1, [33, 20], { device: cpu(), seed: 5 });
    const t = np.random.uniform(-1, 1, [33, 1], { device: cpu(), seed: 6 });
    const nets = [d, cpu()].map((dev) => {
      np.random.seed(21);
      const net = mlp(run);
      net.initialize({ device: dev });
      net.call(x.copyto(dev)); // finish deferred init
      return net;
    });
    for (let step = 0; step < 3; step++) {
      nets.forEach((net, k) => {
        const dev = k === 0 ? d : cpu();
        const xs = x.copyto(dev),
          ts = t.copyto(dev);
        const loss = autograd.record(() => net.call(xs).sub(ts).square().mean());
        loss.backward();
        for (const p of net.collectParams().values()) {
          assert.equal(p.grad().device, dev);
          p.data().isub(p.grad().mul(0.1));
        }
      });
      const [gp, cp] = nets.map((n) => n.collectParams().values());
      gp!.forEach((p, i) => close(`step ${step} ${p.name} grad`, p.grad(), cp![i]!.grad(), 1e-3));
    }
    close('trained output', nets[0]!.call(x.copyto(d)), nets[1]!.call(x), 1e-3);
  });

  test(`conv, pool and convTranspose forward and backward on ${d} match cpu(0)`, { skip }, () => {
    const shapes = [[2, 3, 9, 9], [4, 3, 3, 3], [4], [4, 2, 3, 3], [2]];
    const inputs = shapes.map((s, i) => np.random.uniform(-1, 1, s, { device: cpu(), seed: 40 + i }));
    const results = [d, cpu()].map((dev) => {
      const [x, w, b, w2, b2] = inputs.map((a) => a.copyto(dev)) as [NDArray, NDArray, NDArray, NDArray, NDArray];
      [x, w, b, w2, b2].forEach((a) => a.attachGrad());
      const [out, loss] = autograd.record(() => {
        const y = npx.conv(x, w, b, { strides: 2, padding: 1, activation: 'relu' });
        const z = npx.pool(y, { mode: 'max', kernel: 2, ceilMode: true });
        const t = npx.convTranspose(z, w2, b2, { strides: 2, padding: 1, outputPadding: 1 });
        const o = npx.pool(t, { mode: 'avg', kernel: 3, strides: 1, padding: 1, countIncludePad: false });
        return [o, o.square().sum()];
      });
      assert.equal(out.device, dev);
      loss.backward();
      return [out, x.grad!, w.grad!, b.grad!, w2.grad!, b2.grad!];
    });
    // max|Δ| / max|cpu| ≤ 1e-4: the gradients are float32 sums over a batch whose order differs by
    // device, so an element that cancels to near zero keeps only the accuracy of the whole array.
    ['out', 'x.grad', 'w.grad', 'b.grad', 'w2.grad', 'b2.grad'].forEach((what, i) => {
      const g = flat(results[0]![i]!.copyto(cpu())),
        c = flat(results[1]![i]!);
      const scale = Math.max(...c.map(Math.abs));
      g.forEach((v, j) => assert.ok(Math.abs(v - c[j]!) <= 1e-4 * scale, `${what}[${j}]: ${v} vs ${c[j]} (max ${scale})`));
    });
  });

  test(`Trainer (SGD with momentum, Adam) and softmax cross-entropy on ${d} match cpu(0)`, { skip }, () => {
    const x = np.random.uniform(-1, 1, [31, 20], { device: cpu(), seed: 12 });
    const label = np.array(
      Array.from({ length: 31 }, (_, i) => i % 3),
      { device: cpu(), dtype: 'int32' },
    );
    for (const makeOpt of [() => new SGD({ learningRate: 0.1, momentum: 0.9 }), () => new Adam({ learningRate: 0.01 })]) {
      const outputs = [d, cpu()].map((dev) => {
        np.random.seed(31);
        const net = run(() => new Sequential().add(new Dense(16, { activation: 'relu' }), new Dense(3)));
        net.initialize({ device: dev });
        const xs = x.copyto(dev),
          ys = label.copyto(dev);
        net.call(xs);
        // Optimizer state (momentum, moments) must be created where the parameter lives.
        const trainer = new Trainer(net.collectParams(), makeOpt());
        const loss = new SoftmaxCrossEntropyLoss();
        for (let step = 0; step < 3; step++) {
          const l = autograd.record(() => loss.call(net.call(xs), ys));
          l.backward();
          trainer.step(31);
        }
        for (const p of net.collectParams().values()) assert.equal(p.data().device, dev);
        return net.call(xs);
      });
      close(`${makeOpt().constructor.name} trained output`, outputs[0]!, outputs[1]!, 1e-3);
    }
  });

  test(`saving parameters and arrays that live on ${d} (a device-to-host copy)`, { skip }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bs-gpu-save-'));
    try {
      const net = run(() => new Sequential().add(new Dense(3, { inUnits: 4 })));
      net.initialize({ device: d });
      await net.saveParameters(join(dir, 'net.params'));
      const back = run(() => new Sequential().add(new Dense(3, { inUnits: 4 })));
      await back.loadParameters(join(dir, 'net.params'), { device: cpu() });
      assert.deepEqual(flat(back.at<Dense>(0).weight.data()), flat(net.at<Dense>(0).weight.data().copyto(cpu())));
      const arr = np.random.uniform(0, 1, [31], { device: d, seed: 9 });
      await saveArrays(join(dir, 'x.npz'), { x: arr });
      const loaded = (await loadArrays(join(dir, 'x.npz'), { device: d })) as Record<string, NDArray>;
      assert.equal(loaded.x!.device, d);
      assert.deepEqual(flat(loaded.x!), flat(arr));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
