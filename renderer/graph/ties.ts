// "Tie to…": which parameters a node's parameter may share. Only those whose shapes can match
// (same rank, every dim equal or still unknown) are offered; the engine checks the rest
// (E_TIE_SHAPE, E_TIE_CYCLE). Pure.
import type { GraphDocument } from '../../engine/protocol/graph-document.ts';
import type { MethodResult } from '../../engine/protocol/service-api.ts';
import type { Catalog } from './catalog.ts';
import { shapeText } from './shape-text.ts';

type ShapeReport = MethodResult<'inferShapes'>;

export interface TieCandidate {
  node: string;
  nodeName: string;
  param: string;
  shape: number[] | null;
}

export function shapesCanMatch(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === -1 || b[i] === -1 || d === b[i]);
}

/** A parameter's shape from the shape report (listed by full name, `dense0_weight`), or null. */
export function reportedParamShape(shapes: ShapeReport | null, nodeId: string, param: string): number[] | null {
  return shapes?.nodes[nodeId]?.params.find((p) => p.name.endsWith(`_${param}`))?.shape ?? null;
}

/** The parameters of other main-graph nodes that `nodeId`'s `param` could be tied to. */
export function tieCandidates(doc: GraphDocument, catalog: Catalog, shapes: ShapeReport | null, nodeId: string, param: string): TieCandidate[] {
  const own = reportedParamShape(shapes, nodeId, param);
  const out: TieCandidate[] = [];
  for (const node of doc.nodes) {
    if (node.id === nodeId) continue;
    for (const p of catalog.byKind.get(node.kind)?.params ?? []) {
      const shape = reportedParamShape(shapes, node.id, p.name);
      if (own && shape && !shapesCanMatch(own, shape)) continue;
      if (!own && p.name !== param) continue; // shapes unknown: offer only namesakes (weight ↔ weight)
      out.push({ node: node.id, nodeName: node.name, param: p.name, shape });
    }
  }
  return out;
}

/**
 * A "tie to…" option: `dense3.weight (2, 20)`; before shape inference has run (or when it failed)
 * the shape reads `(shape unknown)` rather than nothing, so the option does not look cut off.
 */
export function tieOptionText(c: Pick<TieCandidate, 'nodeName' | 'param' | 'shape'>): string {
  return `${c.nodeName}.${c.param} ${c.shape ? shapeText(c.shape) : '(shape unknown)'}`;
}

/**
 * The parameter table's "tied to" text for one row: each other use as the Gluon name of the block
 * that holds it with its structural path (`dense2 (2.weight)`), since a chain's path alone says
 * where but not which layer. An engine that sends no block names gets the paths alone.
 */
export function tiedUsesText(row: { tiedTo: readonly string[]; tiedToBlocks?: readonly string[] }): string {
  return row.tiedTo
    .map((path, i) => {
      const block = row.tiedToBlocks?.[i];
      return block ? `${block} (${path})` : path;
    })
    .join(', ');
}
