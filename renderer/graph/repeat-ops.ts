// Block instances and repeats: turning an instance into a Repeat ×N (and back to one copy), an
// inline `sequence` repeat into a repeat of a block definition (so it can be opened), the repeat
// count, shared vs own parameters, and whether a repeat is drawn collapsed. Pure.
import {
  INPUT_NODE_PORT,
  OUTPUT_NODE_PORT,
  REPEAT_MAX,
  REPEAT_MIN,
  type BlockDefinition,
  type GraphDocument,
  type GraphEdge,
  type GraphNode,
} from '../../engine/protocol/graph-document.ts';
import { definitionPorts } from '../../engine/protocol/node-ports.ts';
import { freshBlockId } from './block-ops.ts';
import { freshId, type EditResult, type Point } from './document-ops.ts';
import { rootDocument } from './body-view.ts';
import { freshNodeName } from './node-names.ts';

/** Room between the layers of a definition made from an inline sequence, left to right. */
const SEQUENCE_STEP = 220;

function countProblem(count: number): string | null {
  if (!Number.isInteger(count) || count < REPEAT_MIN || count > REPEAT_MAX)
    return `a repeat count is a whole number from ${REPEAT_MIN} to ${REPEAT_MAX} (got ${count})`;
  return null;
}

function findNode(doc: GraphDocument, id: string): GraphNode | undefined {
  return doc.nodes.find((n) => n.id === id);
}

const replaceNode = (doc: GraphDocument, node: GraphNode): GraphDocument => ({ ...doc, nodes: doc.nodes.map((n) => (n.id === node.id ? node : n)) });

/**
 * Turns a BlockInstance into a Repeat of the same definition, `count` copies chained output to
 * input (so the definition needs exactly one input and one output). The node keeps its id and
 * its edges; it gets a repeat's name (`repeat0`) and is drawn collapsed.
 */
export function repeatInstance(doc: GraphDocument, id: string, count: number): EditResult {
  const node = findNode(doc, id);
  if (!node) return { ok: false, reason: `no node '${id}' in this graph` };
  if (node.kind !== 'BlockInstance') return { ok: false, reason: `${node.name} is a ${node.kind}; only a block instance can be repeated (make a block first)` };
  const def = doc.blocks.find((b) => b.id === node.block);
  if (!def) return { ok: false, reason: `${node.name} uses block definition '${node.block ?? ''}', which does not exist` };
  const ports = definitionPorts(def);
  if (ports.inputs.length !== 1 || ports.outputs.length !== 1) {
    return {
      ok: false,
      reason: `${def.id} has ${ports.inputs.length} inputs and ${ports.outputs.length} outputs; copies chain output to input, so a repeated block needs one of each`,
    };
  }
  const bad = countProblem(count);
  if (bad) return { ok: false, reason: bad };
  const others: GraphDocument = { ...doc, nodes: doc.nodes.filter((n) => n.id !== id) };
  const name = freshNodeName(others, { kind: 'Repeat' }, new Set(), rootDocument(doc));
  const repeat: GraphNode = { id, kind: 'Repeat', name, block: def.id, count, shareParams: node.shareParams ?? false };
  const next = replaceNode(doc, repeat);
  return { ok: true, doc: setCollapsed(next, id, true) };
}

export type SequenceToBlockResult = { ok: true; doc: GraphDocument; blockId: string } | { ok: false; reason: string };

/**
 * Turns a Repeat of an inline `sequence` into a Repeat of a new block definition holding the same
 * chain, Input `data` → the layers → Output `output`, as the engine builds the sequence. The
 * layers keep their names (hence their parameter names: dense5_weight stays dense5_weight) and
 * attributes; the node keeps its id, name, count, shareParams and edges. Only the structural
 * paths of a one-layer sequence change: the engine splices such a copy in as the layer itself,
 * and a definition's copy is a Sequential holding it (`0.weight` becomes `0.0.weight`).
 */
export function sequenceToBlock(doc: GraphDocument, id: string): SequenceToBlockResult {
  const node = findNode(doc, id);
  if (!node || node.kind !== 'Repeat') return { ok: false, reason: `no repeat '${id}' in this graph` };
  if (!node.sequence) return { ok: false, reason: `${node.name} already repeats block definition '${node.block ?? ''}'` };
  const body: { nodes: GraphNode[]; edges: GraphEdge[] } = { nodes: [], edges: [] };
  const positions: Record<string, Point> = {};
  const add = (n: Omit<GraphNode, 'id'>, hint: string): string => {
    // Ids only need to be unique within the definition; the names make them readable.
    const nodeId = freshId(body, hint);
    body.nodes.push({ id: nodeId, ...n });
    positions[nodeId] = { x: body.nodes.length * SEQUENCE_STEP - SEQUENCE_STEP, y: 0 };
    return nodeId;
  };
  const chain = [
    add({ kind: 'Input', name: 'data' }, 'in'),
    ...node.sequence.map((layer) => add({ kind: layer.kind, name: layer.name, ...(layer.attrs ? { attrs: { ...layer.attrs } } : {}) }, layer.name)),
    add({ kind: 'Output', name: 'output' }, 'out'),
  ];
  chain.slice(1).forEach((target, i) => {
    const source = chain[i]!;
    body.edges.push({
      id: freshId(body, `e_${source}_${target}`),
      source: { node: source, port: i === 0 ? INPUT_NODE_PORT : 'output' },
      target: { node: target, port: i === chain.length - 2 ? OUTPUT_NODE_PORT : 'data' },
    });
  });
  const blockId = freshBlockId(doc);
  const def: BlockDefinition = { id: blockId, nodes: body.nodes, edges: body.edges, layout: { positions } };
  const { sequence: _inline, ...rest } = node;
  const repeat: GraphNode = { ...rest, block: blockId };
  return { ok: true, blockId, doc: { ...replaceNode(doc, repeat), blocks: [...doc.blocks, def] } };
}

export function setRepeatCount(doc: GraphDocument, id: string, count: number): EditResult {
  const node = findNode(doc, id);
  if (!node || node.kind !== 'Repeat') return { ok: false, reason: `no repeat '${id}' in this graph` };
  const bad = countProblem(count);
  if (bad) return { ok: false, reason: bad };
  return { ok: true, doc: replaceNode(doc, { ...node, count }) };
}

/** Shared: every use of the definition holds the very same parameters; own: fresh ones. */
export function setShareParams(doc: GraphDocument, id: string, share: boolean): EditResult {
  const node = findNode(doc, id);
  if (!node || (node.kind !== 'BlockInstance' && node.kind !== 'Repeat')) return { ok: false, reason: `no block instance or repeat '${id}' in this graph` };
  return { ok: true, doc: replaceNode(doc, { ...node, shareParams: share }) };
}

/**
 * The layers of one copy of a repeat, by the id its copies' shape keys use (`r#2/<id>`): a
 * definition's non-Input/Output nodes, or an inline sequence's layers by position (the engine
 * numbers them so, plan.ts sequenceBody). Empty when the definition is missing.
 */
export function repeatLayers(doc: Pick<GraphDocument, 'blocks'>, node: GraphNode): { id: string; name: string }[] {
  if (node.sequence) return node.sequence.map((s, i) => ({ id: String(i), name: s.name }));
  const def = doc.blocks.find((b) => b.id === node.block);
  return (def?.nodes ?? []).filter((n) => n.kind !== 'Input' && n.kind !== 'Output').map((n) => ({ id: n.id, name: n.name }));
}

/** Repeats are drawn collapsed unless the layout says otherwise. */
export function isCollapsed(doc: Pick<GraphDocument, 'layout'>, id: string): boolean {
  return doc.layout?.collapsed?.[id] !== false;
}

export function setCollapsed(doc: GraphDocument, id: string, collapsed: boolean): GraphDocument {
  return { ...doc, layout: { ...doc.layout, collapsed: { ...doc.layout?.collapsed, [id]: collapsed } } };
}
