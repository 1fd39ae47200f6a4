// The ports of a node on the canvas: the engine's definition (engine/protocol/node-ports.ts) looked
// up in the editor's catalog, with a fallback so a broken node still draws. Pure.
import type { GraphDocument, GraphNode } from '../../engine/protocol/graph-document.ts';
import { nodePorts as portsOf, type NodePorts } from '../../engine/protocol/node-ports.ts';
import type { Catalog } from './catalog.ts';

export type { InputPort, NodePorts } from '../../engine/protocol/node-ports.ts';

export function nodePorts(node: GraphNode, doc: Pick<GraphDocument, 'blocks'>, catalog: Catalog): NodePorts {
  const ports = portsOf(
    node,
    (id) => doc.blocks.find((b) => b.id === id),
    (kind) => catalog.byKind.get(kind),
  );
  if (ports) return ports;
  // A missing definition offers nothing to wire; an unknown kind still gets the usual pair, so its
  // edges stay visible while validation reports it.
  if (node.kind === 'BlockInstance' || node.kind === 'Repeat') return { inputs: [], outputs: [] };
  return { inputs: [{ name: 'data', variadic: false }], outputs: ['output'] };
}
