// Hybridized (compiled) forward, Gluon's hybridize(): outside autograd.record and in predict mode,
// a hybridized block traces its forward once per input shape into a cached plan and replays it.
// Runs of Dense layers (with their activation, a following Activation block, Flatten, Dropout)
// become one native call each (addon.linearPlan: weights packed once for oneDNN's packed GEMM,
// bias and activation in one pass, hidden activations preallocated); every other block stays
// eager inside the plan (its own hybridize() may still compile its inside). A block with any other
// compiled kind (convolutions, pooling, normalization, adds, graphs, the Transformer's and the
// shape layers: hybrid-net.ts NET_KINDS) is traced by hybrid-net.ts instead (native net plans);
// this file keeps the cache, the warnings and the Dense chains. GPU inputs all go to hybrid-net.ts.
//
// What cannot be compiled (a block with its own forward(), a Dense whose input the native chain does
// not take) runs eagerly; the first trace of a hybridized block says so once through the model
// warnings (setWarningHandler / captureWarnings), naming each such block and why, as Gluon warns
// when it cannot trace a block. hybridCache.describe() lists the same segments.
//
// The packed weights are copies: a chain watches its weights' buffers (backend.ts watchWrites) and
// is rebuilt when the write epoch moved (an optimizer step, setData, load) or an array was replaced.
//
// Ownership: every array a plan returns is a fresh NDArray, never reused by a later call (as
// Gluon returns fresh arrays); only the hidden activations inside one native chain are reused.

import { native, watchWrites, writeEpoch } from '../backend/backend.ts';
import { UNARY_OP, type NativeLinearPlan } from '../backend/native-addon.ts';
import { NDArray } from '../ndarray/ndarray.ts';
import type { Device } from '../ndarray/device.ts';
import { DTYPE_INFO, isFloat, type DType } from '../ndarray/dtype.ts';
import { sameShape } from '../ndarray/shape.ts';
import { errors } from '../core/errors.ts';
import { unary, type UnaryName } from '../ops/elementwise.ts';
import { flatten } from '../ops/layout.ts';
import type { Block } from './block.ts';
import type { Parameter } from './parameter.ts';
import { warn } from './model-warnings.ts';
import type { HybridUnit } from './hybrid-units.ts';
import { CUSTOM_FORWARD, NET_KINDS, netStats, netStillValid, replayNet, traceNet, type NativePlanStats, type NetTrace } from './hybrid-net.ts';

export type { HybridUnit } from './hybrid-units.ts';

type LinearUnit = Extract<HybridUnit, { kind: 'linear' }>;

interface Chain {
  kind: 'chain';
  label: string;
  plan: NativeLinearPlan;
  inShape: readonly number[];
  outShape: readonly number[];
  /** The parameter arrays the plan was built from; a replaced array (re-initialize, resetDevice, load with another dtype) invalidates it. */
  params: Parameter[];
  arrays: NDArray[];
  device: Device;
  /** writeEpoch() when the weights were packed: a later write to a watched buffer invalidates the chain. */
  epoch: number;
}

type Segment = (Chain | { kind: 'eager'; run: (x: NDArray) => NDArray }) & { label: string };

interface Plan {
  segments: Segment[];
  watched: [Block, number][];
  /** A graph with convolutions, pooling, batch norm or adds: traced by hybrid-net.ts instead. */
  net?: NetTrace;
}

/** Plans cached per input shape / dtype / device, at most this many per block (oldest dropped). */
const MAX_PLANS = 8;

/** A hybridized block's state: its plans by input signature. */
export class HybridCache {
  private readonly plans = new Map<string, Plan>();
  /** How many plans were traced (tests read it to check rebuilds). */
  builds = 0;

  /** The plan used last and its input signature: repeated calls at one shape skip the key string. */
  private last: { plan: Plan; key: string; shape: readonly number[]; dtype: string; device: object } | null = null;

  /** Runs `block` through its plan for x, tracing one first when needed; null = run eagerly. */
  call(block: Block, x: NDArray): NDArray | null {
    const last = this.last;
    if (last !== null && last.dtype === x.dtype && last.device === x.device && sameShape(last.shape, x.shape) && stillValid(last.plan)) {
      const y = replay(last.plan, x);
      if (y) {
        this.replays++;
        return y;
      }
    }
    this.last = null;
    const key = `${x.dtype}|${x.device.toString()}|${x.shape.join(',')}`;
    let plan = this.plans.get(key);
    if (plan && !stillValid(plan)) {
      this.plans.delete(key);
      plan = undefined;
    }
    if (plan) {
      const y = replay(plan, x);
      if (y) {
        this.replays++;
        this.last = { plan, key, shape: x.shape.slice(), dtype: x.dtype, device: x.device };
        return y;
      }
      this.plans.delete(key); // an inner shape changed (a data-dependent eager block): trace again
    }
    const units = block.hybridUnits();
    if (units === null) {
      if (!this.warned) {
        this.warned = true;
        warn(`hybridize: ${block.name} (${block.constructor.name}) is not compiled and runs eagerly: ${CUSTOM_FORWARD}.`);
      }
      this.lastTraced ??= { segments: [{ kind: 'eager', run: (v) => v, label: `eager: ${block.name}` }], watched: [] };
      return null;
    }
    const traced = units.some((u) => NET_KINDS.has(u.kind)) || x.device.type === 'gpu' ? traceGraph(units, x) : trace(units, x);
    this.builds++;
    this.lastTraced = traced.plan;
    if (!this.warned) {
      this.warned = true;
      if (traced.eager.length > 0) {
        const byWhy = new Map<string, string[]>();
        for (const [who, why] of traced.eager) byWhy.set(why, [...(byWhy.get(why) ?? []), who]);
        const n = traced.eager.length;
        warn(
          `hybridize: ${block.name} runs ${n} block${n === 1 ? '' : 's'} eagerly inside its compiled plan: ` +
            `${[...byWhy].map(([why, who]) => `${who.join(', ')}: ${why}`).join('; ')}. hybridCache.describe() lists the plan.`,
        );
      }
    }
    if (traced.complete) {
      if (this.plans.size >= MAX_PLANS) this.plans.delete(this.plans.keys().next().value!);
      this.plans.set(key, traced.plan);
    }
    return traced.out;
  }

  clear(): void {
    this.plans.clear();
    this.last = null;
  }

  get size(): number {
    return this.plans.size;
  }

  /** How many calls were served by a cached plan (not traced). */
  replays = 0;

  /** How often the native parts of the most recently traced plan ran (the addon's own counter). */
  nativeRuns(): number {
    return this.nativeStats().runs;
  }

  /** Bytes the native net plans of the most recently traced plan own (activations, packed weights). */
  nativeBytes(): number {
    return this.nativeStats().bytes;
  }

  /** The native net plans of the most recently traced plan, summed (zeros without one). */
  nativeStats(): NativePlanStats {
    const net = this.lastTraced?.net;
    return net ? netStats(net) : { runs: 0, bytes: 0, buffers: 0, kernels: 0 };
  }

  /**
   * What the most recently traced plan runs, one line per segment, e.g.
   * `native chain: dense0 (20 → 256, relu) → dense1 (256 → 10)` or `eager: concurrent0`
   * (empty before the first trace).
   */
  describe(): string[] {
    const t = this.lastTraced;
    return t?.net ? t.net.segments.map((sg) => sg.label) : (t?.segments.map((sg) => sg.label) ?? []);
  }

  private lastTraced: Plan | null = null;

  /** Whether this block's one warning was given (or a hybridized parent's warning already named it). */
  private warned = false;

  /** @internal a hybridized parent's warning names this block: it gives none of its own. */
  silence(): void {
    this.warned = true;
  }
}

/** Why a Dense cannot join a native chain (null: it can). */
function linearFallback(
  u: LinearUnit,
  shape: readonly number[],
  features: number,
  dtype: DType,
  device: Device,
  w: NDArray,
  bias: NDArray | null,
): string | null {
  if (device.type !== 'cpu' || w.device.type !== 'cpu') return `on ${device.toString()}: native chains run on the CPU only`;
  if (!isFloat(dtype)) return `input dtype ${dtype}: native chains take float32 or float64`;
  if (w.dtype !== dtype || (bias !== null && bias.dtype !== dtype)) {
    return `input dtype ${dtype} but parameters ${w.dtype}${bias !== null && bias.dtype !== w.dtype ? ` / ${bias.dtype}` : ''}`;
  }
  if (shape.length < (u.flatten ? 2 : 1)) return `input shape ${JSON.stringify(shape)}: a 1-D input is one row, left to eager mode`;
  if (w.shape[1] !== features) return `input of ${features} features but weight ${JSON.stringify(w.shape)}`;
  return null;
}

function stillValid(plan: Plan): boolean {
  for (const [b, v] of plan.watched) if (b.structureVersion !== v) return false;
  if (plan.net && !netStillValid(plan.net)) return false;
  for (const s of plan.segments) {
    if (s.kind !== 'chain') continue;
    if (writeEpoch() !== s.epoch) return false;
    for (let i = 0; i < s.params.length; i++) {
      const p = s.params[i]!;
      if (p.state !== 'initialized') return false;
      try {
        if (p.data(s.device) !== s.arrays[i]) return false;
      } catch {
        return false; // no longer on that device (resetDevice)
      }
    }
  }
  return true;
}

/** One call through a cached plan; null when a chain's input shape no longer matches. */
function replay(plan: Plan, x: NDArray): NDArray | null {
  if (plan.net) return replayNet(plan.net, x);
  let cur = x;
  for (const s of plan.segments) {
    if (s.kind === 'eager') {
      cur = s.run(cur);
      continue;
    }
    if (!sameShape(cur.shape, s.inShape) || cur.dtype !== s.arrays[0]!.dtype) return null;
    cur = runChain(s, cur);
  }
  return cur;
}

function runChain(c: Chain, x: NDArray): NDArray {
  const out = NDArray._alloc(c.outShape, x.dtype, x.device, 'hybrid forward');
  try {
    native().linearPlanRun(c.plan, x.buffer, out.buffer);
  } catch (e) {
    out.dispose();
    throw errors.fromNative('hybrid forward', e, `input ${JSON.stringify(x.shape)} ${x.dtype}`);
  }
  return out;
}

interface Pending {
  layers: { unit: LinearUnit; act: UnaryName | null }[];
  inShape: number[];
  lead: number[];
  rows: number;
  units: number[];
}

/**
 * Runs the units on x (the first call at this input shape) and records the segments. `complete`
 * is false when some Dense was still waiting for deferred initialization: it ran eagerly (which
 * initialized it) and the next call traces again.
 */
function trace(units: readonly HybridUnit[], x: NDArray): { plan: Plan; out: NDArray; complete: boolean; eager: [string, string][] } {
  const segments: Segment[] = [];
  /** Blocks the plan cannot compile ("name (Class)", why), for the first trace's warning. */
  const eagerWhy: [string, string][] = [];
  const watched: [Block, number][] = [];
  let complete = true;
  let cur = x;
  let pending: Pending | null = null;

  const eager = (label: string, run: (v: NDArray) => NDArray): void => {
    flush();
    segments.push({ kind: 'eager', run, label: `eager: ${label}` });
    cur = run(cur);
  };
  const flush = (): void => {
    if (!pending) return;
    const p = pending;
    pending = null;
    const weights = p.layers.map((l) => l.unit.weight.data(cur.device));
    for (const w of weights) watchWrites(w.buffer);
    const biases = p.layers.map((l) => l.unit.bias?.data(cur.device) ?? null);
    const dtype = cur.dtype;
    let plan: NativeLinearPlan;
    try {
      plan = native().linearPlan(
        DTYPE_INFO[dtype].code,
        p.rows,
        weights.map((w) => w.buffer),
        biases.map((b) => b?.buffer ?? null),
        p.units,
        p.layers.map((l) => (l.act === null ? -1 : UNARY_OP[l.act])),
      );
    } catch (e) {
      throw errors.fromNative('hybridize', e, `input ${JSON.stringify(p.inShape)} ${dtype}`);
    }
    const params: Parameter[] = [];
    const arrays: NDArray[] = [];
    p.layers.forEach((l, i) => {
      params.push(l.unit.weight);
      arrays.push(weights[i]!);
      if (l.unit.bias) {
        params.push(l.unit.bias);
        arrays.push(biases[i]!);
      }
    });
    const label = `native chain: ${p.layers.map((l, i) => `${l.unit.owner.name} (${p.units[i]} → ${p.units[i + 1]}${l.act ? `, ${l.act}` : ''})`).join(' → ')}`;
    const chain: Chain = {
      kind: 'chain',
      label,
      plan,
      inShape: p.inShape,
      outShape: [...p.lead, p.units[p.units.length - 1]!],
      params,
      arrays,
      device: cur.device,
      epoch: writeEpoch(),
    };
    segments.push(chain);
    cur = runChain(chain, cur);
  };

  for (let k = 0; k < units.length; k++) {
    const u = units[k]!;
    switch (u.kind) {
      case 'container':
        watched.push([u.owner, u.owner.structureVersion]);
        break;
      case 'identity':
        break;
      case 'eager':
        eagerWhy.push([`${u.owner.name} (${u.owner.constructor.name})`, CUSTOM_FORWARD]);
        u.owner.hybridCache?.silence();
        eager(u.owner.name, (v) => u.owner.call(v));
        break;
      case 'flatten':
        if (pending && pending.lead.length === 1) break; // already (rows, features)
        if (!pending && cur.ndim === 2) break;
        if (!pending && cur.ndim > 2 && nextIsFlatteningLinear(units, k)) break; // that Dense flattens anyway
        eager(`${u.owner.name} (flatten)`, (v) => flatten(v));
        break;
      case 'act': {
        const last = pending?.layers[pending.layers.length - 1];
        // Fused into the inner product: linearPlan takes the ops before leakyRelu (no alpha, as Dense's own).
        if (last && last.act === null && !u.alpha && UNARY_OP[u.act] < UNARY_OP.leakyRelu) last.act = u.act;
        else eager(`${u.owner.name} (${u.act})`, (v) => unary(u.act, v, u.alpha ?? 0));
        break;
      }
      case 'linear': {
        if (u.weight.state !== 'initialized' || (u.bias && u.bias.state !== 'initialized')) {
          complete = false; // deferred initialization: this call initializes it eagerly
          eager(`${u.owner.name} (deferred initialization)`, (v) => u.owner._callEager(v));
          break;
        }
        const w = u.weight.data(cur.device);
        const shape: readonly number[] = pending ? [...pending.lead, pending.units[pending.units.length - 1]!] : cur.shape;
        const lead = u.flatten ? shape.slice(0, 1) : shape.slice(0, -1);
        const rows = lead.reduce((a, b) => a * b, 1);
        const features = shape.length === 0 ? 0 : shape.slice(lead.length).reduce((a, b) => a * b, 1);
        const dtype = cur.dtype;
        // A 1-D input to a flattening Dense is one row in eager mode (npx.linear): left to it.
        const why = linearFallback(u, shape, features, dtype, cur.device, w, u.bias ? u.bias.data(cur.device) : null);
        if (why !== null) {
          eagerWhy.push([`${u.owner.name} (${u.owner.constructor.name})`, why]);
          eager(`${u.owner.name} (${cur.device.type !== 'cpu' ? `on ${cur.device.toString()}` : `input ${JSON.stringify(shape)} ${dtype}`})`, (v) =>
            u.owner._callEager(v),
          );
          break;
        }
        if (pending && rows !== pending.rows) flush();
        if (!pending) {
          const inShape = [...cur.shape];
          pending = { layers: [], inShape, lead, rows, units: [features] };
        }
        pending.layers.push({ unit: u, act: u.act });
        pending.units.push(u.units);
        pending.lead = lead;
        break;
      }
    }
  }
  flush();
  return { plan: { segments, watched }, out: cur, complete, eager: eagerWhy };
}

/** trace() for units with convolutions, pooling, batch norm, adds or graphs (hybrid-net.ts). */
function traceGraph(units: readonly HybridUnit[], x: NDArray): { plan: Plan; out: NDArray; complete: boolean; eager: [string, string][] } {
  const watched: [Block, number][] = [];
  const t = traceNet(units, x, watched);
  return { plan: { segments: [], watched, net: t.trace }, out: t.out, complete: t.complete, eager: t.eager };
}

/** Whether the next unit that computes something is a Dense that flattens its input itself. */
function nextIsFlatteningLinear(units: readonly HybridUnit[], k: number): boolean {
  for (let i = k + 1; i < units.length; i++) {
    const u = units[i]!;
    if (u.kind === 'container' || u.kind === 'identity' || u.kind === 'flatten') continue;
    return u.kind === 'linear' && u.flatten;
  }
  return false;
}
