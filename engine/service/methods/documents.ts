// Documents in the session: open / close, validation (every problem at once, each with its
// place), shape inference without kernels, and the shipped examples. All of it is the graph
// layer's work (engine/graph); these handlers only find the document and shape the answer.
import {
  exampleNames as graphExampleNames,
  inferShapes as graphInferShapes,
  loadExample as graphLoadExample,
  migrateDocument,
  parseDocument,
  type Problem,
} from '../../graph/index.ts';
import type { ValidatedDocument } from '../../graph/validated.ts';
import type { ParsedParams, ProblemInfo } from '../../protocol/service-api.ts';
import { applyPatch } from '../../protocol/document-patch.ts';
import { serviceErrors } from '../service-errors.ts';
import type { Handler } from '../dispatcher.ts';
import { documentCode } from '../../graph/document-code.ts';
import { trustSources } from '../../sandbox/trust.ts';
import type { Session } from '../session.ts';
import { forgetCheckpoint, restoreCheckpoint } from '../session-checkpoint.ts';
import { invalidDocument } from '../invalid-document.ts';

const hasErrors = (problems: readonly ProblemInfo[]) => problems.some((p) => p.severity === 'error');

/**
 * The one check of a document: parseDocument (migration, structure, validation) plus the memory
 * budget, which needs the shapes (engine/graph/budget.ts). The shape report is made once per
 * document (engine/graph/validated.ts): openDocument's shapes and the builder's budget reuse it.
 */
export function checkDocument(json: unknown): { document: ValidatedDocument | null; problems: Problem[] } {
  const parsed = parseDocument(json);
  if (!parsed.document || hasErrors(parsed.problems)) return parsed;
  const overBudget = graphInferShapes(parsed.document).problems.filter((p) => p.code === 'E_MEMORY_BUDGET');
  return { document: parsed.document, problems: [...parsed.problems, ...overBudget] };
}

/** The document a request names: one open in the session, or one given inline (parsed, not kept). */
export function resolveDocument(session: Session, ref: { docId: string } | { document: Record<string, unknown> }): ValidatedDocument {
  if ('docId' in ref) return session.get(ref.docId).document;
  const { document, problems } = parseDocument(ref.document);
  if (!document) throw invalidDocument(problems);
  return document;
}

/** The document an openDocument names: the one given, or the kept version with the patch applied. */
function givenDocument(params: ParsedParams<'openDocument'>, session: Session): unknown {
  if (!params.patch) return params.document;
  if (params.docId === undefined) throw serviceErrors.patchWithoutDocId();
  const kept = session.get(params.docId);
  if (kept.revision !== params.patch.base) throw serviceErrors.staleRevision(params.docId, params.patch.base, kept.revision);
  return applyPatch(kept.document, params.patch);
}

export const openDocument: Handler<'openDocument'> = async (params, ctx) => {
  const given = givenDocument(params, ctx.session);
  let { document, problems } = checkDocument(given);
  if (!document) throw invalidDocument(problems);
  let code = documentCode(document);
  if (params.trust && code.some((c) => !c.trusted)) {
    // Trusted now: check again, so the code's parameters are known to validation.
    trustSources(code.map((c) => c.source));
    ({ document, problems } = checkDocument(given));
    if (!document) throw invalidDocument(problems);
    code = documentCode(document);
  }
  const entry = ctx.session.open(document, params.docId);
  // The editor's one request per edit: the shape report's problems hold validation's and the
  // budget's too, so they replace the check's (each problem once, nothing to merge in the editor).
  let shapes: ReturnType<typeof graphInferShapes> | null = null;
  if (params.shapes) {
    shapes = graphInferShapes(document);
    problems = shapes.problems;
  }
  // A restarted engine sent the same model again: the values trained or loaded before come back.
  const restored = params.docId !== undefined && !hasErrors(problems) ? await restoreCheckpoint(entry).catch(() => null) : null;
  const answer = {
    docId: entry.docId,
    revision: entry.revision,
    ok: !hasErrors(problems),
    problems,
    ...(restored ? { restored } : {}),
    ...(code.length ? { code } : {}),
    ...(shapes ? { shapes: { edges: shapes.edges, nodes: shapes.nodes } } : {}),
  };
  if (!params.returnDocument) return answer;
  // The editor opens an uploaded file through this: it gets the migrated document to show and
  // the old version to tell the person about (the renderer cannot import the migrations).
  return { ...answer, document, migratedFrom: migrateDocument(given).migratedFrom ?? null };
};

export const closeDocument: Handler<'closeDocument'> = async (params, ctx) => {
  await forgetCheckpoint(params.docId);
  return { closed: ctx.session.close(params.docId) };
};

export const validate: Handler<'validate'> = (params, ctx) => {
  const problems = 'docId' in params ? checkDocument(ctx.session.get(params.docId).document).problems : checkDocument(params.document).problems;
  return { ok: !hasErrors(problems), problems };
};

export const inferShapes: Handler<'inferShapes'> = (params, ctx) => {
  const document = resolveDocument(ctx.session, params);
  return graphInferShapes(document, params.inputShape ? { inputShape: params.inputShape } : {});
};

export const exampleNames: Handler<'exampleNames'> = () => ({ names: graphExampleNames() });

export const loadExample: Handler<'loadExample'> = (params) => {
  const names = graphExampleNames();
  if (!names.includes(params.name)) {
    throw serviceErrors.noExample(params.name, names);
  }
  return { document: graphLoadExample(params.name) };
};
