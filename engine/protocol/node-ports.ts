// The ports a node offers, one definition for the engine's graph layer and the editor, so the
// canvas lets the user wire exactly what validation accepts: Input has `output`, Output has
// `data`, a sequence Repeat one port in and one out, a block instance one port per Input/Output
// node of its definition, a layer the ports of its descriptor (a code block's: its source's, code-ports.ts). Pure: the caller says how block
// definitions and layer descriptors are found (the engine's registry, or the editor's catalog).
import { INPUT_NODE_PORT, OUTPUT_NODE_PORT, type BlockDefinition, type GraphNode } from './graph-document.ts';
import { codeInputNames, codeOutputNames } from './code-ports.ts';

export interface InputPort {
  name: string;
  variadic: boolean;
  /** May stay unconnected (the layer sees undefined in its place). */
  optional?: boolean;
}

export interface NodePorts {
  inputs: InputPort[];
  outputs: string[];
}

/** A layer kind's ports as its descriptor lists them; undefined for a kind nobody knows. */
export type LayerPortsLookup = (
  kind: string,
) => { inputs: readonly { name: string; variadic?: boolean; optional?: boolean }[]; outputs: readonly { name: string }[] } | undefined;

/** A definition's ports: its Input nodes' names in, its Output nodes' names out. */
export function definitionPorts(def: BlockDefinition): NodePorts {
  return {
    inputs: def.nodes.filter((n) => n.kind === 'Input').map((n) => ({ name: n.name, variadic: false })),
    outputs: def.nodes.filter((n) => n.kind === 'Output').map((n) => n.name),
  };
}

/** The ports of a node, or null when they cannot be known (unknown kind or missing definition). */
export function nodePorts(node: GraphNode, findBlock: (id: string) => BlockDefinition | undefined, layerPorts: LayerPortsLookup): NodePorts | null {
  switch (node.kind) {
    case 'Input':
      return { inputs: [], outputs: [INPUT_NODE_PORT] };
    case 'Output':
      return { inputs: [{ name: OUTPUT_NODE_PORT, variadic: false }], outputs: [] };
    case 'BlockInstance':
    case 'Repeat': {
      if (node.kind === 'Repeat' && node.sequence) return { inputs: [{ name: 'data', variadic: false }], outputs: ['output'] };
      const def = node.block === undefined ? undefined : findBlock(node.block);
      return def ? definitionPorts(def) : null;
    }
    default: {
      const layer = layerPorts(node.kind);
      if (!layer) return null;
      // A code block declares its ports in its source (code-ports.ts); without an inputs
      // declaration it keeps the variadic `data` port.
      const source = node.kind === 'Code' && typeof node.attrs?.source === 'string' ? node.attrs.source : undefined;
      const named = source === undefined ? null : codeInputNames(source);
      const inputs = named
        ? named.map((name) => ({ name, variadic: false }))
        : layer.inputs.map((p) => ({ name: p.name, variadic: p.variadic === true, ...(p.optional ? { optional: true } : {}) }));
      const outputs = source === undefined ? layer.outputs.map((p) => p.name) : codeOutputNames(source);
      return { inputs, outputs };
    }
  }
}
