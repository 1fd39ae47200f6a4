// What the editor holds after the engine answered an edit (one debounce): the automatic names of
// the engine's own shape report (engine/graph/shapes.ts) for the document. The tests call it where
// the editor would have had that answer, and forget it after, as a fresh editor starts.
import type { GraphDocument } from '../../engine/protocol/graph-document.ts';
import { inferShapes } from '../../engine/graph/shapes.ts';
import { rememberEngineNames } from '../../renderer/graph/engine-names.ts';
import { storedNames } from '../../renderer/graph/node-names.ts';

export function engineAnswered(doc: GraphDocument): void {
  rememberEngineNames(inferShapes(doc), storedNames(doc));
}

export function engineForgotten(): void {
  rememberEngineNames({ nodes: {} }, new Set());
}
