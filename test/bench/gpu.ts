// GPU benchmark: GEMM GFLOP/s, elementwise GB/s and MLP forward latency on gpu(0) against cpu(0).
// Prints "no GPU: <reason>" and exits 0 on machines without one (CI), so it can run anywhere.
//   node --import tsx test/bench/gpu.ts
// Every timing ends with a read of one element, which waits for the GPU stream: kernels are
// queued asynchronously, and timing only the queueing would overstate the GPU by orders.
import { performance } from 'node:perf_hooks';
import { cpu, gpu, np, numGpus, type Device } from '../../engine/index.ts';
import { Dense, NamingScope, Sequential, withNamingScope } from '../../engine/index.ts';
import { native } from '../../engine/backend/backend.ts';
import { BINARY_OP, DEVICE_TYPE, DTYPE_CODE, type NativeBuffer } from '../../engine/backend/native-addon.ts';

const addon = native();
if (numGpus() === 0) {
  console.log(`no GPU: ${addon.capabilities().cudaReason || 'numGpus() is 0'}`);
  process.exit(0);
}

const F32 = DTYPE_CODE.float32;
const one = new Float32Array(1);

/** Median ms per call of fn, after warm-up; `sync` waits for the device. */
function time(fn: () => void, sync: () => void, minMs = 300): number {
  for (let i = 0; i < 3; i++) fn();
  sync();
  const samples: number[] = [];
  const end = performance.now() + minMs;
  while (performance.now() < end || samples.length < 5) {
    const t0 = performance.now();
    fn();
    sync();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1]!;
}

function buffer(type: number, n: number): NativeBuffer {
  const b = addon.alloc(type as 1 | 2, 0, n * 4);
  addon.randomUniform(F32, b, n, -1, 1, 1, 0);
  return b;
}

const caps = addon.capabilities();
console.log(`gpu(0): ${caps.gpus?.[0]?.name ?? '?'} (compute ${caps.gpus?.[0]?.computeCapability ?? '?'}); cpu threads: ${caps.threads}`);

console.log('\nGEMM float32 (m = n = k), GFLOP/s');
for (const n of [256, 1024, 2048, 4096]) {
  const row: string[] = [];
  for (const type of [DEVICE_TYPE.cpu, DEVICE_TYPE.gpu]) {
    if (type === DEVICE_TYPE.cpu && n > 2048) {
      row.push('cpu -');
      continue;
    }
    const a = buffer(type, n * n),
      b = buffer(type, n * n),
      c = buffer(type, n * n);
    const ms = time(
      () => addon.matmul(F32, a, b, c, 1, n, n, n, false, false, 0, 0),
      () => addon.read(c, 0, one),
    );
    row.push(`${type === DEVICE_TYPE.cpu ? 'cpu' : 'gpu'} ${((2 * n ** 3) / (ms * 1e6)).toFixed(1)}`);
    for (const x of [a, b, c]) addon.dispose(x);
  }
  console.log(`  ${String(n).padStart(5)}: ${row.join('   ')}`);
}

console.log('\nelementwise add float32 (2 reads + 1 write per element), GB/s');
for (const n of [1 << 16, 1 << 20, 1 << 24]) {
  const row: string[] = [];
  for (const type of [DEVICE_TYPE.cpu, DEVICE_TYPE.gpu]) {
    const a = buffer(type, n),
      b = buffer(type, n),
      c = buffer(type, n);
    const ms = time(
      () => addon.binary(BINARY_OP.add, F32, a, [1], b, [1], c, [n]),
      () => addon.read(c, 0, one),
    );
    row.push(`${type === DEVICE_TYPE.cpu ? 'cpu' : 'gpu'} ${((3 * 4 * n) / (ms * 1e6)).toFixed(1)}`);
    for (const x of [a, b, c]) addon.dispose(x);
  }
  console.log(`  n=2^${Math.log2(n)}: ${row.join('   ')}`);
}

console.log('\nMLP forward (784 -> 256 relu -> 256 relu -> 10), ms per batch');
for (const batch of [1, 64, 1024]) {
  const row: string[] = [];
  for (const device of [cpu(), gpu(0)] as Device[]) {
    const net = withNamingScope(new NamingScope(), () =>
      new Sequential().add(new Dense(256, { activation: 'relu' }), new Dense(256, { activation: 'relu' }), new Dense(10)),
    );
    net.initialize({ device });
    const x = np.random.uniform(0, 1, [batch, 784], { device });
    let y = net.call(x);
    const ms = time(
      () => {
        y = net.call(x);
      },
      () => addon.read(y.buffer, 0, one),
    );
    row.push(`${device} ${ms.toFixed(3)}`);
  }
  console.log(`  batch ${String(batch).padStart(4)}: ${row.join('   ')}`);
}
