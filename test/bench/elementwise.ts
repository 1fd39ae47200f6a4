// Suite 2: elementwise throughput in GB/s of memory traffic. add moves 3·n·4 bytes (two reads, one
// write), relu 2·n·4; the memcpy-class references (addon.copyBytes, Buffer.copy) move 2·n·4.

import { Buffer } from 'node:buffer';
import { np } from '../../engine/index.ts';
import { BINARY_OP, DEVICE_TYPE, DTYPE_CODE, UNARY_OP, type NativeAddon } from '../../engine/backend/native-addon.ts';
import type { BenchOptions } from './options.ts';
import { ratioOf, verdict, type Row } from './report.ts';
import { timePerCall, type Timing } from './timing.ts';

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
  for (const n of ELEMENTWISE_SIZES) {
    const bytes = n * 4;
    // Engine: public API, fresh result per call, disposed outside the timed region.
    const a = np.random.uniform(-1, 1, [n], { seed: 3 });
    const b = np.random.uniform(-1, 1, [n], { seed: 4 });
    const engineAdd = bw(timePerCall(() => a.add(b), perCall, (r) => r.dispose()), 3 * bytes);
    const engineRelu = bw(timePerCall(() => a.relu(), perCall, (r) => r.dispose()), 2 * bytes);
    a.dispose();
    b.dispose();

    // Raw addon: the same kernels into a preallocated output.
    const ra = addon.alloc(DEVICE_TYPE.cpu, 0, bytes);
    const rb = addon.alloc(DEVICE_TYPE.cpu, 0, bytes);
    const rout = addon.alloc(DEVICE_TYPE.cpu, 0, bytes);
    addon.randomUniform(F32, ra, n, -1, 1, 3, 0);
    addon.randomUniform(F32, rb, n, -1, 1, 4, 0);
    const shape = [n];
    const rawAdd = bw(timePerCall(() => addon.binary(BINARY_OP.add, F32, ra, ONE, rb, ONE, rout, shape), perCall), 3 * bytes);
    const rawRelu = bw(timePerCall(() => addon.unary(UNARY_OP.relu, F32, ra, rout, n), perCall), 2 * bytes);
    const copyBytes = bw(timePerCall(() => addon.copyBytes(ra, 0, rout, 0, bytes), perCall), 2 * bytes);
    for (const buf of [ra, rb, rout]) addon.dispose(buf);

    // A JS-side memcpy: Buffer.copy between two preallocated Buffers (single-threaded memmove).
    const src = Buffer.allocUnsafeSlow(bytes).fill(1);
    const dst = Buffer.allocUnsafeSlow(bytes).fill(0);
    const bufferCopy = bw(timePerCall(() => src.copy(dst), perCall), 2 * bytes);

    const label = sizeLabel(n);
    figures.push({ n, engineAdd, engineRelu, rawAdd, rawRelu, copyBytes, bufferCopy });
    log(`elementwise ${label}: add np ${engineAdd.gbps.toFixed(1)} / raw ${rawAdd.gbps.toFixed(1)} GB/s, relu np ` +
      `${engineRelu.gbps.toFixed(1)} / raw ${rawRelu.gbps.toFixed(1)} GB/s, copyBytes ${copyBytes.gbps.toFixed(1)}, Buffer.copy ${bufferCopy.gbps.toFixed(1)}`);

    const goal = `≥ ${ELEMENTWISE_GOAL * 100}%*`;
    for (const [op, engine, raw] of [['add', engineAdd, rawAdd], ['relu', engineRelu, rawRelu]] as const) {
      const r = ratioOf(engine.gbps, raw.gbps);
      const call = op === 'add' ? 'a.add(b)' : 'a.relu()';
      rows.push({
        suite: 'elementwise', benchmark: `${op} ${label} f32 ${call}`, value: engine.gbps, best: engine.bestGbps, unit: 'GB/s',
        peerName: 'raw addon', peerValue: raw.gbps, ratio: r, ratioStyle: 'percent', goal, verdict: verdict(r === null ? null : r >= ELEMENTWISE_GOAL),
      });
      rows.push({
        suite: 'elementwise', benchmark: `${op} ${label} f32 raw addon.${op === 'add' ? 'binary' : 'unary'}`, value: raw.gbps, best: raw.bestGbps,
        unit: 'GB/s', peerName: 'copyBytes', peerValue: copyBytes.gbps, ratio: ratioOf(raw.gbps, copyBytes.gbps), ratioStyle: 'percent',
        goal: '', verdict: 'info',
      });
    }
    rows.push({
      suite: 'elementwise', benchmark: `copy ${label} f32 addon.copyBytes`, value: copyBytes.gbps, best: copyBytes.bestGbps, unit: 'GB/s',
      peerName: 'Buffer.copy', peerValue: bufferCopy.gbps, ratio: ratioOf(copyBytes.gbps, bufferCopy.gbps), ratioStyle: 'percent',
      goal: '', verdict: 'info',
    });
  }
  return { rows, figures };
}
