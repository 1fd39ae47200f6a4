// File › Export…: writes the current document's model — with the values it holds now (trained,
// set, loaded) — through the engine's exportModel, as exactly the target chosen. The path is
// checked against the target first (export-targets.ts), and a document with errors is refused
// naming its first problem, which is selected.
import type { MethodResult } from '../../engine/protocol/service-api.ts';
import { DOC_ID, type EngineSession } from '../services/engine-session.ts';
import type { EditorStore } from '../store/editor-store.ts';
import { refuseOnProblems } from '../store/problem-focus.ts';
import { checkExportPath, type ExportTarget } from './export-targets.ts';

export type ExportResult = MethodResult<'exportModel'>;

export interface ExportRequest {
  target: ExportTarget;
  path: string;
  /** Parameter files only: dense0_weight (gluon) or 0.weight (structural) keys; default per format. */
  keys?: 'gluon' | 'structural';
}

/** Thrown for a request the editor refuses before asking the engine (its message is for people). */
export class ExportRefused extends Error {}

export async function exportModel(store: EditorStore, session: EngineSession, request: ExportRequest): Promise<ExportResult> {
  const checked = checkExportPath(request.path, request.target);
  if (!checked.ok) throw new ExportRefused(checked.error);
  await session.flush();
  const refused = refuseOnProblems(store, 'Export', { showList: false });
  if (refused) throw new ExportRefused(refused);
  const keys = request.keys ? { keys: request.keys } : {};
  return session.client.call('exportModel', { docId: DOC_ID, target: request.target, path: checked.path, ...keys });
}
