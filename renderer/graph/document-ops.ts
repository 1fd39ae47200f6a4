// Edits of a graph document as pure functions (document in, new document out; never mutated), so
// the store can keep every version for undo and the tests need no React. Written against the main
// graph; a block definition is edited through its body view (graph/body-view.ts).
import {
  GRAPH_FORMAT,
  GRAPH_VERSION,
  zNodeName,
  type GraphDocument,
  type GraphEdge,
  type GraphNode,
  type ParamSettings,
  type PortRef,
} from '../../engine/protocol/graph-document.ts';
import { initialAttrs, type Catalog } from './catalog.ts';
import { rootDocument } from './body-view.ts';
import { freshNodeName, storedNames } from './node-names.ts';
import { lastAutomaticNames } from './engine-names.ts';
import { freshId, reaches, type Point } from './graph-basics.ts';
import { nodePorts } from './ports.ts';

export { freshId, reaches, type Point };

export type EditResult = { ok: true; doc: GraphDocument } | { ok: false; reason: string };

/** A new, empty document: no nodes, an input of unknown shape (-1 dims until the user sets one). */
export function emptyDocument(title = 'untitled'): GraphDocument {
  return {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    title,
    input: { shape: [-1, -1], dtype: 'float32' },
    device: 'cpu',
    seed: 0,
    nodes: [],
    edges: [],
    blocks: [],
    layout: { positions: {} },
  };
}

/** Adds a node of `kind` at `position`, named like Gluon (`dense0`) from the document's names. */
export function addNode(doc: GraphDocument, catalog: Catalog, kind: string, position: Point): { doc: GraphDocument; id: string } {
  const attrs = initialAttrs(catalog.byKind.get(kind));
  const proto: Pick<GraphNode, 'kind' | 'attrs'> = { kind, attrs };
  const name = freshNodeName(doc, proto);
  const id = freshId(doc, name);
  const node: GraphNode = { id, kind, name, ...(Object.keys(attrs).length > 0 ? { attrs } : {}) };
  return { doc: { ...doc, nodes: [...doc.nodes, node], layout: withPositions(doc, { [id]: position }) }, id };
}

function withPositions(doc: GraphDocument, moved: Record<string, Point>): GraphDocument['layout'] {
  return { ...doc.layout, positions: { ...doc.layout?.positions, ...moved } };
}

export function moveNodes(doc: GraphDocument, moved: Record<string, Point>): GraphDocument {
  return { ...doc, layout: withPositions(doc, moved) };
}

/** Why an edge source → target may not be drawn, or null when it may. */
export function connectProblem(doc: GraphDocument, catalog: Catalog, source: PortRef, target: PortRef): string | null {
  const from = doc.nodes.find((n) => n.id === source.node);
  const to = doc.nodes.find((n) => n.id === target.node);
  if (!from || !to) return 'both ends must be nodes of this graph';
  if (from.id === to.id) return `${from.name} cannot feed itself`;
  if (!nodePorts(from, doc, catalog).outputs.includes(source.port)) return `${from.name} has no output port '${source.port}'`;
  const port = nodePorts(to, doc, catalog).inputs.find((p) => p.name === target.port);
  if (!port) return `${to.name} has no input port '${target.port}'`;
  if (doc.edges.some((e) => e.source.node === source.node && e.source.port === source.port && e.target.node === target.node && e.target.port === target.port)) {
    return 'these ports are already connected';
  }
  if (!port.variadic && doc.edges.some((e) => e.target.node === to.id && e.target.port === port.name)) {
    return `${to.name}.${port.name} takes one input and already has one`;
  }
  if (reaches(doc, to.id, from.id)) return `${from.name} → ${to.name} would close a cycle`;
  return null;
}

export function connect(doc: GraphDocument, catalog: Catalog, source: PortRef, target: PortRef): EditResult {
  const problem = connectProblem(doc, catalog, source, target);
  if (problem) return { ok: false, reason: problem };
  const edge: GraphEdge = { id: freshId(doc, `e_${source.node}_${target.node}`), source, target };
  return { ok: true, doc: { ...doc, edges: [...doc.edges, edge] } };
}

/** Removes nodes (with every edge touching them) and edges, in one new document. */
export function removeItems(doc: GraphDocument, nodeIds: readonly string[], edgeIds: readonly string[]): GraphDocument {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  const positions = { ...doc.layout?.positions };
  for (const id of nodes) delete positions[id];
  const collapsed = doc.layout?.collapsed && Object.fromEntries(Object.entries(doc.layout.collapsed).filter(([id]) => !nodes.has(id)));
  return {
    ...doc,
    nodes: doc.nodes.filter((n) => !nodes.has(n.id)).map((n) => dropTiesTo(n, nodes)),
    edges: doc.edges.filter((e) => !edges.has(e.id) && !nodes.has(e.source.node) && !nodes.has(e.target.node)),
    layout: { ...doc.layout, positions, ...(collapsed ? { collapsed } : {}) },
  };
}

function dropTiesTo(node: GraphNode, removed: ReadonlySet<string>): GraphNode {
  if (!node.params || !Object.values(node.params).some((p) => p.tiedTo && removed.has(p.tiedTo.node))) return node;
  const params: Record<string, ParamSettings> = {};
  for (const [k, p] of Object.entries(node.params)) {
    const { tiedTo, ...rest } = p;
    params[k] = tiedTo && removed.has(tiedTo.node) ? rest : p;
  }
  return { ...node, params };
}

function updateNode(doc: GraphDocument, id: string, change: (n: GraphNode) => GraphNode): GraphDocument {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === id ? change(n) : n)) };
}

/**
 * Renames a node: the name must be an identifier no other node of the whole document uses (a body
 * view's own nodes, the main graph and every definition) and not one the engine gives
 * automatically to a repeat's or a fresh instance's copies (taking it would rename the copies'
 * parameters, as graph/node-names.ts explains for new nodes): `automatic`, the engine's last answer.
 */
export function renameNode(doc: GraphDocument, id: string, name: string, automatic: ReadonlySet<string> = lastAutomaticNames()): EditResult {
  const parsed = zNodeName.safeParse(name);
  if (!parsed.success) return { ok: false, reason: parsed.error.issues[0]?.message ?? 'not a valid name' };
  if (doc.nodes.find((n) => n.id === id)?.name !== name) {
    const root = rootDocument(doc);
    if (storedNames(root).has(name) || storedNames(doc).has(name)) return { ok: false, reason: `the name '${name}' is taken` };
    if (automatic.has(name)) {
      return { ok: false, reason: `the name '${name}' is taken: the engine gives it automatically to a layer of a repeat's or block instance's copies` };
    }
  }
  return { ok: true, doc: updateNode(doc, id, (n) => ({ ...n, name })) };
}

/** Sets one attribute; undefined removes it (the descriptor's default applies). */
export function setAttr(doc: GraphDocument, id: string, attr: string, value: unknown): GraphDocument {
  return updateNode(doc, id, (n) => {
    const attrs = { ...n.attrs };
    if (value === undefined) delete attrs[attr];
    else attrs[attr] = value;
    const { attrs: _old, ...rest } = n;
    return Object.keys(attrs).length > 0 ? { ...rest, attrs } : rest;
  });
}

/** Changes one parameter's settings; fields set to undefined are removed. */
export function setParamSettings(doc: GraphDocument, id: string, param: string, patch: Partial<ParamSettings>): GraphDocument {
  return updateNode(doc, id, (n) => {
    const merged: Record<string, unknown> = { ...n.params?.[param], ...patch };
    for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k];
    const params = { ...n.params, [param]: merged as ParamSettings };
    if (Object.keys(merged).length === 0) delete params[param];
    const { params: _old, ...rest } = n;
    return Object.keys(params).length > 0 ? { ...rest, params } : rest;
  });
}

export function setDocumentFields(doc: GraphDocument, fields: Partial<Pick<GraphDocument, 'input' | 'device' | 'seed' | 'title'>>): GraphDocument {
  return { ...doc, ...fields };
}

/**
 * Moves one end of an edge (dragging it in the canvas) under the same checks as connecting; when
 * the new ends are refused the document is left as it was.
 */
export function reconnectEdge(doc: GraphDocument, catalog: Catalog, edgeId: string, source: PortRef, target: PortRef): EditResult {
  const old = doc.edges.find((e) => e.id === edgeId);
  if (!old) return { ok: false, reason: `no edge '${edgeId}' in this graph` };
  if (old.source.node === source.node && old.source.port === source.port && old.target.node === target.node && old.target.port === target.port) {
    return { ok: true, doc };
  }
  const without = { ...doc, edges: doc.edges.filter((e) => e.id !== edgeId) };
  const problem = connectProblem(without, catalog, source, target);
  if (problem) return { ok: false, reason: problem };
  return { ok: true, doc: { ...doc, edges: doc.edges.map((e) => (e.id === edgeId ? { ...e, source, target } : e)) } };
}
