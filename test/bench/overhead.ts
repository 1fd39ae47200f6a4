// Suite 3: fixed per-call cost of a 1-element op, in µs: the engine API (results left to the GC,
// as user code does), the raw addon call into a preallocated output, and a no-op N-API call as
// the floor. Also watches memory during the engine loop: results are NOT disposed, so this checks
// that the GC (napi finalizers) keeps native buffers bounded.

import { PerformanceObserver } from 'node:perf_hooks';
import { runInNewContext } from 'node:vm';
import v8 from 'node:v8';
import { np, type NDArray } from '../../engine/index.ts';
import { BINARY_OP, DEVICE_TYPE, DTYPE_CODE, UNARY_OP, type NativeAddon } from '../../engine/backend/native-addon.ts';
import type { BenchOptions } from './options.ts';
import { fmtNum, ratioOf, verdict, type Row } from './report.ts';
import { timeBatches, type Timing } from './timing.ts';

export const OVERHEAD_GOAL_US = 2;

const F32 = DTYPE_CODE.float32;
const ONE = [1];

interface MemorySample {
  liveBuffers: number;
  liveBytes: number;
  rss: number;
  heapUsed: number;
}

interface LoopFigures extends Timing {
  medianUs: number;
  bestUs: number;
  /** Sum of V8 GC pause durations observed during the timed batches, and its share of the loop time. */
  gcMs: number;
  gcShare: number;
  memory?: { before: MemorySample; perBatch: MemorySample[]; afterForcedGc: MemorySample | null };
  /** Results still alive after the loop, and what gc() + running their finalizers took (watched loops only). */
  deferred?: { pending: number; ms: number; usPerResult: number } | null;
}

/** Sink for results so no call is optimised away. */
let sink: unknown = null;

function sampleMemory(addon: NativeAddon): MemorySample {
  const s = addon.memoryStats();
  const m = process.memoryUsage();
  return { liveBuffers: s.liveBuffers, liveBytes: s.liveBytes, rss: m.rss, heapUsed: m.heapUsed };
}

/** A gc() function without --expose-gc on the command line (npm run bench passes no V8 flags). */
function getGc(): (() => void) | null {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
}

async function timeLoop(addon: NativeAddon, options: BenchOptions, loop: (n: number) => void, watchMemory: boolean): Promise<LoopFigures> {
  // Settle first: the previous loop's garbage is freed by napi finalizers, which run only when
  // the event loop turns (not inside a synchronous loop), so collect, yield, collect.
  const gc = getGc();
  gc?.();
  await new Promise((r) => setTimeout(r, 20));
  gc?.();
  await new Promise((r) => setTimeout(r, 20));
  const before = sampleMemory(addon);
  const perBatch: MemorySample[] = [];
  // Warm up first (JIT), then observe GC pauses over the timed batches only (entries arrive
  // asynchronously; those that started after the loop are dropped).
  loop(options.overheadIters);
  const gcDurations: number[] = [];
  let loopEnd = Infinity;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.startTime <= loopEnd) gcDurations.push(e.duration);
  });
  observer.observe({ entryTypes: ['gc'] });
  const t0 = performance.now();
  const t = timeBatches(loop, {
    batches: options.overheadBatches,
    itersPerBatch: options.overheadIters,
    warmupIters: 0,
    afterBatch: watchMemory ? () => perBatch.push(sampleMemory(addon)) : undefined,
  });
  loopEnd = performance.now();
  const loopMs = loopEnd - t0;
  sink = null;
  let afterForcedGc: MemorySample | null = null;
  let deferred: LoopFigures['deferred'] = null;
  if (watchMemory && gc) {
    // The loop's results are freed by napi finalizers that run only when the event loop turns,
    // so their cost is not in the loop's figure: time a full GC plus the finalizer drain.
    const pending = addon.memoryStats().liveBuffers - before.liveBuffers;
    const d0 = performance.now();
    gc();
    for (let turn = 0; turn < 50 && addon.memoryStats().liveBuffers - before.liveBuffers > 16; turn++) {
      await new Promise((r) => setImmediate(r));
    }
    const ms = performance.now() - d0;
    deferred = { pending, ms, usPerResult: pending > 0 ? (ms * 1000) / pending : 0 };
    gc();
    afterForcedGc = sampleMemory(addon);
  }
  await new Promise((r) => setTimeout(r, 20)); // let the GC entries arrive
  observer.disconnect();
  const gcMs = gcDurations.reduce((s, d) => s + d, 0);
  return {
    ...t,
    medianUs: t.median * 1e6,
    bestUs: t.best * 1e6,
    gcMs,
    gcShare: loopMs > 0 ? gcMs / loopMs : 0,
    ...(watchMemory ? { memory: { before, perBatch, afterForcedGc }, deferred } : {}),
  };
}

export async function runOverheadSuite(addon: NativeAddon, options: BenchOptions, log: (s: string) => void): Promise<{ rows: Row[]; figures: unknown }> {
  const x = np.array([0.5]);
  const y = np.array([-1.5]);
  const rx = addon.alloc(DEVICE_TYPE.cpu, 0, 4);
  const ry = addon.alloc(DEVICE_TYPE.cpu, 0, 4);
  const rout = addon.alloc(DEVICE_TYPE.cpu, 0, 4);
  addon.fill(F32, rx, 1, 0.5);
  addon.fill(F32, ry, 1, -1.5);

  const loops: Record<string, [(n: number) => void, boolean]> = {
    engineAdd: [
      (n) => {
        let r: NDArray | null = null;
        for (let i = 0; i < n; i++) r = x.add(y);
        sink = r;
      },
      true,
    ],
    engineRelu: [
      (n) => {
        let r: NDArray | null = null;
        for (let i = 0; i < n; i++) r = x.relu();
        sink = r;
      },
      true,
    ],
    engineAddScalar: [
      (n) => {
        let r: NDArray | null = null;
        for (let i = 0; i < n; i++) r = x.add(2);
        sink = r;
      },
      true,
    ],
    engineAddDispose: [
      (n) => {
        for (let i = 0; i < n; i++) x.add(y).dispose();
      },
      true,
    ],
    rawBinary: [
      (n) => {
        for (let i = 0; i < n; i++) addon.binary(BINARY_OP.add, F32, rx, ONE, ry, ONE, rout, ONE);
      },
      false,
    ],
    rawBinaryFlat: [
      (n) => {
        for (let i = 0; i < n; i++) addon.binaryFlat(BINARY_OP.add, F32, rx, 1, ry, 1, rout, 1);
      },
      false,
    ],
    rawUnary: [
      (n) => {
        for (let i = 0; i < n; i++) addon.unary(UNARY_OP.relu, F32, rx, rout, 1);
      },
      false,
    ],
    rawBinaryScalar: [
      (n) => {
        for (let i = 0; i < n; i++) addon.binaryScalar(BINARY_OP.add, F32, rx, 2, false, rout, 1);
      },
      false,
    ],
    rawAllocDispose: [
      (n) => {
        for (let i = 0; i < n; i++) addon.dispose(addon.alloc(DEVICE_TYPE.cpu, 0, 4));
      },
      false,
    ],
    napiFloor: [
      (n) => {
        let s = 0;
        for (let i = 0; i < n; i++) s += addon.numGpus();
        sink = s;
      },
      false,
    ],
  };
  const f: Record<string, LoopFigures> = {};
  for (const [name, [loop, watch]] of Object.entries(loops)) {
    f[name] = await timeLoop(addon, options, loop, watch);
    const d = f[name].deferred;
    const drain = d ? `; afterwards ${d.pending} results pending, gc() + finalizers ${d.ms.toFixed(1)} ms (${d.usPerResult.toFixed(3)} µs each)` : '';
    log(
      `overhead ${name}: ${f[name].medianUs.toFixed(3)} µs (best ${f[name].bestUs.toFixed(3)}), GC pauses ${(f[name].gcShare * 100).toFixed(1)}% of loop time${drain}`,
    );
  }
  for (const buf of [rx, ry, rout]) addon.dispose(buf);
  x.dispose();
  y.dispose();
  void sink;

  const rows: Row[] = [];
  const us = (name: string): number => f[name]!.medianUs;
  const engineRow = (benchmark: string, eng: string, rawName: string, raw: string, goal: boolean): Row => ({
    suite: 'overhead',
    benchmark,
    value: us(eng),
    best: f[eng]!.bestUs,
    unit: 'µs',
    peerName: rawName,
    peerValue: us(raw),
    ratio: ratioOf(us(eng), us(raw)),
    ratioStyle: 'times',
    goal: goal ? `≤ ${OVERHEAD_GOAL_US} µs` : '',
    verdict: goal ? verdict(us(eng) <= OVERHEAD_GOAL_US) : 'info',
  });
  rows.push(engineRow('a.add(b) shape [1]', 'engineAdd', 'raw addon.binaryFlat', 'rawBinaryFlat', true));
  rows.push(engineRow('a.relu() shape [1]', 'engineRelu', 'raw addon.unary', 'rawUnary', true));
  rows.push(engineRow('a.add(2) shape [1]', 'engineAddScalar', 'raw addon.binaryScalar', 'rawBinaryScalar', true));
  const deferredAdd = f.engineAdd!.deferred;
  if (deferredAdd && deferredAdd.pending > 0) {
    // What the GC path costs once the deferred frees are paid for (forced full GC: an upper bound).
    const total = us('engineAdd') + deferredAdd.usPerResult;
    rows.push({
      suite: 'overhead',
      benchmark: 'a.add(b) + deferred gc()/finalizer',
      value: total,
      unit: 'µs',
      peerName: 'raw addon.binaryFlat',
      peerValue: us('rawBinaryFlat'),
      ratio: ratioOf(total, us('rawBinaryFlat')),
      ratioStyle: 'times',
      goal: '',
      verdict: 'info',
    });
  }
  rows.push(engineRow('a.add(b).dispose() shape [1]', 'engineAddDispose', 'raw addon.binaryFlat', 'rawBinaryFlat', false));
  rows.push(engineRow('raw addon.binaryFlat [1]', 'rawBinaryFlat', 'napi floor', 'napiFloor', false));
  rows.push(engineRow('raw addon.binary [1] (shape + strides)', 'rawBinary', 'napi floor', 'napiFloor', false));
  rows.push(engineRow('raw addon.alloc+dispose 4 B', 'rawAllocDispose', 'napi floor', 'napiFloor', false));
  rows.push({
    suite: 'overhead',
    benchmark: 'napi floor addon.numGpus()',
    value: us('napiFloor'),
    best: f.napiFloor!.bestUs,
    unit: 'µs',
    peerName: '',
    peerValue: null,
    ratio: null,
    ratioStyle: 'times',
    goal: '',
    verdict: 'info',
  });

  // Memory: the engine loops leave results to the GC. Bounded = live native buffers never exceed
  // half the calls made in the loop (most were freed while it ran), and a forced GC afterwards
  // brings them back to where they started (+ a few).
  const memory: Record<string, unknown> = {};
  for (const name of ['engineAdd', 'engineRelu', 'engineAddScalar', 'engineAddDispose']) {
    const m = f[name]!.memory!;
    const calls = f[name]!.calls + options.overheadIters; // + warm-up batch
    const maxLive = Math.max(...m.perBatch.map((s) => s.liveBuffers));
    const maxRssMb = (Math.max(...m.perBatch.map((s) => s.rss)) - m.before.rss) / 2 ** 20;
    const leftAfterGc = m.afterForcedGc ? m.afterForcedGc.liveBuffers - m.before.liveBuffers : null;
    const bounded = maxLive < calls / 2 && (leftAfterGc === null || leftAfterGc <= 16);
    const strategy = name === 'engineAddDispose' ? 'dispose() each result' : 'results left to GC';
    memory[name] = { calls, maxLiveBuffers: maxLive, rssGrowthMb: maxRssMb, leftAfterForcedGc: leftAfterGc, bounded, strategy };
    if (name === 'engineAdd' || name === 'engineAddDispose') {
      rows.push({
        suite: 'overhead',
        benchmark: `memory during ${name === 'engineAdd' ? 'a.add(b)' : 'a.add(b).dispose()'} loop`,
        value: maxLive,
        unit: 'live buffers',
        engineText: `max ${maxLive} live bufs / ${calls} calls, RSS ${maxRssMb >= 0 ? '+' : ''}${fmtNum(maxRssMb)} MB`,
        peerName: '',
        peerText: strategy,
        peerValue: null,
        ratio: null,
        ratioStyle: 'times',
        goal: 'bounded',
        verdict: verdict(bounded),
        loadSensitive: false,
      });
    }
  }
  return { rows, figures: { goalUs: OVERHEAD_GOAL_US, loops: f, memory } };
}
