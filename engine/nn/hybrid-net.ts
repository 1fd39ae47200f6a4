// Hybridized forward of networks with convolution, pooling, batch norm and residual adds (LeNet,
// the ResNet and VGG examples), of Transformers (embedding, positions, layer norm, attention:
// hybrid-seq-ops.ts) and of recurrent nets (RNN, LSTM, GRU and their final states: the same
// file): the block's hybrid units are laid out as a graph of values (value 0 is the
// input; Sequential, GraphBlock and Concurrent are inlined), traced once per input signature, and
// every run of units the native plan covers becomes one compiled plan (native/src/net_plan.h:
// oneDNN's preferred layouts kept between steps, weights packed and batch norm folded once,
// memory allocated once; no JS between its steps). A unit the plan does not cover (a custom
// forward, a parameter waiting for deferred initialization, broadcasting adds, float64) splits the
// plan: it runs eagerly between two native segments, on their materialized outputs.
//
// On a GPU (float32 input, or int32 ids, on gpu(i)) the same trace builds GPU plans instead
// (native/src/gpu_plan.h, hybrid-gpu.ts says which units they take: every kind above but the
// recurrent layers): weights read in place (or folded once), buffers allocated once, the
// elementwise steps fused, one stream; the other units run eagerly on the GPU between segments.
//
// The packed weights are copies: a plan remembers the write epoch (backend.ts watchWrites) and
// the parameter arrays it was built from, and is rebuilt when either changed (an optimizer step,
// setData, load, re-initialization, training batch norm updating its running statistics).

import { native, watchWrites, writeEpoch } from '../backend/backend.ts';
import { NET_OP, type NativeBuffer, type NativeGpuPlan, type NativeNetPlan, type PlanGraphArgs } from '../backend/native-addon.ts';
import { errors } from '../core/errors.ts';
import type { Device } from '../ndarray/device.ts';
import { NDArray } from '../ndarray/ndarray.ts';
import { sameShape } from '../ndarray/shape.ts';
import type { Block } from './block.ts';
import { MULTI_INPUT_KINDS, type HybridSource, type HybridUnit } from './hybrid-units.ts';
import { encode, fuse, makeOp, nativeFallback, recLabel, type NetOpRec } from './hybrid-net-ops.ts';
import { SEQUENCE_KINDS } from './hybrid-seq-ops.ts';
import { gpuFallback, gpuInputFallback } from './hybrid-gpu.ts';
import type { Parameter } from './parameter.ts';

interface Node {
  unit: HybridUnit;
  ins: number[];
  out: number;
}

interface NetSegment {
  kind: 'net';
  label: string;
  /** A oneDNN plan on the CPU, or a CUDA plan (gpuPlan) on a GPU. */
  plan: { gpu: false; net: NativeNetPlan } | { gpu: true; net: NativeGpuPlan };
  ins: number[];
  inShapes: number[][];
  /** float32, or int32 where the input is the ids an Embedding reads. */
  inDtypes: string[];
  outs: number[];
  outShapes: number[][];
}
interface EagerSegment {
  kind: 'eager';
  label: string;
  ins: number[];
  out: number;
  run: (...xs: NDArray[]) => NDArray;
}

/** A traced graph forward: what replayNet() runs. */
export interface NetTrace {
  segments: (NetSegment | EagerSegment)[];
  /** The value the forward returns, and how many values there are. */
  out: number;
  count: number;
  /** The parameter arrays the native segments were built from, and the write epoch then. */
  params: [Parameter, NDArray][];
  device: Device;
  epoch: number;
}

/** The unit kinds only this tracer compiles (hybrid.ts sends a block here when it has one). */
export const NET_KINDS: ReadonlySet<string> = new Set(['conv', 'pool', 'batchnorm', 'add', 'graph', ...SEQUENCE_KINDS]);

export const CUSTOM_FORWARD =
  'a forward() of its own, which the plan cannot trace (it compiles Dense, Conv2D, pooling, BatchNorm, Add, ' +
  'Activation, Flatten, Dropout, LayerNorm, RMSNorm, Embedding, PositionalEncoding, MultiHeadAttention, ' +
  'ScaledDotProductAttention, Reshape, Transpose, SequenceMean, SequenceLast, Slice, Concat, Multiply, Softmax, ' +
  'LogSoftmax, GroupNorm, InstanceNorm, PReLU, Clip, Pad, RNN, LSTM, GRU, the activation layers, Sequential and graphs of them; ' +
  'hybridized blocks called inside still compile)';

/** Lays the units out as nodes over numbered values; `watched` collects the containers inlined. */
function layout(units: readonly HybridUnit[], watched: [Block, number][]): { nodes: Node[]; out: number; count: number } {
  const nodes: Node[] = [];
  let next = 1;
  const node = (unit: HybridUnit, ins: number[]): number => {
    nodes.push({ unit, ins, out: next });
    return next++;
  };
  const emit = (list: readonly HybridUnit[], input: number): number => {
    let cur = input;
    for (const u of list) {
      if (u.kind === 'container') watched.push([u.owner, u.owner.structureVersion]);
      else if (u.kind === 'graph') cur = emitGraph(u, cur);
      else if (u.kind !== 'identity') cur = node(u, [cur]);
    }
    return cur;
  };
  const emitGraph = (g: Extract<HybridUnit, { kind: 'graph' }>, input: number): number => {
    watched.push([g.owner, g.owner.structureVersion]);
    const outs: number[] = [];
    const stepIns: number[][] = [];
    const states = new Map<string, number>();
    // A later port (a recurrent step's hn / cn: GraphBlock compiles no other) is a node of its
    // own, made at its first read.
    const read = (s: HybridSource): number => {
      if ('input' in s) return input;
      if (s.port === 0) return outs[s.step]!;
      const key = `${s.step}:${s.port}`;
      if (!states.has(key)) states.set(key, node(stateUnit(g.steps[s.step]!.units, s.port), [outs[s.step]!, ...stepIns[s.step]!]));
      return states.get(key)!;
    };
    for (const step of g.steps) {
      const ins = step.inputs.map(read);
      stepIns.push(ins);
      const units = step.units ?? [{ kind: 'eager', owner: step.block }];
      if (ins.length === 1) outs.push(emit(units, ins[0]!));
      else outs.push(node(units.length === 1 && MULTI_INPUT_KINDS.has(units[0]!.kind) ? units[0]! : { kind: 'eager', owner: step.block }, ins));
    }
    return read(g.output);
  };
  const out = emit(units, 0);
  return { nodes, out, count: next };
}

/** The node unit of port `port` of a graph step that is one recurrent layer. */
function stateUnit(units: HybridUnit[] | null, port: number): HybridUnit {
  const u = units?.length === 1 ? units[0]! : null;
  if (u?.kind !== 'recurrent') throw new Error(`hybrid-net: output port ${port} of a step that is not a recurrent layer`);
  return { kind: 'rnnstate', owner: u.owner, port, rows: u.layers * u.directions, hidden: u.hidden, batchFirst: u.batchFirst };
}

interface Pending {
  recs: NetOpRec[];
  producer: Map<number, NetOpRec>;
  members: Set<number>;
}

/**
 * Runs the units on x (the first call at this signature) and records the segments. `complete` is
 * false when a parameter was still waiting for deferred initialization (it ran eagerly, which
 * initialized it; the next call traces again). `eager` lists the blocks run eagerly and why.
 */
export function traceNet(
  units: readonly HybridUnit[],
  x: NDArray,
  watched: [Block, number][],
): { trace: NetTrace; out: NDArray; complete: boolean; eager: [string, string][] } {
  const { nodes, out: final, count } = layout(units, watched);
  const uses = new Array<number>(count).fill(0);
  for (const n of nodes) for (const v of n.ins) uses[v]!++;
  uses[final]!++;
  const env: (NDArray | null)[] = new Array<NDArray | null>(count).fill(null);
  const shapes: number[][] = new Array<number[]>(count);
  env[0] = x;
  shapes[0] = [...x.shape];
  const trace: NetTrace = { segments: [], out: final, count, params: [], device: x.device, epoch: 0 };
  const eagerWhy: [string, string][] = [];
  // int32 values (the input, an eager block's output) are ids, which only an Embedding step reads
  // natively (their other readers run eagerly); a pending native step's value is float32.
  const dtypeOf = (v: number): string => env[v]?.dtype ?? 'float32';
  const onGpu = x.device.type === 'gpu';
  const unsupported = onGpu
    ? gpuInputFallback(x)
    : (x.dtype !== 'float32' && x.dtype !== 'int32') || x.device.type !== 'cpu'
      ? `input ${x.dtype} on ${x.device.toString()}: compiled graphs on the CPU run float32 (or int32 ids)`
      : null;
  if (unsupported) eagerWhy.push([`every block of ${units[0]?.owner.name ?? 'the plan'}`, unsupported]);
  let complete = true;
  let pending: Pending | null = null;

  const flush = (): void => {
    if (!pending) return;
    const p = pending;
    pending = null;
    const ins: number[] = [];
    for (const r of p.recs) for (const v of r.ins) if (!p.producer.has(v) && !ins.includes(v)) ins.push(v);
    const outs = p.recs.map((r) => r.out).filter((v) => v === final || nodes.some((n, k) => !p.members.has(k) && n.ins.includes(v)));
    if (outs.length === 0) return;
    const id = new Map<number, number>(ins.map((v, i) => [v, i]));
    p.recs.forEach((r, i) => id.set(r.out, ins.length + i));
    const data = (param: Parameter): NDArray['buffer'] => {
      const a = param.data(x.device);
      trace.params.push([param, a]);
      watchWrites(a.buffer);
      return a.buffer;
    };
    // A sinusoidal position table is made on the CPU; a GPU plan reads it on its device.
    if (onGpu) for (const r of p.recs) if (r.table && r.table.device.type !== 'gpu') r.table = r.table.copyto(x.device);
    const enc = p.recs.map((r) => encode(r, data));
    let plan: NetSegment['plan'];
    try {
      const args: PlanGraphArgs = [
        ins.map((v) => shapes[v]!),
        p.recs.map((r) => r.kind),
        p.recs.map((r) => r.ins.map((v) => id.get(v)!)),
        enc.map((e) => e.p),
        enc.map((e) => e.bufs),
        outs.map((v) => id.get(v)!),
      ];
      plan = onGpu ? { gpu: true, net: native().gpuPlan(x.device.id, ...args) } : { gpu: false, net: native().netPlan(...args) };
    } catch (e) {
      throw errors.fromNative('hybridize', e, `input ${JSON.stringify(x.shape)} float32 on ${x.device.toString()}`);
    }
    const seg: NetSegment = {
      kind: 'net',
      label: `native plan${onGpu ? ` on ${x.device.toString()}` : ''}: ${p.recs.map(recLabel).join(' → ')}`,
      plan,
      ins,
      inShapes: ins.map((v) => shapes[v]!),
      inDtypes: ins.map(dtypeOf),
      outs,
      outShapes: outs.map((v) => shapes[v]!),
    };
    trace.segments.push(seg);
    runSegment(seg, env, x.device);
  };

  nodes.forEach((node, k) => {
    const inShapes = node.ins.map((v) => shapes[v]!);
    const other = node.ins.map(dtypeOf).find((d) => d !== 'float32');
    const readsIds = other === 'int32' && node.unit.kind === 'embedding';
    // A final state is native only with its recurrent step in the same segment (the plan keeps it there).
    const stateAlone = node.unit.kind === 'rnnstate' && pending?.producer.get(node.ins[0]!)?.kind !== NET_OP.rnn;
    const why =
      unsupported ??
      (stateAlone ? 'its recurrent layer runs eagerly' : null) ??
      (other !== undefined && !readsIds
        ? `${other} input: in a compiled plan only an Embedding reads (int32) ids`
        : ((onGpu ? gpuFallback(node.unit) : null) ?? nativeFallback(node.unit, inShapes, onGpu)));
    if (why === null) {
      pending ??= { recs: [], producer: new Map(), members: new Set() };
      pending.members.add(k);
      if (fuse(node.unit, node.ins, node.out, pending.producer, pending.recs, uses)) {
        shapes[node.out] = inShapes[0]!;
      } else {
        const { rec, shape } = makeOp(node.unit, [...node.ins], node.out, inShapes);
        if (readsIds) rec.p[2] = 1; // the Embedding reads int32 ids
        pending.recs.push(rec);
        pending.producer.set(node.out, rec);
        shapes[node.out] = shape;
      }
      return;
    }
    const owner = node.unit.owner;
    if (why === 'deferred') complete = false;
    else if (node.unit.kind === 'eager') eagerWhy.push([`${owner.name} (${owner.constructor.name})`, CUSTOM_FORWARD]);
    else if (!unsupported && !stateAlone) eagerWhy.push([`${owner.name} (${owner.constructor.name})`, why]);
    if (node.unit.kind === 'eager') owner.hybridCache?.silence();
    flush();
    const u = node.unit;
    const run =
      u.kind === 'eager'
        ? (...xs: NDArray[]) => owner.call(...xs)
        : u.kind === 'concat' && u.run
          ? u.run
          : u.kind === 'rnnstate'
            ? (_y: NDArray, ...xs: NDArray[]) => owner.callOutputs(...xs)[u.port]!
            : (...xs: NDArray[]) => owner._callEager(...xs);
    const y = run(...node.ins.map((v) => env[v]!));
    env[node.out] = y;
    shapes[node.out] = [...y.shape];
    trace.segments.push({ kind: 'eager', label: `eager: ${owner.name}`, ins: node.ins, out: node.out, run });
  });
  flush();
  trace.epoch = writeEpoch();
  const out = env[final]!;
  release(trace, env, out);
  return { trace, out, complete, eager: eagerWhy };
}

function runPlan(plan: NetSegment['plan'], inputs: NativeBuffer[], outputs: NativeBuffer[]): void {
  if (plan.gpu) native().gpuPlanRun(plan.net, inputs, outputs);
  else native().netPlanRun(plan.net, inputs, outputs);
}

function runSegment(s: NetSegment, env: (NDArray | null)[], device: Device): void {
  const inputs = s.ins.map((v) => env[v]!);
  const outs = s.outShapes.map((shape) => NDArray._alloc(shape, 'float32', device, 'hybrid forward'));
  try {
    runPlan(
      s.plan,
      inputs.map((a) => a.buffer),
      outs.map((o) => o.buffer),
    );
  } catch (e) {
    for (const o of outs) o.dispose();
    throw errors.fromNative('hybrid forward', e, `inputs ${inputs.map((a) => JSON.stringify(a.shape)).join(', ')}`);
  }
  s.outs.forEach((v, i) => {
    env[v] = outs[i]!;
  });
}

/**
 * Frees the native segments' outputs that only fed later native segments (an eager block may
 * return a view of its input, and dispose() frees every view's storage, so those are left to the GC).
 */
function release(t: NetTrace, env: (NDArray | null)[], result: NDArray): void {
  const keep = new Set<number>();
  for (const s of t.segments) if (s.kind === 'eager') for (const v of s.ins) keep.add(v);
  for (const s of t.segments) {
    if (s.kind !== 'net') continue;
    for (const v of s.outs) if (!keep.has(v) && env[v] !== null && env[v] !== result) env[v]!.dispose();
  }
}

/** One call through a traced graph; null when a native segment's input shape no longer matches (retrace). */
export function replayNet(t: NetTrace, x: NDArray): NDArray | null {
  const env: (NDArray | null)[] = new Array<NDArray | null>(t.count).fill(null);
  env[0] = x;
  for (const s of t.segments) {
    if (s.kind === 'eager') {
      env[s.out] = s.run(...s.ins.map((v) => env[v]!));
      continue;
    }
    for (let i = 0; i < s.ins.length; i++) {
      const a = env[s.ins[i]!]!;
      if (a.dtype !== s.inDtypes[i] || !sameShape(a.shape, s.inShapes[i]!)) return null;
    }
    runSegment(s, env, t.device);
  }
  const out = env[t.out]!;
  release(t, env, out);
  return out;
}

/** Whether the packed parameters are still what the parameters hold. */
export function netStillValid(t: NetTrace): boolean {
  if (writeEpoch() !== t.epoch) return false;
  for (const [p, a] of t.params) {
    if (p.state !== 'initialized') return false;
    try {
      if (p.data(t.device) !== a) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** What the native segments did and hold, summed over them (the addon counts; tests read it). */
export interface NativePlanStats {
  /** Runs of the segments (a call through k segments counts k). */
  runs: number;
  /** Memory the plans own (activations, packed weights). */
  bytes: number;
  /** Device buffers the GPU plans allocated (all when they were built; 0 on the CPU). */
  buffers: number;
  /** Steps per run: CPU actions, GPU kernel launches. */
  kernels: number;
}

export function netStats(t: NetTrace): NativePlanStats {
  const sum: NativePlanStats = { runs: 0, bytes: 0, buffers: 0, kernels: 0 };
  for (const s of t.segments) {
    if (s.kind !== 'net') continue;
    if (s.plan.gpu) {
      const st = native().gpuPlanStats(s.plan.net);
      sum.buffers += st.buffers;
      sum.kernels += st.kernels;
      sum.runs += st.runs;
      sum.bytes += st.bytes;
    } else {
      const st = native().netPlanStats(s.plan.net);
      sum.kernels += st.actions;
      sum.runs += st.runs;
      sum.bytes += st.bytes;
    }
  }
  return sum;
}
