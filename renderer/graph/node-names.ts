// Names for new nodes. Gluon's hint and counter (engine/protocol/graph-names.ts), but the counter
// also skips the names the engine gives automatically to the copies a Repeat or a fresh block
// instance makes (engine/graph/plan.ts, answered in the shape report: graph/engine-names.ts):
// without that, adding Dense(10) after block1 ×4 would take dense2 and push the copies' parameter
// names along (dense2_weight would change meaning), and the chapter's rgnet would not come out
// with its own names (dense8 for the last layer).
import type { GraphDocument, GraphNode } from '../../engine/protocol/graph-document.ts';
import { nameHint } from '../../engine/protocol/graph-names.ts';
import { rootDocument } from './body-view.ts';
import { lastAutomaticNames } from './engine-names.ts';

/** Every name stored in the document: main graph, definitions and inline repeat sequences. */
export function storedNames(doc: Pick<GraphDocument, 'nodes' | 'blocks'>): Set<string> {
  return new Set([...doc.nodes, ...doc.blocks.flatMap((b) => b.nodes)].flatMap((n) => [n.name, ...(n.sequence ?? []).map((s) => s.name)]));
}

/**
 * The next free name for a node about to be created in `doc` (a document or a body view): the
 * hint with the lowest counter that no node stores, the engine does not give automatically
 * (`automatic`: its last answer), and `taken` (names chosen earlier in the same edit) does not
 * hold. An edit that derived `doc` from a body view passes that view's whole document as `root`.
 */
export function freshNodeName(
  doc: GraphDocument,
  node: Pick<GraphNode, 'kind' | 'attrs' | 'block'>,
  taken: ReadonlySet<string> = new Set(),
  root: GraphDocument = rootDocument(doc),
  automatic: ReadonlySet<string> = lastAutomaticNames(),
): string {
  const used = new Set([...storedNames(root), ...storedNames(doc), ...automatic, ...taken]);
  const hint = nameHint(doc, node);
  let n = 0;
  while (used.has(`${hint}${n}`)) n++;
  return `${hint}${n}`;
}
