// Block instances and repeats: turning an instance into a Repeat ×N (and back to one copy), the
// repeat count, shared vs own parameters, and whether a repeat is drawn collapsed. Pure.
import { REPEAT_MAX, REPEAT_MIN, type GraphDocument, type GraphNode } from '../../engine/schema/graph-document.ts';
import { definitionPorts } from '../../engine/schema/node-ports.ts';
import type { EditResult } from './document-ops.ts';
import { rootDocument } from './body-view.ts';
import { freshNodeName } from './node-names.ts';

function countProblem(count: number): string | null {
  if (!Number.isInteger(count) || count < REPEAT_MIN || count > REPEAT_MAX) return `a repeat count is a whole number from ${REPEAT_MIN} to ${REPEAT_MAX} (got ${count})`;
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
    return { ok: false, reason: `${def.id} has ${ports.inputs.length} inputs and ${ports.outputs.length} outputs; copies chain output to input, so a repeated block needs one of each` };
  }
  const bad = countProblem(count);
  if (bad) return { ok: false, reason: bad };
  const others: GraphDocument = { ...doc, nodes: doc.nodes.filter((n) => n.id !== id) };
  const name = freshNodeName(others, { kind: 'Repeat' }, new Set(), rootDocument(doc));
  const repeat: GraphNode = { id, kind: 'Repeat', name, block: def.id, count, shareParams: node.shareParams ?? false };
  const next = replaceNode(doc, repeat);
  return { ok: true, doc: setCollapsed(next, id, true) };
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

/** Repeats are drawn collapsed unless the layout says otherwise. */
export function isCollapsed(doc: Pick<GraphDocument, 'layout'>, id: string): boolean {
  return doc.layout?.collapsed?.[id] !== false;
}

export function setCollapsed(doc: GraphDocument, id: string, collapsed: boolean): GraphDocument {
  return { ...doc, layout: { ...doc.layout, collapsed: { ...doc.layout?.collapsed, [id]: collapsed } } };
}
