// Shape inference without running kernels: the input specification flows through the plan, each
// layer's descriptor giving its output shape, parameter shapes and FLOPs. Unknown dims stay -1.
// Cheap enough to run on every edit (see test/bench/graph-shapes.bench.ts).

import type { GraphDocument, GraphNode } from '../protocol/graph-document.ts';
import { layerSpec } from '../nn/layers/index.ts';
import { specParams } from '../nn/layers/layer-spec.ts';
import { itemPorts, paramFullName, planDocument, portValues, subPath, tieRoot, type PlannedGraph, type PlannedItem, type PlannedLayer } from './plan.ts';
import { problem, PROBLEM_CODES as C, type Problem } from './problems.ts';
import { validateDocument } from './parse.ts';
import { memoOf, problemsOf } from './validated.ts';
import { checkBudget } from './budget.ts';
import { fmtShape, shapesCompatible } from './validate-node.ts';

export interface NodeShapes {
  outputShapes: number[][];
  /** Scalars in the parameters this node owns (tied ones count at the node they are tied to; unknown shapes count 0). */
  paramCount: number;
  /** Floating-point operations of one forward at the input's batch (-1 batch counts as 1). */
  flops: number;
  /** Full Gluon names (dense0_weight; a tied parameter under its owner's name) and shapes. */
  params: { name: string; shape: number[] }[];
  /** A layer's name in the model (a repeat's copies: the name each copy's layer gets, dense6 in rep#1/…). */
  name?: string;
}

/** Keys: a main-graph edge or node by its id; inside an instance `inst/id`, a repeat copy `rep#2/id`. */
export interface ShapeReport {
  edges: Record<string, { shape: number[]; dtype: string }>;
  nodes: Record<string, NodeShapes>;
  problems: Problem[];
}

type Shape = number[] | null;
/** Errors that do not stop a node's shapes from being inferred. */
const HARMLESS = new Set<string>([C.nameDuplicate, C.initUnknown, C.portUnconnected, C.edgeNode, C.cycle]);
/** Errors about a whole graph that still leave its connected part inferable. */
const GRAPH_LEVEL = new Set<string>([C.inputMissing, C.outputMissing, C.idDuplicate]);
interface Ctx {
  report: ShapeReport;
  dtype: string;
  counted: Set<PlannedGraph>;
}
interface GraphResult {
  outputs: Shape[];
  paramCount: number;
  flops: number;
  params: { name: string; shape: number[] }[];
}

const known = (s: readonly number[]): boolean => s.every((d) => d >= 0);
const count = (s: readonly number[]): number => (known(s) ? s.reduce((a, b) => a * b, 1) : 0);

/**
 * Shapes of a document from its input specification (or `opts.inputShape`).
 * @example inferShapes(loadExample('mlp'), { inputShape: [2, 20] }).nodes.dense0.params
 *   // [{name: 'dense0_weight', shape: [256, 20]}, {name: 'dense0_bias', shape: [256]}]
 */
export function inferShapes(doc: GraphDocument, opts: { inputShape?: number[] } = {}): ShapeReport {
  // At the document's own input, a validated document's report is made once (the budget check
  // of openDocument and of the builder read the same one); treat it as read-only.
  if (!opts.inputShape) return memoOf(doc, 'shapes', () => inferAt(doc, doc.input.shape));
  return inferAt(doc, opts.inputShape);
}

function inferAt(doc: GraphDocument, given: readonly number[]): ShapeReport {
  const report: ShapeReport = { edges: {}, nodes: {}, problems: problemsOf(doc, validateDocument) };
  // A half-drawn graph still gets shapes wherever they can be known: nodes with errors of their
  // own produce unknown outputs. Errors that belong to no node (recursive definitions, a bad
  // input shape) leave nothing to infer from.
  const errors = report.problems.filter((p) => p.severity === 'error' && !HARMLESS.has(p.code));
  if (errors.some((p) => p.nodeId === undefined && !GRAPH_LEVEL.has(p.code))) return report;
  const broken = new Set(errors.map((p) => `${p.blockId ?? ''}\u0000${p.nodeId}`));
  const plan = planDocument(doc, (blockId, nodeId) => broken.has(`${blockId ?? ''}\u0000${nodeId}`));
  const inputs = plan.body.nodes.filter((n) => n.kind === 'Input').map((n) => (Array.isArray(n.attrs?.shape) ? [...(n.attrs.shape as number[])] : [...given]));
  inferGraph(plan, inputs, '', { report, dtype: doc.input.dtype, counted: new Set() });
  report.problems.push(...checkBudget(doc, report));
  return report;
}

function inferGraph(g: PlannedGraph, inputs: Shape[], path: string, ctx: Ctx, inputDtypes: readonly string[] = []): GraphResult {
  const values = new Map<string, Shape>();
  // Each value's dtype: the document's at the Input; a layer with parameters (an Embedding over
  // integer ids) turns integers into float32; anything else keeps its first input's.
  const dtypes = new Map<string, string>();
  const tiedShapes = new Map<string, number[]>();
  const result: GraphResult = { outputs: [], paramCount: 0, flops: 0, params: [] };
  let inputIndex = 0;
  const inputsOf = (node: GraphNode): (Shape | undefined)[] => {
    // An unconnected port reads as unknown (null), so nothing downstream of it is guessed; an
    // optional one left open is undefined (the layer's rule knows it is absent).
    return portValues<Shape | undefined>(
      g.items.get(node.id)!,
      g.index.incoming.get(node.id),
      (e) => values.get(`${e.source.node}:${e.source.port}`) ?? null,
      undefined,
      null,
    );
  };
  for (const node of g.order) {
    const item = g.items.get(node.id)!;
    const key = path + node.id;
    let outs: Record<string, Shape> = {};
    let entry: NodeShapes = { outputShapes: [], paramCount: 0, flops: 0, params: [] };
    const ins = inputsOf(node);
    const firstIn = g.index.incoming.get(node.id)?.values().next().value?.[0];
    const inDtype = firstIn ? (dtypes.get(`${firstIn.source.node}:${firstIn.source.port}`) ?? ctx.dtype) : ctx.dtype;
    if (item.type === 'io' && node.kind === 'Input') {
      const s = inputs[inputIndex++] ?? null;
      outs = { output: s };
      if (s) entry.outputShapes = [s];
    } else if (item.type === 'broken') {
      // Its own error is reported; what it would produce stays unknown.
    } else if (item.type === 'io') {
      result.outputs.push(ins[0] ?? null);
      if (ins[0]) entry.outputShapes = [ins[0]];
    } else if (ins.some((s) => s === null)) {
      // An upstream problem was reported already; shapes past it are unknown, names are not (the
      // editor names new nodes around the names the engine gives automatically).
      if (item.type === 'layer') entry.name = item.name;
      else nameOnly(item, key, ctx);
    } else if (item.type === 'layer') {
      const r = inferLayer(item, ins as number[][], g, tiedShapes, ctx, path);
      entry = r.entry;
      itemPorts(item).outputs.forEach((name, i) => {
        outs[name] = r.outs[i] ?? null;
      });
    } else if (item.type === 'instance') {
      const sub = inferGraph(item.graph, ins as Shape[], subPath(path, node.id), ctx, [inDtype]);
      const names = item.graph.body.nodes.filter((n) => n.kind === 'Output').map((n) => n.name);
      names.forEach((n, i) => {
        outs[n] = sub.outputs[i] ?? null;
      });
      // Instances sharing a definition's parameters hold one set: it counts at the first of them.
      const paramCount = node.shareParams && ctx.counted.has(item.graph) ? 0 : sub.paramCount;
      if (node.shareParams) ctx.counted.add(item.graph);
      entry = { outputShapes: sub.outputs.filter((s): s is number[] => s !== null), paramCount, flops: sub.flops, params: sub.params };
    } else {
      let x: Shape = ins[0] ?? null;
      const acc: GraphResult = { outputs: [], paramCount: 0, flops: 0, params: [] };
      item.copies.forEach((copy, i) => {
        if (x === null) {
          nameGraph(copy, subPath(path, node.id, i), ctx);
          return;
        }
        const sub = inferGraph(copy, [x], subPath(path, node.id, i), ctx, [inDtype]);
        x = sub.outputs[0] ?? null;
        // Shared copies are one set of parameters, counted once.
        if (!item.shared || (i === 0 && !ctx.counted.has(copy))) {
          acc.paramCount += sub.paramCount;
          acc.params.push(...sub.params);
        }
        acc.flops += sub.flops;
      });
      if (item.shared) ctx.counted.add(item.copies[0]!);
      outs = { [itemPorts(item).outputs[0]!]: x };
      entry = { outputShapes: x ? [x] : [], paramCount: acc.paramCount, flops: acc.flops, params: acc.params };
    }
    const outDtype =
      item.type === 'io' && node.kind === 'Input'
        ? (inputDtypes[inputIndex - 1] ?? ctx.dtype)
        : item.type === 'layer' && layerSpec(node.kind).params.length > 0 && !inDtype.startsWith('float')
          ? 'float32'
          : inDtype;
    for (const [port, s] of Object.entries(outs)) {
      values.set(`${node.id}:${port}`, s);
      dtypes.set(`${node.id}:${port}`, outDtype);
    }
    for (const e of g.index.outgoing.get(node.id) ?? []) {
      const s = values.get(`${e.source.node}:${e.source.port}`);
      if (s) ctx.report.edges[path + e.id] = { shape: s, dtype: dtypes.get(`${e.source.node}:${e.source.port}`) ?? ctx.dtype };
    }
    ctx.report.nodes[key] = entry;
    if (item.type !== 'io') {
      result.paramCount += entry.paramCount;
      result.flops += entry.flops;
      result.params.push(...entry.params);
    }
  }
  checkTies(g, tiedShapes, path, ctx);
  return result;
}

/** Names the layers of a part whose shapes are unknown (entries with no shapes, only the name the planner gives). */
function nameOnly(item: PlannedItem, key: string, ctx: Ctx): void {
  if (item.type === 'instance') nameGraph(item.graph, key + '/', ctx);
  else if (item.type === 'repeat') item.copies.forEach((copy, i) => nameGraph(copy, `${key}#${i}/`, ctx));
}

function nameGraph(g: PlannedGraph, path: string, ctx: Ctx): void {
  for (const [id, item] of g.items) {
    const key = path + id;
    if (item.type === 'layer') ctx.report.nodes[key] ??= { outputShapes: [], paramCount: 0, flops: 0, params: [], name: item.name };
    else nameOnly(item, key, ctx);
  }
}

function inferLayer(
  item: PlannedLayer,
  ins: number[][],
  g: PlannedGraph,
  tiedShapes: Map<string, number[]>,
  ctx: Ctx,
  path: string,
): { outs: Shape[]; entry: NodeShapes } {
  const spec = layerSpec(item.node.kind);
  const entry: NodeShapes = { outputShapes: [], paramCount: 0, flops: 0, params: [], name: item.name };
  const place = { nodeId: path + item.node.id, blockId: g.blockId };
  for (const p of specParams(spec, item.attrs)) {
    if (p.present && !p.present(item.attrs)) continue;
    let shape: number[];
    let fixed: number[];
    try {
      shape = p.shape(item.attrs, ins[0]);
      fixed = p.shape(item.attrs, undefined);
    } catch (e) {
      // An attribute the parameter's shape cannot be made from (a kernel size for three axes on a 2-d convolution).
      ctx.report.problems.push(problem(C.shapeMismatch, `${item.name}: ${(e as Error).message}`, { ...place, param: p.name }));
      return { outs: [], entry };
    }
    const tie = item.node.params?.[p.name]?.tiedTo;
    const root = tie ? tieRoot(g, tie.node, tie.param) : null;
    const rootItem = root ? g.items.get(root[0]) : undefined;
    const name = root && rootItem?.type === 'layer' ? paramFullName(rootItem, root[1]) : paramFullName(item, p.name);
    if (!shapesCompatible(fixed, shape)) {
      ctx.report.problems.push(
        problem(
          C.shapeMismatch,
          `${item.name}: the input ${fmtShape(ins[0]!)} does not fit ${name}: it is ${fmtShape(fixed)}, but the data needs ${fmtShape(shape)}.`,
          { ...place, param: p.name },
        ),
      );
    }
    tiedShapes.set(`${item.node.id}.${p.name}`, shape);
    entry.params.push({ name, shape });
    if (!tie) entry.paramCount += count(shape);
  }
  let outs: Shape[] = [];
  try {
    const shapes = spec.outputShapes ? spec.outputShapes(item.attrs, ins) : [spec.outputShape(item.attrs, ins)];
    outs = shapes;
    entry.outputShapes = shapes;
    entry.flops = spec.flops ? spec.flops(item.attrs, ins) : 0;
    if (!Number.isFinite(entry.flops)) entry.flops = 0;
  } catch (e) {
    ctx.report.problems.push(problem(C.shapeMismatch, `${item.name}: cannot take an input of shape ${fmtShape(ins[0] ?? [])}: ${(e as Error).message}`, place));
  }
  return { outs, entry };
}

/** A tied parameter must come out with the same shape at both ends once the data is known. */
function checkTies(g: PlannedGraph, shapes: Map<string, number[]>, path: string, ctx: Ctx): void {
  for (const item of g.items.values()) {
    if (item.type !== 'layer') continue;
    for (const [param, s] of Object.entries(item.node.params ?? {})) {
      if (!s.tiedTo) continue;
      const [rootNode, rootParam] = tieRoot(g, s.tiedTo.node, s.tiedTo.param);
      const mine = shapes.get(`${item.node.id}.${param}`);
      const theirs = shapes.get(`${rootNode}.${rootParam}`);
      if (mine && theirs && !shapesCompatible(mine, theirs)) {
        const target = g.items.get(rootNode) as PlannedLayer;
        ctx.report.problems.push(
          problem(
            C.shapeMismatch,
            `${item.name}.${param} is tied to ${target.name}_${rootParam}, which the data makes ${fmtShape(theirs)}, but here the data needs ${fmtShape(mine)}.`,
            { nodeId: path + item.node.id, blockId: g.blockId, param },
          ),
        );
      }
    }
  }
}
