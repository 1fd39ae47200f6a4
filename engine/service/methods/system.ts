// Methods about the engine itself: liveness, devices, and a long cancellable matmul loop (the
// diagnostics that also let tests kill or cancel the engine in the middle of real work).
import { cpu, gpu, np, numGpus } from '../../index.ts';
import { native } from '../../backend/backend.ts';
import type { MethodResult } from '../../protocol/service-api.ts';
import type { Handler } from '../dispatcher.ts';
import { deviceName, gpuUnavailableReason, parseDevice } from '../device-name.ts';

export const ping: Handler<'ping'> = (_params, ctx) => ({
  pid: process.pid,
  uptimeSeconds: (Date.now() - ctx.session.startedAt) / 1000,
  node: process.version,
});

export const listDevices: Handler<'listDevices'> = () => {
  const count = numGpus();
  const devices: MethodResult<'listDevices'>['devices'] = [{ name: deviceName(cpu()), type: 'cpu', index: 0, available: true }];
  for (let i = 0; i < count; i++) devices.push({ name: deviceName(gpu(i)), type: 'gpu', index: i, available: true });
  return { devices, gpuCount: count, gpuReason: gpuUnavailableReason(), cpuThreads: native().capabilities().threads };
};

export const matmulBenchmark: Handler<'matmulBenchmark'> = async (params, ctx) => {
  const device = parseDevice(params.device);
  const n = params.size;
  const a = np.random.uniform(-1, 1, [n, n], { device });
  const b = np.random.uniform(-1, 1, [n, n], { device });
  const started = performance.now();
  let checksum = 0;
  for (let i = 0; i < params.repeats; i++) {
    const c = np.matmul(a, b);
    // Read one value back so the work is really done (GPU kernels run asynchronously).
    checksum += Number(c.get(0, 0).item());
    c.dispose();
    ctx.progress(i + 1, params.repeats);
    await ctx.checkpoint();
  }
  const seconds = (performance.now() - started) / 1000;
  return { repeats: params.repeats, seconds, gflops: (2 * n ** 3 * params.repeats) / seconds / 1e9, checksum };
};
