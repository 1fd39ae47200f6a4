// "Make block": a selection of nodes becomes a reusable block definition (document.blocks), and
// a BlockInstance takes its place on the canvas, wired to the same neighbours. Every edge that
// crossed the selection's boundary becomes a port: one Input node per outside source feeding the
// selection, one Output node per inside port feeding the outside. Pure.
import {
  INPUT_NODE_PORT,
  OUTPUT_NODE_PORT,
  type BlockDefinition,
  type GraphDocument,
  type GraphEdge,
  type GraphNode,
  type PortRef,
} from '../../engine/protocol/graph-document.ts';
import { rootDocument } from './body-view.ts';
import { freshId, reaches, type Point } from './graph-basics.ts';
import { freshNodeName } from './node-names.ts';

export type MakeBlockResult = { ok: true; doc: GraphDocument; instanceId: string; blockId: string } | { ok: false; reason: string };

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

  const body: Pick<GraphDocument, 'nodes' | 'edges'> = {
    nodes: [...inside],
    edges: doc.edges.filter((e) => chosen.has(e.source.node) && chosen.has(e.target.node)),
  };
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
  // The class is named after the definition (block1 → Block1), so its instance is block1_0 (the
  // engine's hint for the class), not a sequential0 that says nothing of where it comes from.
  const className = `B${blockId.slice(1)}`;
  const def: BlockDefinition = { id: blockId, className, nodes: body.nodes, edges: body.edges, layout: { positions: defPositions } };
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
  const wire = (source: PortRef, target: PortRef): GraphEdge => {
    const edge = { id: freshId({ nodes: rest.nodes, edges: [...rest.edges, ...wires] }, `e_${source.node}_${target.node}`), source, target };
    wires.push(edge);
    return edge;
  };
  const inWire = new Map(inPorts.map((p) => [portKey(p), wire(p, { node: instanceId, port: inName.get(portKey(p))! })]));
  const outWire = new Map(outgoing.map((e) => [e.id, wire({ node: instanceId, port: outName.get(portKey(e.source))! }, e.target)]));
  // Boundary edges are replaced where they stood (an input port's wire where its first edge was):
  // a Concat outside joins its inputs in edge order.
  const placed = new Set<GraphEdge>();
  const keptEdges = new Set(rest.edges);
  const edges = doc.edges.flatMap((e) => {
    const replaced = outWire.get(e.id) ?? (chosen.has(e.target.node) && !chosen.has(e.source.node) ? inWire.get(portKey(e.source)) : undefined);
    if (replaced) {
      if (placed.has(replaced)) return [];
      placed.add(replaced);
      return [replaced];
    }
    return keptEdges.has(e) ? [e] : [];
  });

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
      edges,
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

export type UnmakeBlockResult = { ok: true; doc: GraphDocument; ids: string[]; blockId: string; removedDefinition: boolean } | { ok: false; reason: string };

/** How many nodes use the definition `blockId`: in the body `doc` (a view of `bodyId`), the main graph and the other definitions. */
function usesOf(doc: GraphDocument, bodyId: string | undefined, blockId: string): number {
  const graphs = [doc.nodes, ...(bodyId === undefined ? [] : [rootDocument(doc).nodes]), ...doc.blocks.filter((b) => b.id !== bodyId).map((b) => b.nodes)];
  return graphs.reduce((sum, nodes) => sum + nodes.filter((n) => n.block === blockId).length, 0);
}

/**
 * "Unmake block": the layers of the instance `instanceId`'s definition come back into `doc` (a
 * document, or a body view of the definition `bodyId`) in its place, wired through the
 * definition's Input and Output nodes to the instance's neighbours. The definition leaves
 * `document.blocks` when no other node uses it; then the layers keep their stored names (those of
 * the instance's parameters). While other uses remain, the definition keeps its names, so the
 * inlined layers take fresh ones. Refused for a Repeat (its copies would need names of their own
 * each) and for an instance sharing its definition's parameters (inlined layers own theirs).
 */
export function unmakeBlock(doc: GraphDocument, instanceId: string, bodyId: string | undefined): UnmakeBlockResult {
  const node = doc.nodes.find((n) => n.id === instanceId);
  if (!node) return { ok: false, reason: `no node '${instanceId}' in this graph` };
  if (node.kind === 'Repeat') {
    return {
      ok: false,
      reason: `${node.name} is a repeat (×${node.count ?? '?'}); only a single block instance can be unmade (each copy's layers would need names of their own): undo the repeat, or set its count to 1 and make it an instance first`,
    };
  }
  if (node.kind !== 'BlockInstance') return { ok: false, reason: `${node.name} is a ${node.kind}, not a block instance` };
  const def = doc.blocks.find((b) => b.id === node.block);
  if (!def) return { ok: false, reason: `${node.name} uses block definition '${node.block ?? ''}', which does not exist` };
  const others = usesOf(doc, bodyId, def.id) - 1;
  if (node.shareParams) {
    return {
      ok: false,
      reason: `${node.name} shares ${def.id}'s parameters${others > 0 ? ` with ${others} other use${others === 1 ? '' : 's'}` : ''}; inlined, its layers would own parameters of their own, which changes which parameters are shared (uncheck "Share parameters" first to unmake it with fresh ones)`,
    };
  }
  const keepDefinition = others > 0;
  const isIo = (n: GraphNode) => n.kind === 'Input' || n.kind === 'Output';
  const layers = def.nodes.filter((n) => !isIo(n));
  const ioName = new Map(def.nodes.filter(isIo).map((n) => [n.id, n.name]));
  const inputIds = new Set(def.nodes.filter((n) => n.kind === 'Input').map((n) => n.id));

  const rest: GraphDocument = {
    ...doc,
    nodes: doc.nodes.filter((n) => n.id !== instanceId),
    edges: doc.edges.filter((e) => e.source.node !== instanceId && e.target.node !== instanceId),
    blocks: keepDefinition ? doc.blocks : doc.blocks.filter((b) => b.id !== def.id),
  };
  const root = rootDocument(doc);
  const bodyNames = new Set(rest.nodes.map((n) => n.name));
  const bodyKeys = new Set(rest.nodes.flatMap((n) => (n.key === undefined ? [] : [n.key])));
  const taken = new Set<string>();
  const ids = new Map<string, string>();
  const added: GraphNode[] = [];
  for (const n of layers) {
    const keep = !keepDefinition && !bodyNames.has(n.name) && !taken.has(n.name);
    const name = keep ? n.name : freshNodeName(rest, n, taken, root);
    taken.add(name);
    const id = freshId({ nodes: [...rest.nodes, ...added], edges: rest.edges }, n.id);
    ids.set(n.id, id);
    const { key, ...plain } = n;
    added.push({ ...plain, id, name, ...(key !== undefined && !bodyKeys.has(key) ? { key } : {}) });
  }
  // Ties inside the definition follow their targets' new ids.
  const nodes = added.map((n) => {
    if (!n.params) return n;
    const params = Object.fromEntries(
      Object.entries(n.params).map(([k, p]) => [k, p.tiedTo && ids.has(p.tiedTo.node) ? { ...p, tiedTo: { ...p.tiedTo, node: ids.get(p.tiedTo.node)! } } : p]),
    );
    return { ...n, params };
  });

  // Outside sources feeding an instance port; the inner sources feeding a definition Output.
  const outside = (port: string): PortRef[] => doc.edges.filter((e) => e.target.node === instanceId && e.target.port === port).map((e) => e.source);
  const sources = (p: PortRef): PortRef[] => (inputIds.has(p.node) ? outside(ioName.get(p.node)!) : [{ ...p, node: ids.get(p.node)! }]);
  const edges: GraphEdge[] = [];
  const made: GraphEdge[] = [];
  const push = (source: PortRef, target: PortRef, hint: string) => {
    const edge = { id: freshId({ nodes: [...rest.nodes, ...nodes], edges: [...rest.edges, ...made] }, hint), source, target };
    made.push(edge);
    edges.push(edge);
  };
  // Edges leaving the instance are replaced where they stood: a Concat joins its inputs in edge order.
  for (const e of doc.edges) {
    if (e.target.node === instanceId) continue;
    if (e.source.node !== instanceId) {
      edges.push(e);
      continue;
    }
    const out = def.nodes.find((n) => n.kind === 'Output' && n.name === e.source.port);
    const inner = out && def.edges.find((d) => d.target.node === out.id);
    for (const s of inner ? sources(inner.source) : []) push(s, e.target, `e_${s.node}_${e.target.node}`);
  }
  for (const d of def.edges) {
    if (ioName.has(d.target.node)) continue;
    for (const s of sources(d.source))
      push(s, { ...d.target, node: ids.get(d.target.node)! }, inputIds.has(d.source.node) ? `e_${s.node}_${ids.get(d.target.node)!}` : d.id);
  }

  // The layers keep their drawing, centred where the instance stood.
  const defAt = def.layout?.positions ?? {};
  const at = doc.layout?.positions?.[instanceId] ?? { x: 0, y: 0 };
  const xs = layers.map((n) => defAt[n.id]?.x ?? 0);
  const ys = layers.map((n) => defAt[n.id]?.y ?? 0);
  const cx = layers.length ? (Math.min(...xs) + Math.max(...xs)) / 2 : 0;
  const cy = layers.length ? (Math.min(...ys) + Math.max(...ys)) / 2 : 0;
  const positions: Record<string, Point> = { ...doc.layout?.positions };
  delete positions[instanceId];
  layers.forEach((n, i) => {
    positions[ids.get(n.id)!] = { x: Math.round(at.x + xs[i]! - cx), y: Math.round(at.y + ys[i]! - cy) };
  });
  const collapsed: Record<string, boolean> = Object.fromEntries(Object.entries(doc.layout?.collapsed ?? {}).filter(([id]) => id !== instanceId));
  for (const [id, c] of Object.entries(def.layout?.collapsed ?? {})) if (ids.has(id)) collapsed[ids.get(id)!] = c;
  const hasCollapsed = doc.layout?.collapsed !== undefined || Object.keys(collapsed).length > 0;

  return {
    ok: true,
    ids: nodes.map((n) => n.id),
    blockId: def.id,
    removedDefinition: !keepDefinition,
    doc: {
      ...rest,
      nodes: [...rest.nodes, ...nodes],
      edges,
      layout: { ...doc.layout, positions, ...(hasCollapsed ? { collapsed } : {}) },
    },
  };
}
