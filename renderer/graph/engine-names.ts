// The names the engine gives automatically (engine/graph/plan.ts names the layers of a repeat's
// copies and of fresh block instances), read from its last shape report (NodeShapes.name). The
// editor does not re-do the planner's naming: it names new nodes and checks renames around the
// engine's last answer. Between an edit and the engine's answer (one debounce) the previous
// answer stands; a name chosen then is checked again by the engine (duplicate names are problems).
import type { MethodResult } from '../../engine/protocol/service-api.ts';

type ShapeReport = MethodResult<'inferShapes'>;

let last: ReadonlySet<string> = new Set();

/** The layer names in `report` that are not `stored` (graph/node-names.ts storedNames): those the engine gave automatically. */
export function automaticNamesOf(report: Pick<ShapeReport, 'nodes'>, stored: ReadonlySet<string>): Set<string> {
  const auto = new Set<string>();
  for (const entry of Object.values(report.nodes)) if (entry.name && !stored.has(entry.name)) auto.add(entry.name);
  return auto;
}

/** Keeps the automatic names of the engine's answer for a document storing `stored` (engine-session calls it on each shape report). */
export function rememberEngineNames(report: Pick<ShapeReport, 'nodes'>, stored: ReadonlySet<string>): void {
  last = automaticNamesOf(report, stored);
}

/** The automatic names of the engine's last answer (empty before the first). */
export function lastAutomaticNames(): ReadonlySet<string> {
  return last;
}
