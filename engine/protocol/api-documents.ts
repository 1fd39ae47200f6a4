// The service methods about graph documents: open (or patch) one in the session, read and write
// document files, close, validate, infer shapes. One method group of service-api.ts. Pure.
import { z } from 'zod';
import { zDocumentPatch } from './document-patch.ts';
import { method, zDocId, zPath } from './api-fields.ts';
import { zDocumentRef, zProblem, zShapeWithUnknown } from './service-values.ts';

const zShapeReport = z.object({
  edges: z.record(z.string(), z.object({ shape: zShapeWithUnknown, dtype: z.string() })),
  nodes: z.record(
    z.string(),
    z.object({
      outputShapes: z.array(zShapeWithUnknown),
      paramCount: z.number(),
      flops: z.number(),
      params: z.array(z.object({ name: z.string(), shape: zShapeWithUnknown })),
      /** A layer's name in the model (in a repeat's copies, each copy's own: dense6). */
      name: z.string().optional(),
    }),
  ),
  problems: z.array(zProblem),
});

export const documentMethods = {
  openDocument: method(
    'Parses (and migrates) a document and keeps it in the session under docId. ' +
      'returnDocument: true also answers the document as kept (migrated to the current version) and migratedFrom, the version it had when older. ' +
      "shapes: true also answers its shape report (as inferShapes; problems then lists the shape problems too): the editor's one request per edit. " +
      'patch (with docId, instead of document) changes the version the engine keeps (revision): a stale base is refused with E_STALE_REVISION.',
    z
      .object({
        docId: zDocId.optional(),
        /** The document; with patch, left out. */
        document: z.unknown().optional(),
        patch: zDocumentPatch.optional(),
        returnDocument: z.boolean().optional(),
        shapes: z.boolean().optional(),
        trust: z.boolean().optional().describe("the user agreed to run the document's code blocks (the editor's prompt, the CLI's --trust)"),
      })
      .strict(),
    z.object({
      docId: z.string(),
      /** The number of the version kept (a later patch's base). */
      revision: z.number().int(),
      ok: z.boolean(),
      problems: z.array(zProblem),
      document: z.unknown().optional(),
      migratedFrom: z.number().int().nullable().optional(),
      /** After an engine restart: the parameter values brought back from the session's checkpoint. */
      restored: z.object({ parameters: z.number().int(), savedAt: z.number() }).optional(),
      /** With shapes: true, the shape report without its problems (they are in problems). */
      shapes: zShapeReport.omit({ problems: true }).optional(),
      code: z
        .array(z.object({ nodeId: z.string(), name: z.string(), blockId: z.string().nullable(), source: z.string(), trusted: z.boolean() }))
        .optional()
        .describe('the code blocks the document holds (absent when none): what to show before asking to trust it'),
    }),
  ),

  readDocumentFile: method(
    "Reads a graph document file by path (relative paths from the engine's working directory), migrating older versions; " +
      'migratedFrom is the version the file had when it was not current. A .safetensors model file (as exportModel writes it) answers ' +
      'its embedded document and parametersFile, the path to load its values from (loadParameters) once the model is built. ' +
      'Fails with E_FILE_NOT_FOUND, E_NOT_JSON or E_NOT_A_DOCUMENT naming the path.',
    z.object({ path: zPath }).strict(),
    z.object({
      path: z.string(),
      document: z.unknown(),
      migratedFrom: z.number().int().nullable(),
      problems: z.array(zProblem),
      modifiedMs: z.number(),
      parametersFile: z.string().optional(),
    }),
  ),

  writeDocumentFile: method(
    'Writes a graph document to a path atomically (temporary file, fsync, rename) after checking its structure; ' +
      'validation problems do not stop a save. An existing file is replaced only with overwrite: true (else E_FILE_EXISTS).',
    z.object({ path: zPath, document: z.unknown(), overwrite: z.boolean().optional() }).strict(),
    z.object({ path: z.string(), bytes: z.number().int(), modifiedMs: z.number() }),
  ),

  closeDocument: method('Drops a document and its built model from the session.', z.object({ docId: zDocId }).strict(), z.object({ closed: z.boolean() })),

  validate: method('Every problem of a document at once, each with its place.', zDocumentRef, z.object({ ok: z.boolean(), problems: z.array(zProblem) })),

  inferShapes: method(
    'Per-edge shapes and dtypes, per-node parameter counts and FLOPs, without running kernels.',
    z.intersection(zDocumentRef, z.object({ inputShape: zShapeWithUnknown.optional() })),
    zShapeReport,
  ),
} as const;
