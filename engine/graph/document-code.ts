// The code a document holds: every Code node, in the main graph and in block definitions, with
// its source. The editor shows this list before asking to trust the document (VS Code's
// restricted mode is the model); the CLI names the nodes when --trust is missing.

import type { GraphDocument } from '../protocol/graph-document.ts';
import { codeTrusted } from '../sandbox/trust.ts';
import { CODE_TEMPLATE } from '../nn/layers/code.ts';

export interface DocumentCode {
  nodeId: string;
  name: string;
  /** The block definition holding the node; null in the main graph. */
  blockId: string | null;
  source: string;
  /** Whether it may run now (a trusted document, or one of Blocksmith's own examples). */
  trusted: boolean;
}

export function documentCode(doc: Pick<GraphDocument, 'nodes' | 'blocks'>): DocumentCode[] {
  const bodies: [string | null, GraphDocument['nodes']][] = [[null, doc.nodes], ...doc.blocks.map((b): [string, GraphDocument['nodes']] => [b.id, b.nodes])];
  return bodies.flatMap(([blockId, nodes]) =>
    nodes
      .filter((n) => n.kind === 'Code')
      .map((n) => {
        // A node without a source runs the kind's default (the template a new Code node starts with).
        const source = String(n.attrs?.source ?? CODE_TEMPLATE);
        return { nodeId: n.id, name: n.name, blockId, source, trusted: codeTrusted(source) };
      }),
  );
}
