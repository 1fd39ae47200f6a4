// The expansion plan of a valid document, shared by shape inference and the builder so both see
// the same tree and the same names: block instances and repeats expanded, every block named.
//
// Naming (one fresh counter set per document, Gluon 1.x hints): the main graph's node names are
// used exactly as stored. Nodes inside a block definition keep their stored name in the first
// expansion that finds it free; later copies (Repeat, fresh instances) take the next free name
// with the same hint (dense0 → dense2, dense3, ...) that no node of the document stores, in build
// order — which reproduces the chapter's names, e.g. rgnet's dense0..dense7 for four copies of
// block1 and dense8 after them.

import type { BlockDefinition, GraphBody, GraphDocument, GraphEdge, GraphNode } from '../protocol/graph-document.ts';
import { layerSpec } from '../nn/layers/index.ts';
import { specParams } from '../nn/layers/layer-spec.ts';
import { indexGraph, isLayerKind, topologicalOrder, type GraphIndex } from './topology.ts';
import { classHint } from '../protocol/graph-names.ts';
import { codeInputNames, codeOutputNames } from '../protocol/code-ports.ts';

export interface PlannedLayer {
  type: 'layer';
  node: GraphNode;
  name: string;
  attrs: Record<string, unknown>;
  childNames: Record<string, string>;
}
export interface PlannedInstance {
  type: 'instance';
  node: GraphNode;
  graph: PlannedGraph;
}
export interface PlannedRepeat {
  type: 'repeat';
  node: GraphNode;
  name: string;
  copies: PlannedGraph[];
  shared: boolean;
}
export interface PlannedIo {
  type: 'io';
  node: GraphNode;
}
/** A node with an error of its own (shape inference of a half-drawn graph): its outputs are unknown. */
export interface PlannedBroken {
  type: 'broken';
  node: GraphNode;
}
export type PlannedItem = PlannedLayer | PlannedInstance | PlannedRepeat | PlannedIo | PlannedBroken;

export interface PlannedGraph {
  body: Pick<GraphBody, 'nodes' | 'edges'>;
  blockId?: string;
  /** The class name the built container prints. */
  className: string;
  /** The container block's name (its prefix without '_'). */
  name: string;
  index: GraphIndex;
  /** Nodes in topological order. */
  order: GraphNode[];
  /** Input → ... → Output with one edge between each: built as a Sequential. Null for a DAG. */
  chain: GraphNode[] | null;
  items: Map<string, PlannedItem>;
  /** A single-layer inline sequence built as the layer itself rather than a Sequential of one. */
  unwrap: boolean;
}

/** Gluon's hint: the name without its trailing counter (`dense12` → `dense`). */
export const hintOf = (name: string): string => name.replace(/\d+$/, '') || name;

class Namer {
  private readonly used = new Set<string>();
  /** Every name stored anywhere in the document: automatic names never take one. */
  private readonly stored = new Set<string>();
  private readonly counters = new Map<string, number>();
  constructor(mainGraph: Iterable<string>, stored: Iterable<string>) {
    for (const n of mainGraph) this.used.add(n);
    for (const n of stored) this.stored.add(n);
  }
  /** The stored name when nothing took it yet, else the next free one with its hint. */
  take(preferred: string): string {
    if (this.used.has(preferred)) return this.next(hintOf(preferred));
    this.used.add(preferred);
    return preferred;
  }
  /** `hint + n` for the smallest counter value not taken (counters only grow, like NamingScope). */
  next(hint: string): string {
    let n = this.counters.get(hint) ?? 0;
    while (this.used.has(`${hint}${n}`) || this.stored.has(`${hint}${n}`)) n++;
    this.counters.set(hint, n + 1);
    this.used.add(`${hint}${n}`);
    return `${hint}${n}`;
  }
}

/** The straight chain Input → a → b → Output, or null when the graph branches anywhere. */
function chainOf(body: Pick<GraphBody, 'nodes'>, index: GraphIndex): GraphNode[] | null {
  const inputs = body.nodes.filter((n) => n.kind === 'Input');
  const outputs = body.nodes.filter((n) => n.kind === 'Output');
  if (inputs.length !== 1 || outputs.length !== 1) return null;
  const chain: GraphNode[] = [];
  let cur = inputs[0]!;
  while (cur.kind !== 'Output') {
    const out = index.outgoing.get(cur.id) ?? [];
    if (out.length !== 1) return null;
    // A Sequential passes each layer's call() on: a chain leaves every layer by its first port.
    if (isLayerKind(cur.kind) && out[0]!.source.port !== layerSpec(cur.kind).outputs[0]!.name) return null;
    const next = index.nodes.get(out[0]!.target.node)!;
    const into = [...(index.incoming.get(next.id)?.values() ?? [])].flat();
    if (into.length !== 1 || chain.length > body.nodes.length) return null;
    if (next.kind !== 'Output') chain.push(next);
    cur = next;
  }
  return chain.length + 2 === body.nodes.length ? chain : null;
}

/**
 * Plans the document. buildModel plans only valid documents; shape inference also plans one with
 * errors, passing `broken(blockId, nodeId)` for the nodes whose own errors make them unusable.
 */
export function planDocument(doc: GraphDocument, broken: (blockId: string | undefined, nodeId: string) => boolean = () => false): PlannedGraph {
  const blocks = new Map(doc.blocks.map((b) => [b.id, b]));
  const stored = [...doc.nodes, ...doc.blocks.flatMap((b) => b.nodes)].flatMap((n) => [n.name, ...(n.sequence ?? []).map((s) => s.name)]);
  const namer = new Namer(
    doc.nodes.map((n) => n.name),
    stored,
  );
  const canonical = new Map<string, PlannedGraph>();

  const planGraph = (
    body: Pick<GraphBody, 'nodes' | 'edges' | 'className'>,
    opts: { blockId?: string; name?: string; root?: boolean; unwrap?: boolean },
  ): PlannedGraph => {
    const index = indexGraph(body);
    const { order } = topologicalOrder(body, index);
    const chain = chainOf(body, index);
    const className = body.className ?? (chain ? 'Sequential' : 'GraphBlock');
    // The container is named before its contents, as a constructor runs before its children's.
    const name = opts.name ?? namer.next(classHint(className));
    const items = new Map<string, PlannedItem>();
    for (const node of order) {
      if (!broken(opts.blockId, node.id)) items.set(node.id, planNode(node, opts.root === true));
      else {
        // Keep the name taken, so the names of the nodes after it are those the fixed graph gets.
        if (!opts.root) namer.take(node.name);
        items.set(node.id, { type: 'broken', node });
      }
    }
    return { body, blockId: opts.blockId, className, name, index, order, chain, items, unwrap: opts.unwrap === true };
  };

  const planDefinition = (def: BlockDefinition, name?: string): PlannedGraph => planGraph(def, { blockId: def.id, name });

  const planNode = (node: GraphNode, root: boolean): PlannedItem => {
    const own = (): string => (root ? node.name : namer.take(node.name));
    switch (node.kind) {
      case 'Input':
      case 'Output':
        return { type: 'io', node };
      case 'BlockInstance': {
        const def = blocks.get(node.block!)!;
        if (node.shareParams) {
          let g = canonical.get(def.id);
          if (!g) {
            g = planDefinition(def, own());
            canonical.set(def.id, g);
          }
          return { type: 'instance', node, graph: g };
        }
        return { type: 'instance', node, graph: planDefinition(def, own()) };
      }
      case 'Repeat': {
        // Named like a container: it is one (a Sequential of the copies) where it is not spliced into a chain.
        const name = own();
        const def: Pick<GraphBody, 'nodes' | 'edges' | 'className'> & { id?: string } = node.block !== undefined ? blocks.get(node.block)! : sequenceBody(node);
        const unwrap = node.sequence?.length === 1;
        // An unwrapped copy is its one layer, so it takes no container name.
        const copy = (): PlannedGraph => planGraph(def, { blockId: def.id, unwrap, ...(unwrap ? { name: '' } : {}) });
        if (node.shareParams) {
          const g = (node.block !== undefined && canonical.get(node.block)) || copy();
          if (node.block !== undefined) canonical.set(node.block, g);
          return { type: 'repeat', node, name, copies: Array.from({ length: node.count! }, () => g), shared: true };
        }
        return { type: 'repeat', node, name, copies: Array.from({ length: node.count! }, copy), shared: false };
      }
      default: {
        const name = own();
        const spec = layerSpec(node.kind);
        const attrs = withSpecDefaults(node.kind, node.attrs ?? {});
        const childNames: Record<string, string> = {};
        for (const p of specParams(spec, attrs)) if (p.owner && !(p.owner in childNames)) childNames[p.owner] = namer.next(p.owner);
        return { type: 'layer', node, name, attrs, childNames };
      }
    }
  };

  return planGraph(doc, { root: true });
}

/** Attributes with the descriptor's defaults filled in (validation made sure required ones exist). */
export function withSpecDefaults(kind: string, attrs: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of layerSpec(kind).attrs) {
    const v = attrs[a.name] ?? a.default;
    if (v !== undefined) out[a.name] = v;
  }
  return out;
}

/** A Repeat's inline sequence as a little graph: data → layer0 → layer1 → ... → output. */
function sequenceBody(node: GraphNode): Pick<GraphBody, 'nodes' | 'edges' | 'className'> {
  const layers = (node.sequence ?? []).filter((s) => isLayerKind(s.kind));
  const nodes: GraphNode[] = [
    { id: '$in', kind: 'Input', name: 'data' },
    ...layers.map((s, i) => ({ id: String(i), kind: s.kind, name: s.name, attrs: s.attrs })),
    { id: '$out', kind: 'Output', name: 'output' },
  ];
  // A code block in the sequence takes the value at its first declared input (code-ports.ts).
  const firstInput = (n: GraphNode): string =>
    (n.kind === 'Code' && typeof n.attrs?.source === 'string' ? codeInputNames(n.attrs.source)?.[0] : undefined) ?? 'data';
  const edges = nodes.slice(1).map((n, i) => ({
    id: `e${i}`,
    source: { node: nodes[i]!.id, port: 'output' },
    target: { node: n.id, port: firstInput(n) },
  }));
  return { nodes, edges };
}

/** The block that computes a node's output in a built model is keyed `path + node id`. */
export const itemPath = (path: string, nodeId: string): string => `${path}${nodeId}`;
export const subPath = (path: string, nodeId: string, copy?: number): string => `${path}${nodeId}${copy === undefined ? '' : `#${copy}`}/`;

/** The port names of a planned node, inputs and outputs in order. */
export function itemPorts(item: PlannedItem): { inputs: string[]; outputs: string[] } {
  const io = (g: PlannedGraph) => ({
    inputs: g.body.nodes.filter((n) => n.kind === 'Input').map((n) => n.name),
    outputs: g.body.nodes.filter((n) => n.kind === 'Output').map((n) => n.name),
  });
  switch (item.type) {
    case 'broken':
      return { inputs: [], outputs: [] };
    case 'io':
      return item.node.kind === 'Input' ? { inputs: [], outputs: ['output'] } : { inputs: ['data'], outputs: [] };
    case 'instance':
      return io(item.graph);
    case 'repeat':
      return item.node.sequence ? { inputs: ['data'], outputs: ['output'] } : io(item.copies[0]!);
    case 'layer': {
      const spec = layerSpec(item.node.kind);
      const source = item.node.kind === 'Code' ? item.node.attrs?.source : undefined;
      if (typeof source !== 'string') return { inputs: spec.inputs.map((p) => p.name), outputs: spec.outputs.map((p) => p.name) };
      return { inputs: codeInputNames(source) ?? spec.inputs.map((p) => p.name), outputs: codeOutputNames(source) };
    }
  }
}

/**
 * The values arriving at a node's input ports, in port (and edge) order. An optional port left
 * unconnected gives `absent` in its place, so later ports keep their positions; absent values at
 * the end are dropped (a layer called with fewer arguments sees undefined there all the same).
 * A required port left unconnected (a problem already reported) gives `missing` when given.
 */
export function portValues<T>(
  item: PlannedItem,
  incoming: ReadonlyMap<string, readonly GraphEdge[]> | undefined,
  read: (e: GraphEdge) => T,
  absent: T,
  missing?: T,
): T[] {
  const optional =
    item.type === 'layer'
      ? new Set(
          layerSpec(item.node.kind)
            .inputs.filter((p) => p.optional)
            .map((p) => p.name),
        )
      : new Set<string>();
  const out: T[] = [];
  let last = 0;
  for (const p of itemPorts(item).inputs) {
    const edges = incoming?.get(p) ?? [];
    if (edges.length === 0 && optional.has(p)) {
      out.push(absent);
      continue;
    }
    if (edges.length === 0 && missing !== undefined) out.push(missing);
    for (const e of edges) out.push(read(e));
    last = out.length;
  }
  return out.slice(0, last);
}

/** Follows a tie chain to the node and parameter that really hold the value. */
export function tieRoot(g: PlannedGraph, nodeId: string, param: string): [string, string] {
  const seen = new Set<string>();
  let cur: [string, string] = [nodeId, param];
  for (;;) {
    const t = g.index.nodes.get(cur[0])?.params?.[cur[1]]?.tiedTo;
    if (!t || seen.has(`${t.node}.${t.param}`)) return cur;
    seen.add(`${t.node}.${t.param}`);
    cur = [t.node, t.param];
  }
}

/** The full Gluon name of a layer's parameter: its own prefix, or its inner child's (FancyMLP's dense4_weight). */
export function paramFullName(item: PlannedLayer, param: string): string {
  const owner = specParams(layerSpec(item.node.kind), item.attrs).find((p) => p.name === param)?.owner;
  return `${owner ? item.childNames[owner]! : item.name}_${param}`;
}
