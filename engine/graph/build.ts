// Document → Block tree, the one the engine API would build by hand: chains become Sequential (or
// the definition's class name, e.g. MLP), DAGs a GraphBlock, repeats N copies, ties the very same
// Parameter objects, names exactly those of the plan (so dense0_weight is the document's dense0).

import type { GraphDocument } from '../protocol/graph-document.ts';
import type { InitSpec } from '../init/registry.ts';
import { np } from '../ndarray/np.ts';
import { Block } from '../nn/block.ts';
import { NamingScope, withNamingScope } from '../nn/naming-scope.ts';
import { ParameterDict } from '../nn/parameter-dict.ts';
import type { Parameter } from '../nn/parameter.ts';
import { createLayer, layerSpec, Sequential } from '../nn/layers/index.ts';
import { presentParams } from './validate-node.ts';
import { GraphBlock, type GraphStep, type StepSource } from './graph-block.ts';
import { itemPorts, paramFullName, planDocument, portValues, subPath, tieRoot, type PlannedGraph, type PlannedItem, type PlannedLayer } from './plan.ts';
import { GraphError, hasErrors, PROBLEM_CODES } from './problems.ts';
import { inferShapes } from './shapes.ts';
import { validateDocument } from './parse.ts';
import { problemsOf } from './validated.ts';

export interface BuiltModel {
  net: Block;
  document: GraphDocument;
  /** node id → its Block (inside instances `inst/id`, in repeat copies `rep#i/id`, as ShapeReport keys). */
  blocks: Map<string, Block>;
  /** The expansion the net was built from (names, copies), for runModel's per-edge shapes. */
  plan: PlannedGraph;
}

/** A naming scope that hands a layer the names the plan chose for the children it creates itself. */
class PlannedScope extends NamingScope {
  private readonly planned: Map<string, string>;
  constructor(planned: Record<string, string>) {
    super();
    this.planned = new Map(Object.entries(planned));
  }
  override next(hint: string): string {
    const name = this.planned.get(hint);
    if (name === undefined) return super.next(hint);
    this.planned.delete(hint);
    return `${name}_`;
  }
}

/** Keys a collected dict by Parameter name, so a parameter tied into a layer under that layer's key is listed once. */
export function byParameterName(all: ParameterDict): ParameterDict {
  return new ParameterDict(all.prefix).update(all.values().map((p) => [p.name, p] as [string, Parameter]));
}

// Containers print their class name (a definition named MLP prints "MLP("), and list a tied
// parameter once whichever layer holds it.
const classes = new Map<string, typeof Sequential>();
function sequentialClass(name: string): typeof Sequential {
  if (!classes.has(name)) {
    classes.set(
      name,
      {
        [name]: class extends Sequential {
          override collectParams(select?: string): ParameterDict {
            return byParameterName(super.collectParams(select));
          }
        },
      }[name]!,
    );
  }
  return classes.get(name)!;
}
const dagClasses = new Map<string, typeof GraphBlock>();
function graphClass(name: string): typeof GraphBlock {
  if (name === 'GraphBlock') return GraphBlock;
  if (!dagClasses.has(name)) dagClasses.set(name, { [name]: class extends GraphBlock {} }[name]!);
  return dagClasses.get(name)!;
}

/**
 * Builds the document's model (throws GraphError listing every problem when it is invalid). The
 * global random stream is seeded first with `opts.seed` (default: the document's seed), so values
 * drawn at construction (FancyMLP's constant) and then by runModel are reproducible; `seed: null`
 * leaves the stream as it is. Parameters are left uninitialized: runModel initializes them.
 */
export function buildModel(doc: GraphDocument, opts: { seed?: number | null } = {}): BuiltModel {
  const problems = problemsOf(doc, validateDocument);
  if (hasErrors(problems)) throw new GraphError(problems);
  // Sizes are refused before anything is allocated (engine/graph/budget.ts).
  const overBudget = inferShapes(doc).problems.filter((p) => p.code === PROBLEM_CODES.memoryBudget);
  if (overBudget.length > 0) throw new GraphError(overBudget);
  const plan = planDocument(doc);
  const seed = opts.seed === undefined ? doc.seed : opts.seed;
  if (seed !== null) np.random.seed(seed);
  const blocks = new Map<string, Block>();
  const built = new Map<PlannedGraph, Block>();
  const net = withNamingScope(new NamingScope(), () => buildGraph(plan, '', { blocks, built }));
  return { net, document: doc, blocks, plan };
}

interface Ctx {
  blocks: Map<string, Block>;
  built: Map<PlannedGraph, Block>;
}

function buildGraph(g: PlannedGraph, path: string, ctx: Ctx): Block {
  const shared = ctx.built.get(g);
  if (shared) return shared;
  const made = new Map<string, Block[]>();
  const make = (item: PlannedItem): Block[] => {
    let b = made.get(item.node.id);
    if (!b) {
      b = makeItem(item, g, path, ctx, make);
      made.set(item.node.id, b);
    }
    return b;
  };
  let out: Block;
  if (g.unwrap) {
    out = make([...g.items.values()].find((i) => i.type === 'layer')!)[0]!;
  } else if (g.chain) {
    const seq = new (sequentialClass(g.className))({ prefix: `${g.name}_` });
    for (const node of g.chain) {
      const item = g.items.get(node.id)!;
      const parts = item.type === 'repeat' ? item.copies.map((c, i) => buildGraph(c, subPath(path, node.id, i), ctx)) : make(item);
      // A repeat inside a chain adds its copies to it, as the chapter's block2 loop does.
      for (const b of parts) seq.registerChild(b, parts.length === 1 && node.key ? node.key : String(seq.children.size));
    }
    out = seq;
  } else {
    out = buildDag(g, make);
  }
  ctx.built.set(g, out);
  return out;
}

function buildDag(g: PlannedGraph, make: (item: PlannedItem) => Block[]): Block {
  const steps: GraphStep[] = [];
  const stepOf = new Map<string, number>();
  const inputIds = g.body.nodes.filter((n) => n.kind === 'Input').map((n) => n.id);
  const source = (nodeId: string, port: string): StepSource => {
    const i = inputIds.indexOf(nodeId);
    if (i >= 0) return { input: i };
    const item = g.items.get(nodeId)!;
    return { step: stepOf.get(nodeId)!, port: Math.max(0, itemPorts(item).outputs.indexOf(port)) };
  };
  for (const node of g.order) {
    const item = g.items.get(node.id)!;
    if (item.type === 'io') continue;
    const block = make(item)[0]!;
    const incoming = g.index.incoming.get(node.id);
    const ports = itemPorts(item);
    const inputs = portValues<StepSource>(item, incoming, (e) => source(e.source.node, e.source.port), { absent: true });
    stepOf.set(node.id, steps.length);
    steps.push({ key: node.key ?? node.name, block, inputs, outputCount: ports.outputs.length });
  }
  const outputs = g.body.nodes
    .filter((n) => n.kind === 'Output')
    .map((n) => {
      const e = g.index.incoming.get(n.id)!.get('data')![0]!;
      return source(e.source.node, e.source.port);
    });
  return new (graphClass(g.className))(steps, inputIds.length, outputs, { prefix: `${g.name}_` });
}

function makeItem(item: PlannedItem, g: PlannedGraph, path: string, ctx: Ctx, make: (item: PlannedItem) => Block[]): Block[] {
  const key = path + item.node.id;
  let blocks: Block[];
  switch (item.type) {
    case 'io':
      return [];
    case 'broken':
      throw new Error(`internal: node ${item.node.id} is broken in a validated document`);
    case 'instance':
      blocks = [buildGraph(item.graph, subPath(path, item.node.id), ctx)];
      break;
    case 'repeat': {
      const copies = item.copies.map((c, i) => buildGraph(c, subPath(path, item.node.id, i), ctx));
      blocks = [new (sequentialClass('Sequential'))({ prefix: `${item.name}_` }).add(...copies)];
      break;
    }
    case 'layer':
      blocks = [makeLayer(item, g, make)];
      break;
  }
  ctx.blocks.set(key, blocks[0]!);
  return blocks;
}

function makeLayer(item: PlannedLayer, g: PlannedGraph, make: (item: PlannedItem) => Block[]): Block {
  const prefix = `${item.name}_`;
  const settings = item.node.params ?? {};
  // Tied parameters: a dict holding the target's Parameter objects under this layer's names, so
  // the layer's params.get('weight') returns the very same object (Gluon's params=shared.params).
  let tied: ParameterDict | null = null;
  const ties = Object.entries(settings).filter(([, s]) => s.tiedTo);
  const present = presentParams(layerSpec(item.node.kind), item.attrs);
  const first = ties[0]?.[1].tiedTo;
  if (first && present.every((p) => settings[p]?.tiedTo?.node === first.node && settings[p]?.tiedTo?.param === p)) {
    // Every parameter tied to the same layer's namesake: Gluon's Dense(8, params=shared.params) exactly.
    const [rootId] = tieRoot(g, first.node, first.param);
    tied = make(g.items.get(rootId) as PlannedLayer)[0]!.params;
  }
  for (const [param, s] of tied ? [] : ties) {
    if (!s.tiedTo) continue;
    const [rootId, rootParam] = tieRoot(g, s.tiedTo.node, s.tiedTo.param);
    const target = g.items.get(rootId) as PlannedLayer;
    const targetBlock = make(target)[0]!;
    tied ??= new ParameterDict(prefix);
    tied.update([[prefix + param, targetBlock.collectParams().at(paramFullName(target, rootParam))]]);
  }
  const block = withNamingScope(new PlannedScope(item.childNames), () =>
    createLayer(item.node.kind, item.attrs, { prefix, ...(tied ? { params: tied } : {}) }),
  );
  const own = block.collectParams();
  for (const [param, s] of Object.entries(settings)) {
    if (s.tiedTo) continue;
    const p = own.at(paramFullName(item, param));
    if (s.init !== undefined) p.init = s.init as InitSpec;
    if (s.constant) p.gradReq = 'null';
  }
  return block;
}
