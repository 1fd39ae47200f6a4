// Structure of one graph (the document's main graph or a block definition): the ports each node
// offers, the edges into each port, a topological order and the cycles that prevent one. Shared
// by validation, shape inference and the builder so they agree on what a graph means.

import type { BlockDefinition, GraphBody, GraphEdge, GraphNode } from '../schema/graph-document.ts';
import { definitionPorts, nodePorts as portsOf, type NodePorts } from '../schema/node-ports.ts';
import { layerKinds, layerSpec } from '../nn/layers/index.ts';

const KNOWN_KINDS = new Set(layerKinds());
export const isLayerKind = (kind: string): boolean => KNOWN_KINDS.has(kind);

export { definitionPorts, type NodePorts };

/** The ports of a node, or null when they cannot be known (unknown kind or missing definition). */
export function nodePorts(node: GraphNode, blocks: ReadonlyMap<string, BlockDefinition>): NodePorts | null {
  return portsOf(node, (id) => blocks.get(id), (kind) => (isLayerKind(kind) ? layerSpec(kind) : undefined));
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
    const ports = incoming.get(e.target.node) ?? new Map<string, GraphEdge[]>();
    incoming.set(e.target.node, ports);
    ports.set(e.target.port, [...(ports.get(e.target.port) ?? []), e]);
    outgoing.set(e.source.node, [...(outgoing.get(e.source.node) ?? []), e]);
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
  // A small sorted frontier keeps document order; documents are small enough that this is cheap.
  const ready = [...index.nodes.values()].filter((n) => indeg.get(n.id) === 0);
  const order: GraphNode[] = [];
  while (ready.length > 0) {
    let best = 0;
    for (let i = 1; i < ready.length; i++) if (position.get(ready[i]!.id)! < position.get(ready[best]!.id)!) best = i;
    const n = ready.splice(best, 1)[0]!;
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
  const succ = (id: string): string[] => (index.outgoing.get(id) ?? []).map((e) => e.target.node);
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
    num.set(start, counter); low.set(start, counter++); stack.push(start); onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const out = succ(top.id);
      if (top.next < out.length) {
        const w = out[top.next++]!;
        if (!num.has(w)) {
          num.set(w, counter); low.set(w, counter++); stack.push(w); onStack.add(w);
          work.push({ id: w, next: 0 });
        } else if (onStack.has(w)) low.set(top.id, Math.min(low.get(top.id)!, num.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) { const parent = work[work.length - 1]!.id; low.set(parent, Math.min(low.get(parent)!, low.get(top.id)!)); }
      if (low.get(top.id) === num.get(top.id)) {
        const comp: string[] = [];
        let w: string;
        do { w = stack.pop()!; onStack.delete(w); comp.push(w); } while (w !== top.id);
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
      if (!parent.has(w)) { parent.set(w, v); queue.push(w); }
    }
  }
  return comp;
}
