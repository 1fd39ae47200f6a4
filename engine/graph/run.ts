// A forward pass of a built document on its device: parameters initialized on first use (shapes
// deferred to the first batch, as in Gluon), the outputs, and the shape seen on every edge.

import type { NDArray } from '../ndarray/ndarray.ts';
import { np } from '../ndarray/np.ts';
import { cpu, gpu, type Device } from '../ndarray/device.ts';
import type { DType } from '../ndarray/dtype.ts';
import type { Block } from '../nn/block.ts';
import type { GraphDocument } from '../protocol/graph-document.ts';
import type { BuiltModel } from './build.ts';
import { GraphBlock } from './graph-block.ts';
import { beforeEagerRun, compiledRun, observedEager } from './compiled-run.ts';
import { itemPorts, portValues, subPath, type PlannedGraph } from './plan.ts';

export function documentDevice(doc: GraphDocument): Device {
  return doc.device === 'cpu' ? cpu() : gpu(Number(doc.device.slice('gpu:'.length)));
}

/** The shape of each main-graph Input node, unknown dims (the batch) made 1 for a random input. */
export function concreteInputShapes(doc: GraphDocument): number[][] {
  return doc.nodes
    .filter((n) => n.kind === 'Input')
    .map((n) => (Array.isArray(n.attrs?.shape) ? (n.attrs.shape as number[]) : doc.input.shape).map((d) => (d < 0 ? 1 : d)));
}

/**
 * Random input of a document's input spec: uniform [0, 1) floats, or, for integer ids (an
 * Embedding's input), zeros: id 0 lies in every vocabulary.
 */
export function sampleInput(shape: readonly number[], dtype: DType): NDArray {
  return dtype === 'float32' || dtype === 'float64' ? np.random.uniform(0, 1, shape, { dtype }) : np.zeros(shape, { dtype });
}

export interface RunOptions {
  /** Use (and keep) the model's compiled plan once an eager run at this input signature saw its shapes. */
  compiled?: boolean;
}

/**
 * Runs the model on `inputs` (one per Input node, in document order), or on uniform [0, 1) random
 * input of the input shape drawn from the global stream (seeded by buildModel) when none are
 * given. Uninitialized parameters are initialized first (block-level Uniform(0.07), each
 * parameter's own init winning), on the document's device. A later run at the same input
 * signature of the same model runs its compiled plan with `{ compiled: true }` (the service's
 * forward; compiled-run.ts), which leaves the model hybridized.
 * @example const { outputs, edgeShapes } = runModel(buildModel(loadExample('rgnet')), [np.random.uniform(0, 1, [2, 20])]);
 */
export function runModel(model: BuiltModel, inputs: NDArray[], options: RunOptions = {}): { outputs: NDArray[]; edgeShapes: Record<string, number[]> } {
  const doc = model.document;
  const device = documentDevice(doc);
  const xs = (inputs.length > 0 ? inputs : concreteInputShapes(doc).map((s) => sampleInput(s, doc.input.dtype as DType))).map((x) => x.asInContext(device));
  if (
    model.net
      .collectParams()
      .values()
      .some((p) => p.state === 'uninitialized')
  )
    model.net.initialize({ device });
  const compiled = options.compiled ? compiledRun(model, xs) : null;
  if (compiled) return compiled;
  if (options.compiled) beforeEagerRun(model);
  const seen = new Map<Block, number[][]>();
  const restore: (() => void)[] = [];
  // Observe each layer's outputs through its call() (and callOutputs(), which a GraphBlock uses
  // for a layer with several output ports): Sequential, GraphBlock and custom blocks all run
  // children through these, so this sees every node without changing how the net runs.
  for (const block of new Set(model.blocks.values())) {
    const [call, callOutputs] = [block.call, block.callOutputs];
    block.call = (...args: NDArray[]): NDArray => {
      const y = call.apply(block, args);
      seen.set(block, [[...y.shape]]);
      return y;
    };
    block.callOutputs = (...args: NDArray[]): NDArray[] => {
      const ys = callOutputs.apply(block, args);
      seen.set(
        block,
        ys.map((y) => [...y.shape]),
      );
      return ys;
    };
    restore.push(() => {
      delete (block as { call?: unknown }).call;
      delete (block as { callOutputs?: unknown }).callOutputs;
    });
  }
  let outputs: NDArray[];
  try {
    outputs = model.net instanceof GraphBlock ? model.net.callAll(...xs) : [model.net.call(...xs)];
  } finally {
    for (const r of restore) r();
  }
  const edgeShapes: Record<string, number[]> = {};
  walk(
    model,
    model.plan,
    '',
    xs.map((x) => [...x.shape]),
    seen,
    edgeShapes,
    new Map(),
  );
  if (options.compiled) observedEager(model, xs, edgeShapes);
  return { outputs, edgeShapes };
}

/** Replays the plan with the observed layer outputs to give every edge (also inside instances) its shape. */
function walk(
  model: BuiltModel,
  g: PlannedGraph,
  path: string,
  inputs: (number[] | null)[],
  seen: Map<Block, number[][]>,
  out: Record<string, number[]>,
  firstPath: Map<PlannedGraph, string>,
): (number[] | null)[] {
  // A shared definition was built (and its blocks keyed) once, under the path of its first use.
  const keyPath = firstPath.get(g) ?? path;
  if (!firstPath.has(g)) firstPath.set(g, path);
  const values = new Map<string, number[] | null>();
  const outputs: (number[] | null)[] = [];
  let nextInput = 0;
  for (const node of g.order) {
    const item = g.items.get(node.id)!;
    const incoming = g.index.incoming.get(node.id);
    const ins = portValues<number[] | null>(item, incoming, (e) => values.get(`${e.source.node}:${e.source.port}`) ?? null, null);
    let results: (number[] | null)[] = [];
    if (item.type === 'broken') {
      results = [];
    } else if (item.type === 'io') {
      if (node.kind === 'Input') results = [inputs[nextInput++] ?? null];
      else outputs.push(ins[0] ?? null);
    } else if (item.type === 'layer') {
      const b = model.blocks.get(keyPath + node.id);
      results = (b ? seen.get(b) : undefined) ?? [null];
    } else if (item.type === 'instance') {
      results = walk(model, item.graph, subPath(path, node.id), ins, seen, out, firstPath);
    } else {
      let x = ins[0] ?? null;
      item.copies.forEach((c, i) => {
        x = walk(model, c, subPath(path, node.id, i), [x], seen, out, firstPath)[0] ?? null;
      });
      results = [x];
    }
    itemPorts(item).outputs.forEach((p, i) => values.set(`${node.id}:${p}`, results[i] ?? null));
    for (const e of g.index.outgoing.get(node.id) ?? []) {
      const s = values.get(`${e.source.node}:${e.source.port}`);
      if (s) out[path + e.id] = s;
    }
  }
  return outputs;
}
