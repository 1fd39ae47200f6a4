// Chapter 5.6 (GPUs), the Gluon parts: a network initialized on tryGpu() computes where its
// parameters live. Runs on cpu(0) when the machine has no GPU; the GPU-only checks skip then.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpu, gpu, np, numGpus, tryGpu } from '../../../engine/index.ts';
import { Dense, ModelError, NamingScope, Sequential } from '../../../engine/index.ts';
import { flat, inScope } from '../nn/model-test-helpers.ts';

const run = inScope(new NamingScope());

test('5.6.3: net.initialize({device: tryGpu()}) puts parameters and outputs on that device', () => {
  const device = tryGpu();
  const net = run(() => new Sequential().add(new Dense(1)));
  net.initialize({ device });
  const x = np.ones([2, 3], { device });
  const y = net.call(x);
  assert.equal(y.device, device);
  const w = net.at<Dense>(0).weight;
  assert.equal(w.data().device, device);
  assert.deepEqual(w.listDevices(), [device]);
  // Both rows see the same input, so both outputs equal sum(w) (bias 0), as in the chapter.
  const [a, b] = flat(y);
  const s = flat(w.data()).reduce((p, q) => p + q, 0);
  assert.equal(a, b);
  assert.ok(Math.abs(a! - s) < 1e-6);
});

test('5.6 exercise 2: parameters are read onto a chosen device with loadParameters({device})', async () => {
  const { mkdtempSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const path = join(mkdtempSync(join(tmpdir(), 'blocksmith-5.6-')), 'net.params');
  const net = run(() => new Sequential().add(new Dense(2, { inUnits: 3 })));
  net.initialize();
  await net.saveParameters(path);
  const clone = run(() => new Sequential().add(new Dense(2)));
  await clone.loadParameters(path, { device: tryGpu() });
  assert.equal(clone.at<Dense>(0).weight.data().device, tryGpu());
  assert.deepEqual(flat(clone.at<Dense>(0).weight.data().copyto(cpu())), flat(net.at<Dense>(0).weight.data()));
});

test('5.6: a parameter read on a device it does not live on says where it lives', () => {
  const net = run(() => new Sequential().add(new Dense(1, { inUnits: 3 })));
  net.initialize(undefined, { device: cpu() });
  assert.throws(
    () => net.at<Dense>(0).weight.data(gpu(3)),
    (e: ModelError) => e.code === 'E_PARAM_DEVICE' && e.message.includes('gpu(3)') && e.message.includes('cpu(0)'),
  );
});

test('5.6: initializing on a GPU the build or machine lacks fails with a clear error', (t) => {
  if (numGpus() > 0) {
    t.skip('this machine has a GPU');
    return;
  }
  const net = run(() => new Sequential().add(new Dense(1, { inUnits: 3 })));
  assert.throws(() => net.initialize(undefined, { device: gpu(0) }), /GPU|cuda|CUDA/);
});

test('5.6: on a GPU, outputs and parameters stay on gpu(0)', (t) => {
  if (numGpus() === 0) {
    t.skip('no GPU on this machine');
    return;
  }
  const net = run(() => new Sequential().add(new Dense(4, { activation: 'relu' }), new Dense(1)));
  net.initialize(undefined, { device: gpu(0) });
  const x = np.random.uniform(0, 1, [2, 3], { device: gpu(0) });
  const y = net.call(x);
  assert.equal(y.device, gpu(0));
  assert.equal(net.at<Dense>(0).weight.data().device, gpu(0));
  // The same values as on the CPU.
  const cpuNet = run(() => new Sequential().add(new Dense(4, { activation: 'relu' }), new Dense(1)));
  cpuNet.initialize(undefined, { device: cpu() });
  for (const [i, p] of cpuNet.collectParams().values().entries()) p.setData(net.collectParams().values()[i]!.data().copyto(cpu()));
  const yc = cpuNet.call(x.copyto(cpu()));
  flat(y.copyto(cpu())).forEach((v, i) => assert.ok(Math.abs(v - flat(yc)[i]!) < 1e-5));
});
