// Structure of one graph (the document's main graph or a block definition): the ports each node
// offers, the edges into each port, a topological order and the cycles that prevent one. Shared
// by validation, shape inference and the builder so they agree on what a graph means.

import type { BlockDefinition, GraphBody, GraphEdge, GraphNode } from '../protocol/graph-document.ts';
import { definitionPorts, nodePorts as portsOf, type NodePorts } from '../protocol/node-ports.ts';
import { layerKinds, layerSpec } from '../nn/layers/index.ts';

const KNOWN_KINDS = new Set(layerKinds());
export const isLayerKind = (kind: string): boolean => KNOWN_KINDS.has(kind);

export { definitionPorts, type NodePorts };

/** The ports of a node, or null when they cannot be known (unknown kind or missing definition). */
export function nodePorts(node: GraphNode, blocks: ReadonlyMap<string, BlockDefinition>): NodePorts | null {
  return portsOf(
    node,
    (id) => blocks.get(id),
    (kind) => (isLayerKind(kind) ? layerSpec(kind) : undefined),
  );
}

export interface GraphIndex {
  nodes: Map<string, GraphNode>;
  /** node id → port → edges into it, in document order. */
  incoming: Map<string, Map<string, GraphEdge[]>>;
  /** node id → edges out of it. */
  outgoing: Map<string, GraphEdge[]>;
}

/** Indexes the edges whose two ends exist (others are validation's business). */
export function indexGraph(body: Pick<GraphBody, 'nodes' | 'edges'>): GraphIndex {
  const nodes = new Map<string, GraphNode>();
  for (const n of body.nodes) if (!nodes.has(n.id)) nodes.set(n.id, n);
  const incoming = new Map<string, Map<string, GraphEdge[]>>();
  const outgoing = new Map<string, GraphEdge[]>();
  for (const e of body.edges) {
    if (!nodes.has(e.source.node) || !nodes.has(e.target.node)) continue;
    // Appending in place: copying the list per edge made 100k edges into one Concat quadratic.
    let ports = incoming.get(e.target.node);
    if (!ports) incoming.set(e.target.node, (ports = new Map<string, GraphEdge[]>()));
    let into = ports.get(e.target.port);
    if (!into) ports.set(e.target.port, (into = []));
    into.push(e);
    let from = outgoing.get(e.source.node);
    if (!from) outgoing.set(e.source.node, (from = []));
    from.push(e);
  }
  return { nodes, incoming, outgoing };
}

/**
 * Kahn's algorithm, ties broken by document order so orders (and auto names) are stable.
 * Returns the order of the nodes not on or behind a cycle, plus the nodes left over.
 */
export function topologicalOrder(body: Pick<GraphBody, 'nodes'>, index: GraphIndex): { order: GraphNode[]; blocked: GraphNode[] } {
  const indeg = new Map<string, number>();
  for (const n of index.nodes.values()) indeg.set(n.id, 0);
  for (const edges of index.outgoing.values()) for (const e of edges) indeg.set(e.target.node, indeg.get(e.target.node)! + 1);
  const position = new Map(body.nodes.map((n, i) => [n.id, i]));
  // The ready nodes in a binary heap keyed by document position: linear-logarithmic, however wide.
  const ready = new MinHeap<GraphNode>((n) => position.get(n.id)!);
  for (const n of index.nodes.values()) if (indeg.get(n.id) === 0) ready.push(n);
  const order: GraphNode[] = [];
  while (ready.size > 0) {
    const n = ready.pop();
    order.push(n);
    for (const e of index.outgoing.get(n.id) ?? []) {
      const d = indeg.get(e.target.node)! - 1;
      indeg.set(e.target.node, d);
      if (d === 0) ready.push(index.nodes.get(e.target.node)!);
    }
  }
  const done = new Set(order.map((n) => n.id));
  return { order, blocked: [...index.nodes.values()].filter((n) => !done.has(n.id)) };
}

/** Each cycle as the list of its nodes in edge order (one per strongly connected component). */
export function findCycles(index: GraphIndex): GraphNode[][] {
  // Each node's successors, mapped once: the walk below asks for them at every step.
  const successors = new Map<string, string[]>();
  const succ = (id: string): string[] => {
    let list = successors.get(id);
    if (!list) successors.set(id, (list = (index.outgoing.get(id) ?? []).map((e) => e.target.node)));
    return list;
  };
  // Tarjan's strongly connected components, iteratively (deep chains must not overflow the stack).
  let counter = 0;
  const num = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  for (const start of index.nodes.keys()) {
    if (num.has(start)) continue;
    const work: { id: string; next: number }[] = [{ id: start, next: 0 }];
    num.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const out = succ(top.id);
      if (top.next < out.length) {
        const w = out[top.next++]!;
        if (!num.has(w)) {
          num.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ id: w, next: 0 });
        } else if (onStack.has(w)) low.set(top.id, Math.min(low.get(top.id)!, num.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!.id;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.id)!));
      }
      if (low.get(top.id) === num.get(top.id)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== top.id);
        if (comp.length > 1 || succ(top.id).includes(top.id)) components.push(comp);
      }
    }
  }
  return components.map((comp) => cyclePath(comp, succ).map((id) => index.nodes.get(id)!));
}

/** A shortest cycle through the component's first member, by breadth-first search inside it. */
function cyclePath(comp: string[], succ: (id: string) => string[]): string[] {
  const members = new Set(comp);
  const start = comp[comp.length - 1]!;
  const parent = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of succ(v)) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(parent.get(path[0]!)!);
        return path;
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return comp;
}

/** A binary min-heap by a numeric key. */
class MinHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly key: (item: T) => number) {}
  get size(): number {
    return this.items.length;
  }
  push(item: T): void {
    const a = this.items;
    a.push(item);
    for (let i = a.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (this.key(a[parent]!) <= this.key(a[i]!)) break;
      [a[parent], a[i]] = [a[i]!, a[parent]!];
      i = parent;
    }
  }
  pop(): T {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1,
          r = l + 1;
        let m = i;
        if (l < a.length && this.key(a[l]!) < this.key(a[m]!)) m = l;
        if (r < a.length && this.key(a[r]!) < this.key(a[m]!)) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}
