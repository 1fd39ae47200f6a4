// Names for new nodes, given once when the editor creates a node and saved in the document
// (Gluon 1.x hints: `dense0`, `relu1`, `sequential2`). Pure, so the renderer names nodes exactly
// as the engine would.

import type { GraphDocument, GraphNode } from './graph-document.ts';

/**
 * The hint of a block of this class: the lower-cased class name, with `_` before the counter when
 * the name ends in a digit (class `Block1` gives `block1_0`, not `block10`). The editor names a
 * block made from a selection this way and the planner names further copies the same way.
 */
export const classHint = (className: string): string => {
  const hint = className.toLowerCase();
  return /\d$/.test(hint) ? `${hint}_` : hint;
};

/** Gluon's hint for a node: the lower-cased class name, an Activation's function, a definition's class. */
export function nameHint(doc: Pick<GraphDocument, 'blocks'>, node: Pick<GraphNode, 'kind' | 'attrs' | 'block'>): string {
  switch (node.kind) {
    case 'Input':
      return 'data';
    case 'Output':
      return 'output';
    case 'Repeat':
      return 'repeat';
    case 'Activation':
      return typeof node.attrs?.activation === 'string' ? node.attrs.activation : 'activation';
    case 'BlockInstance':
      return classHint(doc.blocks.find((b) => b.id === node.block)?.className ?? 'Sequential');
    default:
      return node.kind.toLowerCase();
  }
}

/**
 * The next free name for a node about to be created: hint + the smallest counter that no node of
 * the document (main graph or any definition) uses, so a new layer never takes a saved name.
 * @example nextNodeName(doc, { kind: 'Dense' }) // 'dense2' when dense0 and dense1 exist
 */
export function nextNodeName(doc: Pick<GraphDocument, 'nodes' | 'blocks'>, node: Pick<GraphNode, 'kind' | 'attrs' | 'block'>): string {
  const used = new Set([...doc.nodes, ...doc.blocks.flatMap((b) => b.nodes)].flatMap((n) => [n.name, ...(n.sequence ?? []).map((s) => s.name)]));
  const hint = nameHint(doc, node);
  let n = 0;
  while (used.has(`${hint}${n}`)) n++;
  return `${hint}${n}`;
}
