// Suite 2: elementwise throughput in GB/s of memory traffic. add moves 3·n·4 bytes (two reads, one
// write), relu 2·n·4; the memcpy-class references (addon.copyBytes, Buffer.copy) move 2·n·4, fill
// n·4. alloc+fill shows what a fresh output buffer (the engine's case) costs over a reused one.

import { Buffer } from 'node:buffer';
import { np, type NDArray } from '../../engine/index.ts';
import { BINARY_OP, DEVICE_TYPE, DTYPE_CODE, UNARY_OP, type NativeAddon } from '../../engine/backend/native-addon.ts';
import type { BenchOptions } from './options.ts';
import { ratioOf, verdict, type Row } from './report.ts';
import { timeInterleaved, type Timing } from './timing.ts';

export const ELEMENTWISE_SIZES = [1_000_000, 16_000_000];
/** The bench's own target for engine vs raw addon (the spec states none for elementwise). */
export const ELEMENTWISE_GOAL = 0.9;

const F32 = DTYPE_CODE.float32;
const ONE = [1];

type Bw = Timing & { gbps: number; bestGbps: number; bytes: number };

function bw(t: Timing, bytes: number): Bw {
  return { ...t, bytes, gbps: bytes / t.median / 1e9, bestGbps: bytes / t.best / 1e9 };
}

export function sizeLabel(n: number): string {
  const e = Math.floor(Math.log10(n));
  const m = n / 10 ** e;
  return `${Number.isInteger(m) ? m : m.toFixed(1)}e${e}`;
}

export function runElementwiseSuite(addon: NativeAddon, options: BenchOptions, log: (s: string) => void): { rows: Row[]; figures: unknown } {
  const rows: Row[] = [];
  const figures: unknown[] = [];
  const perCall = { minSeconds: options.minSeconds, minReps: options.minReps, warmup: options.warmup };
  // Inputs are shared by the engine and raw variants; only the output differs (fresh vs preallocated).
  for (const n of ELEMENTWISE_SIZES) {
    const bytes = n * 4;
    // Engine: public API, fresh result per call, disposed outside the timed region.
    const a = np.random.uniform(-1, 1, [n], { seed: 3 });
    const b = np.random.uniform(-1, 1, [n], { seed: 4 });
    // Raw addon: the same kernels on the same inputs, into a preallocated output.
    const rout = addon.alloc(DEVICE_TYPE.cpu, 0, bytes);
    addon.fill(F32, rout, n, 0);
    const shape = [n];
    // A JS-side memcpy: Buffer.copy between two preallocated Buffers (single-threaded memmove).
    const src = Buffer.allocUnsafeSlow(bytes).fill(1);
    const dst = Buffer.allocUnsafeSlow(bytes).fill(0);
    // Interleaved call by call, so all variants see the same background noise.
    const t = timeInterleaved(
      [
        { name: 'engineAdd', call: () => a.add(b), cleanup: (r: NDArray) => r.dispose() },
        { name: 'rawAdd', call: () => addon.binary(BINARY_OP.add, F32, a.buffer, ONE, b.buffer, ONE, rout, shape) },
        { name: 'engineRelu', call: () => a.relu(), cleanup: (r: NDArray) => r.dispose() },
        { name: 'rawRelu', call: () => addon.unary(UNARY_OP.relu, F32, a.buffer, rout, n) },
        { name: 'copyBytes', call: () => addon.copyBytes(a.buffer, 0, rout, 0, bytes) },
        { name: 'bufferCopy', call: () => src.copy(dst) },
        // What a fresh output costs: allocate + first touch (page faults) vs writing preallocated memory.
        {
          name: 'freshFill',
          call: () => {
            const o = addon.alloc(DEVICE_TYPE.cpu, 0, bytes);
            addon.fill(F32, o, n, 1);
            addon.dispose(o);
          },
        },
        { name: 'fill', call: () => addon.fill(F32, rout, n, 1) },
      ],
      perCall,
    );
    const engineAdd = bw(t.engineAdd!, 3 * bytes);
    const rawAdd = bw(t.rawAdd!, 3 * bytes);
    const engineRelu = bw(t.engineRelu!, 2 * bytes);
    const rawRelu = bw(t.rawRelu!, 2 * bytes);
    const copyBytes = bw(t.copyBytes!, 2 * bytes);
    const bufferCopy = bw(t.bufferCopy!, 2 * bytes);
    const freshFill = bw(t.freshFill!, bytes);
    const fill = bw(t.fill!, bytes);
    a.dispose();
    b.dispose();
    addon.dispose(rout);

    const label = sizeLabel(n);
    figures.push({ n, engineAdd, engineRelu, rawAdd, rawRelu, copyBytes, bufferCopy, freshFill, fill });
    log(
      `elementwise ${label}: add np ${engineAdd.gbps.toFixed(1)} / raw ${rawAdd.gbps.toFixed(1)} GB/s, relu np ` +
        `${engineRelu.gbps.toFixed(1)} / raw ${rawRelu.gbps.toFixed(1)} GB/s, copyBytes ${copyBytes.gbps.toFixed(1)}, Buffer.copy ${bufferCopy.gbps.toFixed(1)}`,
    );

    const goal = `≥ ${ELEMENTWISE_GOAL * 100}%*`;
    for (const [op, engine, raw] of [
      ['add', engineAdd, rawAdd],
      ['relu', engineRelu, rawRelu],
    ] as const) {
      const r = ratioOf(engine.gbps, raw.gbps);
      const call = op === 'add' ? 'a.add(b)' : 'a.relu()';
      rows.push({
        suite: 'elementwise',
        benchmark: `${op} ${label} f32 ${call}`,
        value: engine.gbps,
        best: engine.bestGbps,
        unit: 'GB/s',
        peerName: 'raw addon',
        peerValue: raw.gbps,
        ratio: r,
        ratioStyle: 'percent',
        goal,
        verdict: verdict(r === null ? null : r >= ELEMENTWISE_GOAL),
      });
      rows.push({
        suite: 'elementwise',
        benchmark: `${op} ${label} f32 raw addon.${op === 'add' ? 'binary' : 'unary'}`,
        value: raw.gbps,
        best: raw.bestGbps,
        unit: 'GB/s',
        peerName: 'copyBytes',
        peerValue: copyBytes.gbps,
        ratio: ratioOf(raw.gbps, copyBytes.gbps),
        ratioStyle: 'percent',
        goal: '',
        verdict: 'info',
      });
    }
    rows.push({
      suite: 'elementwise',
      benchmark: `copy ${label} f32 addon.copyBytes`,
      value: copyBytes.gbps,
      best: copyBytes.bestGbps,
      unit: 'GB/s',
      peerName: 'Buffer.copy',
      peerValue: bufferCopy.gbps,
      ratio: ratioOf(copyBytes.gbps, bufferCopy.gbps),
      ratioStyle: 'percent',
      goal: '',
      verdict: 'info',
    });
    rows.push({
      suite: 'elementwise',
      benchmark: `alloc+fill ${label} f32 (fresh output)`,
      value: freshFill.gbps,
      best: freshFill.bestGbps,
      unit: 'GB/s',
      peerName: 'fill preallocated',
      peerValue: fill.gbps,
      ratio: ratioOf(freshFill.gbps, fill.gbps),
      ratioStyle: 'percent',
      goal: '',
      verdict: 'info',
    });
  }
  return { rows, figures };
}
