// Edges as the editor names them: the shape report keys edges by ids along the way in
// (`b2/rep#1/e2`); people know the nodes by name. `sequential1 › repeat0#1 › dense2 → dense3` walks
// the same path through the document, the instance and repeat names as the canvas shows them, a
// copy by its index, and the edge by its two ends — inside a repeat's copies by the names the
// model gives that copy's layers (the shape report's, as the editor's expanded copies list them).
import type { GraphDocument, GraphEdge, GraphNode } from '../protocol/graph-document.ts';

interface Body {
  nodes: readonly GraphNode[];
  edges: readonly GraphEdge[];
}

/**
 * The readable name of a shape-report edge key; the key itself where the document does not have
 * the path (an inline sequence's generated edges).
 * @example edgeName(doc, 'b2/rep#1/e2', names) // 'sequential1 › repeat0#1 › dense2 → dense3'
 */
export function edgeName(doc: GraphDocument, key: string, nodeNames: Readonly<Record<string, { name?: string }>> = {}): string {
  const parts = key.split('/');
  const edgeId = parts.pop()!;
  let body: Body = doc;
  let prefix = '';
  const path: string[] = [];
  for (const part of parts) {
    const [nodeId, copy] = part.split('#');
    const node = body.nodes.find((n) => n.id === nodeId);
    const def = node?.block === undefined ? undefined : doc.blocks.find((b) => b.id === node.block);
    if (!node || !def) return key;
    path.push(copy === undefined ? node.name : `${node.name}#${copy}`);
    prefix += `${part}/`;
    body = def;
  }
  const edge = body.edges.find((e) => e.id === edgeId);
  if (!edge) return key;
  const end = (id: string) => nodeNames[prefix + id]?.name ?? body.nodes.find((n) => n.id === id)?.name ?? id;
  return [...path, `${end(edge.source.node)} → ${end(edge.target.node)}`].join(' › ');
}
