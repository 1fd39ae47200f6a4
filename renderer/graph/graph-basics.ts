// The small facts every graph edit needs: a canvas point, a fresh id, whether one node reaches
// another. A leaf module, so that document, block and clipboard edits can all use it without
// importing each other (they were an import cycle).
import type { GraphDocument } from '../../engine/protocol/graph-document.ts';

export interface Point {
  x: number;
  y: number;
}

/** An id no node or edge of the document uses: the hint itself when free, else hint_1, hint_2, ... */
export function freshId(doc: Pick<GraphDocument, 'nodes' | 'edges'>, hint: string): string {
  const used = new Set([...doc.nodes.map((n) => n.id), ...doc.edges.map((e) => e.id)]);
  if (!used.has(hint)) return hint;
  let i = 1;
  while (used.has(`${hint}_${i}`)) i++;
  return `${hint}_${i}`;
}

/** True when `to` can be reached from `from` along edges (so an edge to → from would close a cycle). */
export function reaches(doc: Pick<GraphDocument, 'edges'>, from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const e of doc.edges) if (e.source.node === id) stack.push(e.target.node);
  }
  return false;
}
