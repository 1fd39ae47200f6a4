// The service methods that move models across formats: import an ONNX model, map another
// framework's weights onto a model, export a model (ONNX, code, parameter files). One method group
// of service-api.ts. Pure.
import { z } from 'zod';
import { method, zDocId, zPath } from './api-fields.ts';
import { zShape, zShapeWithUnknown } from './service-values.ts';

export const modelFileMethods = {
  importModel: method(
    'Imports an ONNX model file (opsets 7 to 21, external data beside it, at most 2 GB) as a graph document: operators ' +
      'become layer kinds, repeated units block definitions. parametersPath (default MODEL.safetensors beside the model) receives the values, ' +
      'with the document embedded; open the document, then loadParameters from parametersFile. Refused with E_IMPORT_UNSUPPORTED listing ' +
      'every operator no kind reads unless partial, which keeps them as nodes marked as problems. Other codes: E_IMPORT_FORMAT, ' +
      'E_IMPORT_TOO_LARGE, E_IMPORT_OPSET, E_IMPORT_EXTERNAL.',
    z
      .object({
        path: zPath,
        parametersPath: zPath.optional(),
        partial: z.boolean().optional(),
        /** A dropped file's bytes (base64, at most 160 MB of model), which has no path: written to a temporary folder with its values; path is then its name. */
        data: z
          .string()
          .max(224 * 2 ** 20)
          .optional(),
      })
      .strict(),
    z.object({
      document: z.unknown(),
      parametersFile: z.string().nullable(),
      report: z.object({
        opset: z.number().int(),
        producer: z.string(),
        layers: z.number().int(),
        blockDefinitions: z.number().int(),
        blockInstances: z.number().int(),
        parameterCount: z.number().int(),
        unsupported: z.array(z.object({ opType: z.string(), count: z.number().int(), nodes: z.array(z.string()), why: z.string() })),
      }),
    }),
  ),

  mapForeignWeights: method(
    "Maps another framework's weights file (.safetensors or .npz; PyTorch names such as layer1.0.conv1.weight, " +
      'Gluon or structural names) onto the model and answers the mapping before anything changes: matched (file key → parameter), missing ' +
      '(parameters no key fills, by the PyTorch key that would fill them), unexpected (keys that fill nothing) and shape mismatches. With apply, the matched values are set; refused ' +
      'with E_LOAD_MISMATCH (details.mapping) while a shape differs, or keys are missing / unexpected that allowMissing / ignoreExtra do not accept.',
    z.object({ docId: zDocId, path: zPath, apply: z.boolean().optional(), allowMissing: z.boolean().optional(), ignoreExtra: z.boolean().optional() }).strict(),
    z.object({
      path: z.string(),
      matched: z.array(z.object({ key: z.string(), parameter: z.string(), shape: zShape })),
      missing: z.array(z.string()),
      unexpected: z.array(z.string()),
      shapeMismatches: z.array(z.object({ key: z.string(), parameter: z.string(), fileShape: zShape, shape: zShapeWithUnknown })),
      applied: z.number().int(),
    }),
  ),

  exportModel: method(
    "Writes the document's model (built and initialized first when needed) as ONNX (opset 17), " +
      'code (PyTorch, Gluon, TypeScript) or a parameter file (.params, .npz, .safetensors with the document embedded).',
    z
      .object({
        docId: zDocId,
        target: z.enum(['onnx', 'pytorch', 'gluon', 'typescript', 'safetensors', 'npz', 'mxnet']),
        path: zPath,
        /** Parameter files: structural (0.weight) or Gluon (dense0_weight) keys; default per format. */
        keys: z.enum(['structural', 'gluon']).optional(),
        /** TypeScript: the module specifier the generated file imports the engine from. */
        engineImport: z.string().min(1).max(4096).optional(),
      })
      .strict(),
    z.object({
      target: z.string(),
      path: z.string(),
      /** Bytes written (-1 for parameter files, whose size the array writer decides). */
      bytes: z.number().int(),
      parameters: z.array(z.object({ key: z.string(), shape: zShape, dtype: z.string() })),
      /** Parts written as marked stubs to finish by hand (a code block with no PyTorch / Gluon translation). */
      stubs: z.array(z.string()).optional(),
    }),
  ),
} as const;
