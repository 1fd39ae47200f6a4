// "Make block": a selection of nodes becomes a reusable block definition (document.blocks), and
// a BlockInstance takes its place on the canvas, wired to the same neighbours. Every edge that
// crossed the selection's boundary becomes a port: one Input node per outside source feeding the
// selection, one Output node per inside port feeding the outside. Pure.
import {
  INPUT_NODE_PORT, OUTPUT_NODE_PORT, type BlockDefinition, type GraphDocument, type GraphEdge, type GraphNode, type PortRef,
} from '../../engine/schema/graph-document.ts';
import { rootDocument } from './body-view.ts';
import { freshId, reaches, type Point } from './document-ops.ts';
import { freshNodeName } from './node-names.ts';

export type MakeBlockResult =
  | { ok: true; doc: GraphDocument; instanceId: string; blockId: string }
  | { ok: false; reason: string };

/** Horizontal room between the definition's Input/Output nodes and the layers they feed. */
const IO_GAP = 220;
const ROW = 90;

const portKey = (p: PortRef) => `${p.node}\u0000${p.port}`;

/** `block1`, `block2`, …: the first id no definition uses. */
export function freshBlockId(doc: Pick<GraphDocument, 'blocks'>): string {
  const used = new Set(doc.blocks.map((b) => b.id));
  let n = 1;
  while (used.has(`block${n}`)) n++;
  return `block${n}`;
}

/** `data`, `data1`, …: port names, which are Input / Output node names in the definition. */
const portName = (base: string, i: number) => (i === 0 ? base : `${base}${i}`);

/** Why the selection cannot become a block, or null. */
function selectionProblem(doc: GraphDocument, chosen: ReadonlySet<string>): string | null {
  const nodes = doc.nodes.filter((n) => chosen.has(n.id));
  if (chosen.size === 0) return 'select the nodes that should form the block';
  if (nodes.length !== chosen.size) return 'the selection names nodes that are not in this graph';
  const io = nodes.find((n) => n.kind === 'Input' || n.kind === 'Output');
  if (io) return `${io.name} is the graph's ${io.kind}; select only layers and blocks (the block gets Input/Output nodes of its own)`;
  // A path that leaves the selection and comes back would become a loop through the instance.
  for (const e of doc.edges) {
    if (!chosen.has(e.source.node) || chosen.has(e.target.node)) continue;
    const back = nodes.find((n) => reaches(doc, e.target.node, n.id));
    if (back) {
      const via = doc.nodes.find((n) => n.id === e.target.node)?.name ?? e.target.node;
      return `the data path leaves the selection at ${via} and comes back into ${back.name}; add ${via} to the selection`;
    }
  }
  // Ties reach only nodes of the same graph, so none may cross the boundary.
  for (const n of doc.nodes) {
    for (const [param, s] of Object.entries(n.params ?? {})) {
      if (s.tiedTo && chosen.has(n.id) !== chosen.has(s.tiedTo.node)) {
        const other = doc.nodes.find((m) => m.id === s.tiedTo!.node)?.name ?? s.tiedTo.node;
        return `${n.name}.${param} is tied to ${other}.${s.tiedTo.param} across the selection's edge; untie it or select both`;
      }
    }
  }
  return null;
}

/**
 * Turns the nodes `ids` of `doc` (a document or a body view) into a new definition and one
 * BlockInstance in their place. The nodes keep their ids and names inside the definition, so the
 * first instance's parameter names do not change.
 */
export function makeBlock(doc: GraphDocument, ids: readonly string[]): MakeBlockResult {
  const chosen = new Set(ids);
  const problem = selectionProblem(doc, chosen);
  if (problem) return { ok: false, reason: problem };
  const inside = doc.nodes.filter((n) => chosen.has(n.id));
  const incoming = doc.edges.filter((e) => !chosen.has(e.source.node) && chosen.has(e.target.node));
  const outgoing = doc.edges.filter((e) => chosen.has(e.source.node) && !chosen.has(e.target.node));
  if (incoming.length === 0) return { ok: false, reason: 'no edge comes into the selection; connect its input first (a block needs an input)' };
  if (outgoing.length === 0) return { ok: false, reason: 'no edge leaves the selection; connect its output first (a block needs an output)' };

  // One port per distinct outside source (in) and per distinct inside source (out), in edge order.
  const inPorts = [...new Map(incoming.map((e) => [portKey(e.source), e.source])).values()];
  const outPorts = [...new Map(outgoing.map((e) => [portKey(e.source), e.source])).values()];
  const inName = new Map(inPorts.map((p, i) => [portKey(p), portName('data', i)]));
  const outName = new Map(outPorts.map((p, i) => [portKey(p), portName('output', i)]));

  const positions = doc.layout?.positions ?? {};
  const at = (id: string): Point => positions[id] ?? { x: 0, y: 0 };
  const xs = inside.map((n) => at(n.id).x);
  const ys = inside.map((n) => at(n.id).y);
  const [minX, maxX, minY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys)];

  const body: Pick<GraphDocument, 'nodes' | 'edges'> = { nodes: [...inside], edges: doc.edges.filter((e) => chosen.has(e.source.node) && chosen.has(e.target.node)) };
  const defPositions: Record<string, Point> = {};
  for (const n of inside) defPositions[n.id] = at(n.id);
  const addIo = (kind: 'Input' | 'Output', name: string, i: number): string => {
    const id = freshId(body, kind === 'Input' ? 'in' : 'out');
    body.nodes.push({ id, kind, name });
    defPositions[id] = { x: kind === 'Input' ? minX - IO_GAP : maxX + IO_GAP, y: minY + i * ROW };
    return id;
  };
  const addEdge = (source: PortRef, target: PortRef) => {
    body.edges.push({ id: freshId(body, `e_${source.node}_${target.node}`), source, target });
  };
  inPorts.forEach((p, i) => {
    const id = addIo('Input', inName.get(portKey(p))!, i);
    for (const e of incoming.filter((x) => portKey(x.source) === portKey(p))) addEdge({ node: id, port: INPUT_NODE_PORT }, e.target);
  });
  outPorts.forEach((p, i) => {
    const id = addIo('Output', outName.get(portKey(p))!, i);
    addEdge(p, { node: id, port: OUTPUT_NODE_PORT });
  });

  const blockId = freshBlockId(doc);
  const def: BlockDefinition = { id: blockId, nodes: body.nodes, edges: body.edges, layout: { positions: defPositions } };
  // The instance is named once the definition exists: its hint is the definition's class name.
  const rest: GraphDocument = {
    ...doc,
    nodes: doc.nodes.filter((n) => !chosen.has(n.id)),
    edges: doc.edges.filter((e) => !chosen.has(e.source.node) && !chosen.has(e.target.node)),
    blocks: [...doc.blocks, def],
  };
  const name = freshNodeName(rest, { kind: 'BlockInstance', block: blockId }, new Set(), rootDocument(doc));
  const instanceId = freshId({ nodes: doc.nodes, edges: doc.edges }, name);
  const instance: GraphNode = { id: instanceId, kind: 'BlockInstance', name, block: blockId, shareParams: false };
  const wires: GraphEdge[] = [];
  const wire = (source: PortRef, target: PortRef) => {
    wires.push({ id: freshId({ nodes: rest.nodes, edges: [...rest.edges, ...wires] }, `e_${source.node}_${target.node}`), source, target });
  };
  for (const p of inPorts) wire(p, { node: instanceId, port: inName.get(portKey(p))! });
  for (const e of outgoing) wire({ node: instanceId, port: outName.get(portKey(e.source))! }, e.target);

  const kept = { ...positions };
  for (const id of chosen) delete kept[id];
  kept[instanceId] = { x: Math.round(xs.reduce((a, b) => a + b, 0) / xs.length), y: Math.round(ys.reduce((a, b) => a + b, 0) / ys.length) };
  const collapsed = Object.fromEntries(Object.entries(doc.layout?.collapsed ?? {}).filter(([id]) => !chosen.has(id)));
  return {
    ok: true,
    instanceId,
    blockId,
    doc: {
      ...rest,
      nodes: [...rest.nodes, instance],
      edges: [...rest.edges, ...wires],
      layout: { ...doc.layout, positions: kept, ...(doc.layout?.collapsed ? { collapsed } : {}) },
    },
  };
}

/** The definitions `ids` use, directly or through other definitions (for copying them along). */
export function definitionsUsed(doc: Pick<GraphDocument, 'blocks'>, nodes: readonly GraphNode[]): BlockDefinition[] {
  const found = new Map<string, BlockDefinition>();
  const visit = (list: readonly GraphNode[]) => {
    for (const n of list) {
      if (n.block === undefined || found.has(n.block)) continue;
      const def = doc.blocks.find((b) => b.id === n.block);
      if (!def) continue;
      found.set(def.id, def);
      visit(def.nodes);
    }
  };
  visit(nodes);
  return [...found.values()];
}
