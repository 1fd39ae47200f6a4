// The ports of a node, as the engine's engine/graph/topology.ts defines them: Input has `output`,
// Output has `data`, a block instance one port per Input/Output node of its definition, a layer
// the ports of its descriptor. Pure.
import { INPUT_NODE_PORT, OUTPUT_NODE_PORT, type GraphDocument, type GraphNode } from '../../engine/schema/graph-document.ts';
import type { Catalog } from './catalog.ts';

export interface InputPort {
  name: string;
  variadic: boolean;
}

export interface NodePorts {
  inputs: InputPort[];
  outputs: string[];
}

export function nodePorts(node: GraphNode, doc: Pick<GraphDocument, 'blocks'>, catalog: Catalog): NodePorts {
  switch (node.kind) {
    case 'Input': return { inputs: [], outputs: [INPUT_NODE_PORT] };
    case 'Output': return { inputs: [{ name: OUTPUT_NODE_PORT, variadic: false }], outputs: [] };
    case 'BlockInstance':
    case 'Repeat': {
      if (node.kind === 'Repeat' && node.sequence) return { inputs: [{ name: 'data', variadic: false }], outputs: ['output'] };
      const def = doc.blocks.find((b) => b.id === node.block);
      if (!def) return { inputs: [], outputs: [] };
      return {
        inputs: def.nodes.filter((n) => n.kind === 'Input').map((n) => ({ name: n.name, variadic: false })),
        outputs: def.nodes.filter((n) => n.kind === 'Output').map((n) => n.name),
      };
    }
    default: {
      const layer = catalog.byKind.get(node.kind);
      // Unknown kinds still get the usual pair, so their edges stay visible while validation reports them.
      if (!layer) return { inputs: [{ name: 'data', variadic: false }], outputs: ['output'] };
      return { inputs: layer.inputs.map((p) => ({ name: p.name, variadic: p.variadic === true })), outputs: layer.outputs.map((p) => p.name) };
    }
  }
}
