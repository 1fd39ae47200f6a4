// The engine's single handle on the native addon. Loaded lazily on first use so importing the
// engine never fails; tests may install a stand-in that implements the same contract.
//
// Deferred copies: an array may promise "my contents are a copy of that buffer, rearranged" and
// make the copy only when someone reads it (a transposed matrix that np.dot consumes directly;
// see NDArray._transposeOf). Such a copy must happen before its source buffer changes or is freed,
// so every addon method that writes into or frees an EXISTING buffer goes through a guard here that
// first makes the copies pending on that buffer. Methods whose output is always a fresh allocation
// (unary, binary, matmul, linear, reduce, ...) are called unguarded. The same guard counts writes
// to buffers compiled plans copied from (watchWrites / writeEpoch).

import type { NativeAddon, NativeBuffer } from './native-addon.ts';
import { loadNativeAddon } from './native-loader.ts';

let addon: NativeAddon | null = null;
let guarded: NativeAddon | null = null;

/** The addon every op calls; loads it on first use (throws the loader's actionable message). */
export function native(): NativeAddon {
  return guarded ?? (guarded = guard(addon ?? (addon = loadNativeAddon())));
}

/** Replaces the addon (tests only: a reference implementation of the same contract). */
export function installAddon(replacement: NativeAddon): void {
  if (guards.has(replacement)) {
    // native() handed back (a test restoring what it replaced)
    guarded = replacement;
    addon = Object.getPrototypeOf(replacement) as NativeAddon;
  } else {
    addon = replacement;
    guarded = null;
  }
}

/** An array whose contents are not made yet (see above). */
export interface DeferredCopy {
  _materialize(): NativeBuffer;
}

/** Deferred copies by source buffer; entries are weak both ways (an unread copy may be collected). */
const pending = new WeakMap<NativeBuffer, WeakRef<DeferredCopy>[]>();
let anyPending = false;

/** Registers `copy` as reading `source` until it materializes. */
export function deferCopy(source: NativeBuffer, copy: DeferredCopy): void {
  anyPending = true;
  let list = pending.get(source);
  if (list === undefined) pending.set(source, (list = []));
  else if (list.length >= 32 && (list.length & (list.length - 1)) === 0) {
    // A loop of np.dot(x, w.T) leaves one collected entry per call: drop the dead ones now and then.
    const live = list.filter((r) => r.deref() !== undefined);
    list.length = 0;
    list.push(...live);
  }
  list.push(new WeakRef(copy));
}

/** Makes every deferred copy that reads `buf` (called before buf is written or freed). */
export function flushDeferred(buf: NativeBuffer | null | undefined): void {
  if (!anyPending || buf === null || buf === undefined) return;
  const list = pending.get(buf);
  if (list === undefined) return;
  pending.delete(buf);
  for (const r of list) r.deref()?._materialize();
}

/**
 * Buffers a compiled plan has copied from (packed or folded parameters): a write to any of them
 * moves the write epoch on, and plans built at an older epoch rebuild (hybrid-net.ts).
 */
const watched = new WeakSet<NativeBuffer>();
let epoch = 0;

/** Counts writes to `buf` from now on into writeEpoch(). */
export function watchWrites(buf: NativeBuffer): void {
  watched.add(buf);
}

/** Moves on whenever a watched buffer is written or freed through the addon. */
export function writeEpoch(): number {
  return epoch;
}

const guards = new WeakSet<NativeAddon>();

function guard(raw: NativeAddon): NativeAddon {
  const g: NativeAddon = Object.create(raw) as NativeAddon;
  guards.add(g);
  const f = (buf: NativeBuffer | null | undefined): void => {
    if (buf !== null && buf !== undefined && watched.has(buf)) epoch++;
    flushDeferred(buf);
  };
  g.dispose = (buf) => {
    f(buf);
    raw.dispose(buf);
  };
  g.write = (buf, off, src) => {
    f(buf);
    raw.write(buf, off, src);
  };
  g.copyBytes = (src, so, dst, dOff, n) => {
    f(dst);
    raw.copyBytes(src, so, dst, dOff, n);
  };
  g.fill = (dt, out, n, v) => {
    f(out);
    raw.fill(dt, out, n, v);
  };
  g.cast = (sd, src, dd, dst, n) => {
    f(dst);
    raw.cast(sd, src, dd, dst, n);
  };
  g.randomUniform = (dt, out, n, a, b, s, c) => {
    f(out);
    raw.randomUniform(dt, out, n, a, b, s, c);
  };
  g.randomNormal = (dt, out, n, a, b, s, c) => {
    f(out);
    raw.randomNormal(dt, out, n, a, b, s, c);
  };
  g.copyStrided = (dt, src, so, ss, dst, dOff, ds, shape) => {
    f(dst);
    raw.copyStrided(dt, src, so, ss, dst, dOff, ds, shape);
  };
  g.fillStrided = (dt, dst, dOff, ds, shape, v) => {
    f(dst);
    raw.fillStrided(dt, dst, dOff, ds, shape, v);
  };
  g.linearBackward = (dt, x, w, y, dy, act, dx, dw, db, rows, inU, outU) => {
    f(dx);
    f(dw);
    f(db);
    raw.linearBackward(dt, x, w, y, dy, act, dx, dw, db, rows, inU, outU);
  };
  g.optimizerUpdate = (kind, dt, w, gr, s0, s1, n, hyper) => {
    f(w);
    f(s0);
    f(s1);
    raw.optimizerUpdate(kind, dt, w, gr, s0, s1, n, hyper);
  };
  g.linearPlanRun = (plan, x, out) => {
    f(out);
    raw.linearPlanRun(plan, x, out);
  };
  g.netPlanRun = (plan, inputs, outputs) => {
    for (const o of outputs) f(o);
    raw.netPlanRun(plan, inputs, outputs);
  };
  g.gpuPlanRun = (plan, inputs, outputs) => {
    for (const o of outputs) f(o);
    raw.gpuPlanRun(plan, inputs, outputs);
  };
  // Training batch norm updates the running statistics in place.
  g.batchNorm = (dt, x, gamma, beta, rm, rv, y, sm, sv, n, c, s, eps, momentum, training) => {
    f(rm);
    f(rv);
    raw.batchNorm(dt, x, gamma, beta, rm, rv, y, sm, sv, n, c, s, eps, momentum, training);
  };
  return g;
}
