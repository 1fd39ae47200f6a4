// Names for new nodes. Gluon's hint and counter (engine/protocol/graph-names.ts), but the counter
// also skips the names the engine gives automatically to the copies a Repeat or a fresh block
// instance makes (engine/graph/plan.ts): without that, adding Dense(10) after block1 ×4 would
// take dense2 and push the copies' parameter names along (dense2_weight would change meaning),
// and the chapter's rgnet would not come out with its own names (dense8 for the last layer).
import { REPEAT_MAX, type GraphBody, type GraphDocument, type GraphNode } from '../../engine/protocol/graph-document.ts';
import { nameHint } from '../../engine/protocol/graph-names.ts';
import { rootDocument } from './body-view.ts';

type Body = Pick<GraphBody, 'nodes' | 'edges' | 'className'>;

/** Gluon's hint: the name without its trailing counter (`dense12` → `dense`), as the planner strips it. */
const hintOf = (name: string): string => name.replace(/\d+$/, '') || name;

/** Every name stored in the document: main graph, definitions and inline repeat sequences. */
export function storedNames(doc: Pick<GraphDocument, 'nodes' | 'blocks'>): Set<string> {
  return new Set([...doc.nodes, ...doc.blocks.flatMap((b) => b.nodes)].flatMap((n) => [n.name, ...(n.sequence ?? []).map((s) => s.name)]));
}

function sequenceBody(node: GraphNode): Body {
  const layers: GraphNode[] = (node.sequence ?? []).map((s, i) => ({ id: String(i), kind: s.kind, name: s.name }));
  const nodes: GraphNode[] = [{ id: '$in', kind: 'Input', name: 'data' }, ...layers, { id: '$out', kind: 'Output', name: 'output' }];
  const edges = nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: { node: nodes[i]!.id, port: 'output' }, target: { node: n.id, port: 'data' } }));
  return { nodes, edges };
}

/**
 * The names the engine's planner gives automatically to the layers of second and later copies of
 * a definition. The set does not depend on the planner's visiting order: each hint takes the
 * lowest counters no node stores. Containers' automatic names (the root's `sequential0`, one per
 * copy) are left out: they name no parameter, and counting them would number a new block
 * instance after every copy. Layers that create named children of their own (FancyMLP's inner
 * Dense) are not seen here: the catalog does not describe those children.
 */
export function automaticNames(doc: GraphDocument): Set<string> {
  const blocks = new Map(doc.blocks.map((b) => [b.id, b]));
  const stored = storedNames(doc);
  const used = new Set(doc.nodes.map((n) => n.name));
  const counters = new Map<string, number>();
  const auto = new Set<string>();
  const canonical = new Set<string>();
  const next = (hint: string) => {
    let n = counters.get(hint) ?? 0;
    while (used.has(`${hint}${n}`) || stored.has(`${hint}${n}`)) n++;
    counters.set(hint, n + 1);
    used.add(`${hint}${n}`);
    auto.add(`${hint}${n}`);
  };
  const take = (name: string) => (used.has(name) ? next(hintOf(name)) : used.add(name));
  const plan = (body: Body, opts: { root: boolean; open: readonly string[] }) => {
    for (const node of body.nodes) planNode(node, opts.root, opts.open);
  };
  const planNode = (node: GraphNode, root: boolean, open: readonly string[]) => {
    const own = () => {
      if (!root) take(node.name);
    };
    if (node.kind === 'Input' || node.kind === 'Output') return;
    const def = node.block === undefined ? undefined : blocks.get(node.block);
    // A recursive definition is validation's error; the walk just stops there.
    if (def && open.includes(def.id)) return;
    const inner = def ? [...open, def.id] : open;
    if (node.kind === 'BlockInstance') {
      if (!def) return;
      if (!node.shareParams) {
        own();
        plan(def, { root: false, open: inner });
      } else if (!canonical.has(def.id)) {
        canonical.add(def.id);
        own();
        plan(def, { root: false, open: inner });
      }
      return;
    }
    if (node.kind === 'Repeat') {
      own();
      const body = def ?? (node.sequence ? sequenceBody(node) : undefined);
      if (!body) return;
      const copies = Math.max(0, Math.min(REPEAT_MAX, Math.trunc(node.count ?? 0)));
      if (node.shareParams) {
        if (def && canonical.has(def.id)) return;
        if (def) canonical.add(def.id);
        if (copies > 0) plan(body, { root: false, open: inner });
        return;
      }
      for (let i = 0; i < copies; i++) plan(body, { root: false, open: inner });
      return;
    }
    own();
  };
  plan(doc, { root: true, open: [] });
  return auto;
}

/**
 * The next free name for a node about to be created in `doc` (a document or a body view): the
 * hint with the lowest counter that no node stores, the engine does not give automatically, and
 * `taken` (names chosen earlier in the same edit) does not hold. An edit that derived `doc` from
 * a body view passes that view's whole document as `root`.
 */
export function freshNodeName(
  doc: GraphDocument,
  node: Pick<GraphNode, 'kind' | 'attrs' | 'block'>,
  taken: ReadonlySet<string> = new Set(),
  root: GraphDocument = rootDocument(doc),
): string {
  const used = new Set([...storedNames(root), ...storedNames(doc), ...automaticNames(root), ...taken]);
  const hint = nameHint(doc, node);
  let n = 0;
  while (used.has(`${hint}${n}`)) n++;
  return `${hint}${n}`;
}
