// Going to a problem: select its node, opening the level it is on first (back out to the main
// graph, or into the definition it is in). The problems list uses it on a click; Run, Start and
// Export use it when they are refused, so the refusal names the first problem and shows it.
import type { ProblemInfo } from '../../engine/protocol/service-api.ts';
import { pathToBlock } from '../graph/body-view.ts';
import { selectBlockId, selectEditPath } from './block-slice.ts';
import type { EditorStore } from './editor-store.ts';

/** The node a problem names, in the document (main graph or its definition); undefined when none. */
export function problemNode(store: EditorStore, p: ProblemInfo): { id: string; name: string } | undefined {
  const doc = store.getState().document;
  const nodes = p.blockId === undefined ? doc.nodes : (doc.blocks.find((b) => b.id === p.blockId)?.nodes ?? []);
  const node = nodes.find((n) => n.id === p.nodeId);
  return node ? { id: node.id, name: node.name } : undefined;
}

/** Selects the problem's node, opening its definition when it is in one. False when it names no node. */
export function focusProblem(store: EditorStore, p: ProblemInfo): boolean {
  const node = problemNode(store, p);
  if (!node) return false;
  const state = store.getState();
  if (p.blockId !== selectBlockId(state)) {
    const current = selectEditPath(state);
    const depth = current.findIndex((l) => l.blockId === p.blockId);
    const path = p.blockId === undefined ? [] : depth >= 0 ? current.slice(0, depth + 1) : pathToBlock(state.document, p.blockId);
    if (!path) return false;
    store.setState({ editPath: [...path] });
  }
  store.getState().select([node.id]);
  return true;
}

/**
 * When the document has an error: selects the first one's node, shows the Problems tab (unless
 * showList is false), and
 * answers the refusal to show ("Fix the problems first: dense1: …"); null when there is none.
 */
export function refuseOnProblems(store: EditorStore, what: string, options: { showList?: boolean } = {}): string | null {
  const first = store.getState().problems.find((p) => p.severity === 'error');
  if (!first) return null;
  const node = problemNode(store, first);
  focusProblem(store, first);
  // The Training tab shows its own refusal; elsewhere the list of problems is the next thing to read.
  if (options.showList !== false) store.getState().setUi({ bottomTab: 'problems' });
  const count = store.getState().problems.filter((p) => p.severity === 'error').length;
  const more = count > 1 ? ` (and ${count - 1} more in Problems)` : '';
  return `${what}: fix the problems first. ${node ? `${node.name}: ` : ''}${first.message}${more}`;
}
