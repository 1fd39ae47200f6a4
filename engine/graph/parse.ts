// Reading a document: migrate to the current version, check the structure with the zod schema
// (each issue mapped to a JSON path), then validate. Also the engine-side checks validation
// cannot make from the pure descriptors alone (initializer names live in the engine's registry).

import { zGraphDocument, type GraphDocument, type GraphBody } from '../protocol/graph-document.ts';
import { registeredInitializers } from '../init/registry.ts';
import { migrateDocument } from './migrate.ts';
import { problem, PROBLEM_CODES as C, type Problem } from './problems.ts';
import { validateStructure } from './validate.ts';
import { markValidated, type ValidatedDocument } from './validated.ts';

/** `nodes[3].attrs.units` from zod's path array. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)), '');
}

/**
 * Migrates, checks the structure and validates `json` (already parsed from text). `document` is
 * null when the structure is broken; otherwise it is returned with every problem found, so the
 * editor can open a document with errors and show them in place. The document comes back branded
 * as validated: inference and the builder trust these problems instead of validating again.
 */
export function parseDocument(json: unknown): { document: ValidatedDocument | null; problems: Problem[] } {
  const migrated = migrateDocument(json);
  if (migrated.document === null) return { document: null, problems: migrated.problems };
  const parsed = zGraphDocument.safeParse(migrated.document);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const path = jsonPath(i.path);
      const nodeId = nodeIdAt(migrated.document, i.path);
      return problem(C.schema, `${path || 'the document'}: ${i.message}`, { path, nodeId });
    });
    return { document: null, problems };
  }
  const problems = validateDocument(parsed.data);
  return { document: markValidated(parsed.data, problems), problems };
}

/** The id of the node a schema issue lies in, when the path goes through one. */
function nodeIdAt(doc: unknown, path: readonly PropertyKey[]): string | undefined {
  let cur: unknown = doc;
  let id: string | undefined;
  for (const k of path) {
    if (typeof cur !== 'object' || cur === null) break;
    cur = (cur as Record<PropertyKey, unknown>)[k as string];
    if (typeof cur === 'object' && cur !== null && typeof (cur as { id?: unknown }).id === 'string' && 'kind' in cur)
      id = (cur as unknown as { id: string }).id;
  }
  return id;
}

/** Every problem of a (schema-valid) document; errors stop buildModel, warnings do not. */
export function validateDocument(doc: GraphDocument): Problem[] {
  const problems = validateStructure(doc);
  checkInitializers(doc, problems);
  return problems;
}

function checkInitializers(doc: GraphDocument, out: Problem[]): void {
  const known = new Set(registeredInitializers());
  const check = (body: GraphBody, blockId: string | undefined, base: string): void => {
    body.nodes.forEach((n, i) => {
      for (const [param, s] of Object.entries(n.params ?? {})) {
        if (s.init === undefined) continue;
        const raw = typeof s.init === 'string' ? s.init : s.init[0];
        // MXNet's JSON form '["normal", {...}]' is accepted by the registry too.
        const name = raw.trimStart().startsWith('[') ? safeJsonName(raw) : raw;
        if (name === null || !known.has(name.toLowerCase())) {
          out.push(
            problem(C.initUnknown, `${n.name}.${param}: unknown initializer ${JSON.stringify(raw)}; known: ${[...known].join(', ')}.`, {
              blockId,
              nodeId: n.id,
              param,
              path: `${base}nodes[${i}].params.${param}.init`,
            }),
          );
        }
      }
    });
  };
  check(doc, undefined, '');
  doc.blocks.forEach((b, i) => check(b, b.id, `blocks[${i}].`));
}

function safeJsonName(raw: string): string | null {
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) && typeof v[0] === 'string' ? v[0] : null;
  } catch {
    return null;
  }
}
