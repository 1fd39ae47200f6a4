// THE engine service API, defined once: method name → params schema → result schema, plus the
// events the engine pushes. The engine's dispatcher validates every request against these, the
// relays forward them, and the clients (CLI, tests, renderer) get their types from them. Pure.
import { z } from 'zod';
import {
  zArrayFileFormat,
  zAxisRange,
  zDeviceInfo,
  zDeviceName,
  zDocumentRef,
  zDType,
  zFileEntryReport,
  zHistogram,
  zParameterBrief,
  zParameterRow,
  zProblem,
  zShape,
  zShapeWithUnknown,
  zStats,
  zTensorInput,
  zTensorOutput,
} from './service-values.ts';
import { zTrainingConfig, zTrainingProgress, zTrainingStatus } from './training-config.ts';
import { zDocumentPatch } from './document-patch.ts';
import { zJobProcess, zLrScaling, zTorchJobExport, zTorchJobProgress } from './torch-job.ts';

export * from './service-values.ts';
export * from './training-config.ts';
export * from './torch-job.ts';

const zDocId = z.string().min(1).max(200);
const zPath = z.string().min(1).max(4096);
const zParamName = z.string().min(1).max(1000);
const zRunId = z.string().min(1).max(200);
/** Results carry at most this many values per array unless the request asks for fewer. */
const zMaxValues = z
  .number()
  .int()
  .min(0)
  .max(1 << 22);
/** An initializer by registered name ('xavier', 'normal') with optional arguments. */
const zInitSpec = z.union([z.string().min(1).max(100), z.tuple([z.string().min(1).max(100), z.record(z.string(), z.unknown())])]);

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

/** A layer kind's descriptor as data (engine/nn/layers/layer-spec.ts without its shape functions). */
export const zLayerInfo = z.object({
  kind: z.string(),
  category: z.string(),
  doc: z.string(),
  attrs: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      default: z.unknown().optional(),
      required: z.boolean(),
      min: z.number().optional(),
      max: z.number().optional(),
      choices: z.array(z.string()).optional(),
      doc: z.string(),
    }),
  ),
  inputs: z.array(z.object({ name: z.string(), doc: z.string(), variadic: z.boolean().optional(), optional: z.boolean().optional() })),
  outputs: z.array(z.object({ name: z.string(), doc: z.string() })),
  params: z.array(z.object({ name: z.string(), init: z.string().nullable(), constant: z.boolean().optional() })),
});
export type LayerInfo = z.infer<typeof zLayerInfo>;

function method<P extends z.ZodType, R extends z.ZodType>(doc: string, params: P, result: R) {
  return { doc, params, result };
}

/** Every method of the service. Add one here, then its handler in engine/service/methods/. */
/** initialize and forceReinit take the same request and answer the same way. */
const zInitializeParams = z
  .object({
    docId: zDocId,
    names: z.array(zParamName).max(100000).optional(),
    init: zInitSpec.optional(),
    device: zDeviceName.optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
  })
  .strict();
const zInitializeResult = z.object({ initialized: z.array(z.string()), deferred: z.array(z.string()), skipped: z.array(z.string()) });

export const serviceMethods = {
  ping: method(
    'Engine liveness and identity (the pid changes when the engine restarts).',
    z.object({}).strict(),
    z.object({ pid: z.number(), uptimeSeconds: z.number(), node: z.string() }),
  ),

  listDevices: method(
    'Devices the engine can compute on; gpuReason says why there is no GPU.',
    z.object({}).strict(),
    z.object({ devices: z.array(zDeviceInfo), gpuCount: z.number().int(), gpuReason: z.string().nullable(), cpuThreads: z.number() }),
  ),

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

  forward: method(
    "Runs one forward pass of the document's model, building it first when there is none. " +
      'A seed or rebuild builds fresh parameters; otherwise the model (and any values set or loaded) is reused.',
    z
      .object({
        docId: zDocId,
        inputShape: zShape.optional(),
        input: z.array(zTensorInput).max(16).optional(),
        /** Input read by the engine from an array file: the named array, or the file's first one; it must fit the document's input shape (-1: any size). */
        inputFile: z
          .object({ path: zPath, name: z.string().min(1).max(1000).optional() })
          .strict()
          .optional(),
        device: zDeviceName.optional(),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1)
          .optional(),
        /** Rebuild the model (fresh parameters) even when one is already built. */
        rebuild: z.boolean().optional(),
        maxValues: zMaxValues.optional(),
        /** Also answer each MultiHeadAttention layer's attention weights (attention maps). */
        attention: z.boolean().optional(),
        /** Also answer the parameter table (as parameterTable after the pass): the editor's one request per Run. */
        parameterTable: z
          .object({ statistics: z.boolean().optional(), bins: z.number().int().min(0).max(200).optional() })
          .strict()
          .optional(),
      })
      .strict()
      .refine((p) => [p.inputShape, p.input, p.inputFile].filter((x) => x !== undefined).length <= 1, {
        message: 'give one of inputShape, input or inputFile',
        path: ['input'],
      }),
    z.object({
      outputs: z.array(zTensorOutput),
      edgeShapes: z.record(z.string(), zShapeWithUnknown),
      parameters: z.array(zParameterBrief),
      device: z.string(),
      seconds: z.number(),
      /** Where the input came from (random of a shape, the request's data, or a file's array). */
      input: z
        .object({ source: z.enum(['random', 'given', 'file']), shapes: z.array(zShape), path: z.string().optional(), name: z.string().optional() })
        .optional(),
      /** With attention: true, per MultiHeadAttention layer (node key as in inferShapes, layer name) its weights (N, heads, Tq, Tk), each row summing to 1. */
      attention: z.array(z.object({ node: z.string(), name: z.string(), weights: zTensorOutput })).optional(),
      /** With parameterTable: the rows parameterTable answers. */
      parameterRows: z.array(zParameterRow).optional(),
    }),
  ),

  parameterTable: method(
    'Every parameter of the built model: name, shape, dtype, state, initializer, ties, place in the block tree, statistics and a histogram.',
    z
      .object({
        docId: zDocId,
        statistics: z.boolean().optional(),
        /** Histogram bins per row with statistics (default 20; 0: none). */
        bins: z.number().int().min(0).max(200).optional(),
      })
      .strict(),
    z.object({ parameters: z.array(zParameterRow) }),
  ),

  parameterValues: method(
    "A slice of one parameter's values, its histogram and summary statistics; gradient: true adds the same slice of its gradient.",
    z
      .object({
        docId: zDocId,
        name: zParamName,
        slice: z.array(zAxisRange).max(32).optional(),
        bins: z.number().int().min(1).max(1000).optional(),
        maxValues: zMaxValues.optional(),
        /** Also the same slice of the gradient (null in the result when the parameter has none). */
        gradient: z.boolean().optional(),
      })
      .strict(),
    z.object({
      name: z.string(),
      shape: zShape,
      dtype: zDType,
      slice: z.object({ start: z.array(z.number()), shape: zShape }),
      values: zTensorOutput,
      stats: zStats,
      histogram: zHistogram,
      gradient: z.object({ values: zTensorOutput, stats: zStats }).nullable().optional(),
    }),
  ),

  setParameter: method(
    "Overwrites one parameter's values (given data, or one fill value); with `index`, only the element " +
      '(a full index) or the sub-array (a leading index) there: net[0].weight.data()[0, 0] = 42.',
    z
      .object({
        docId: zDocId,
        name: zParamName,
        value: z.union([zTensorInput, z.object({ fill: z.number() })]),
        index: z
          .array(
            z
              .number()
              .int()
              .nonnegative()
              .max(2 ** 40),
          )
          .max(32)
          .optional(),
      })
      .strict(),
    z.object({ name: z.string(), shape: zShape, dtype: zDType, stats: zStats }),
  ),

  initialize: method('Initializes parameters not yet initialized (all, or the named ones).', zInitializeParams, zInitializeResult),

  forceReinit: method('Re-initializes parameters even when initialized (all, or the named ones).', zInitializeParams, zInitializeResult),

  saveParameters: method(
    "Writes the model's parameters (format from the extension or `format`).",
    z.object({ docId: zDocId, path: zPath, format: zArrayFileFormat.optional(), fullNames: z.boolean().optional() }).strict(),
    z.object({ path: z.string(), format: zArrayFileFormat, entries: z.array(zFileEntryReport) }),
  ),

  loadParameters: method(
    "Reads parameters into the model; the report names every key's fate.",
    z
      .object({ docId: zDocId, path: zPath, allowMissing: z.boolean().optional(), ignoreExtra: z.boolean().optional(), castDtype: z.boolean().optional() })
      .strict(),
    z.object({ path: z.string(), format: zArrayFileFormat, entries: z.array(zFileEntryReport) }),
  ),

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

  saveArrays: method(
    'Writes arrays (one, a list or named) to an array file.',
    z
      .object({
        path: zPath,
        format: zArrayFileFormat.optional(),
        arrays: z.union([zTensorInput, z.array(zTensorInput).max(10000), z.record(z.string().min(1).max(1000), zTensorInput)]),
      })
      .strict(),
    z.object({ path: z.string(), format: zArrayFileFormat, entries: z.array(zFileEntryReport) }),
  ),

  loadArrays: method(
    'Reads an array file; values up to maxValues per array (0: names, shapes, dtypes only).',
    z.object({ path: zPath, maxValues: zMaxValues.optional() }).strict(),
    z.object({
      path: z.string(),
      format: zArrayFileFormat,
      kind: z.enum(['single', 'list', 'named']),
      entries: z.array(z.object({ name: z.string(), shape: zShape, dtype: zDType, values: zTensorOutput.optional() })),
    }),
  ),

  matmulBenchmark: method(
    'Repeated n×n matmuls: a long, cancellable request (diagnostics and tests).',
    z.object({ size: z.number().int().min(1).max(8192), repeats: z.number().int().min(1).max(100000), device: zDeviceName.optional() }).strict(),
    z.object({ repeats: z.number().int(), seconds: z.number(), gflops: z.number(), checksum: z.number() }),
  ),

  layerCatalog: method(
    'Every registered layer kind as data (category, attributes, ports, parameters) and the initializer names: what palettes and forms are built from.',
    z.object({}).strict(),
    z.object({ layers: z.array(zLayerInfo), initializers: z.array(z.string()) }),
  ),

  checkCode: method(
    "A code block's type and syntax errors against the engine API the sandbox serves (TypeScript's checker; nothing runs, so no trust is needed).",
    z.object({ source: z.string().max(1_000_000) }).strict(),
    z.object({
      diagnostics: z.array(
        z.object({
          /** 1-based line and column where the error starts, and where it ends. */
          line: z.number().int(),
          column: z.number().int(),
          endLine: z.number().int(),
          endColumn: z.number().int(),
          message: z.string(),
          /** TypeScript's code: TS2339, ... */
          code: z.string(),
        }),
      ),
    }),
  ),

  exampleNames: method('Names of the example documents shipped in assets/examples.', z.object({}).strict(), z.object({ names: z.array(z.string()) })),

  loadExample: method('One example document by name.', z.object({ name: z.string().min(1).max(200) }).strict(), z.object({ document: z.unknown() })),

  startTraining: method(
    "Starts training the document's model in the engine and answers at once with the run's id; " +
      'progress comes as training-progress events (≤ 10/s), the end as training-finished. A seed rebuilds fresh parameters.',
    z.object({ docId: zDocId, config: zTrainingConfig }).strict(),
    z.object({
      runId: z.string(),
      totalSteps: z.number().int(),
      trainSize: z.number().int(),
      validationSize: z.number().int(),
      /** The step the run starts from: 0, or the checkpoint's step when resuming (resumeFrom). */
      step: z.number().int(),
      /** Things the person should know that do not stop the run (the data's shape differs from the document's input). */
      warnings: z.array(z.string()).optional(),
    }),
  ),

  pauseTraining: method('Pauses a run after its current step.', z.object({ runId: zRunId }).strict(), zTrainingStatus),

  resumeTraining: method('Resumes a paused run.', z.object({ runId: zRunId }).strict(), zTrainingStatus),

  stopTraining: method(
    'Stops a run after its current step, writes a checkpoint when the run has a checkpoint directory, and answers when it has stopped.',
    z.object({ runId: zRunId }).strict(),
    zTrainingStatus,
  ),

  trainingStatus: method(
    'Where a run stands: state, step, epoch, loss, metrics, history, last checkpoint.',
    z.object({ runId: zRunId }).strict(),
    zTrainingStatus,
  ),

  generateText: method(
    "Samples text from the document's trained character model: the prompt's characters go in, and each next character " +
      'is drawn from softmax(logits / temperature) at the last position, `length` times (the context is the last T characters, T the ' +
      "document's input length). The vocabulary is the text file's (`textFile`), by default the one the document last trained on. " +
      'Codes: E_NO_MODEL (train or run first), E_NO_VOCABULARY (no text given or trained on), E_DATA (a prompt character outside the vocabulary).',
    z
      .object({
        docId: zDocId,
        prompt: z.string().min(1).max(10_000),
        /** Characters to add after the prompt. */
        length: z.number().int().min(1).max(10_000),
        /** > 0 (default 1): below 1 sharpens the distribution, above 1 flattens it. */
        temperature: z.number().positive().max(100).optional(),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31 - 1)
          .optional(),
        /** The UTF-8 text whose characters are the vocabulary (as the data source of training). */
        textFile: zPath.optional(),
      })
      .strict(),
    z.object({
      /** The prompt followed by the sampled characters. */
      text: z.string(),
      /** The sampled characters alone. */
      generated: z.string(),
      vocabularySize: z.number().int(),
      /** The most characters the model saw at once. */
      context: z.number().int(),
      /** Where the vocabulary came from. */
      vocabularyFrom: z.string(),
    }),
  ),

  inspectDataFile: method(
    "What a training data file offers: a CSV's columns (header names, or indices without a header; only its first line is read), an .npz's arrays, an .npy's matrix.",
    z.object({ path: zPath, kind: z.enum(['csv', 'arrays']), delimiter: z.string().length(1).optional() }).strict(),
    z.object({
      path: z.string(),
      format: z.enum(['csv', 'npy', 'npz']),
      columns: z.array(z.string()),
      header: z.boolean(),
      arrays: z.array(z.object({ name: z.string(), shape: zShape, dtype: z.string() })),
    }),
  ),

  listCheckpoints: method(
    'The checkpoints in a directory (checkpoint-step<N>.npz, as runs write them), by step; a directory that does not exist yet has none.',
    z.object({ dir: zPath }).strict(),
    z.object({ dir: z.string(), checkpoints: z.array(z.object({ path: z.string(), step: z.number().int(), bytes: z.number().int(), modified: z.number() })) }),
  ),

  exportTorchJob: method(
    "Writes the document's model and training settings as a PyTorch distributed (DDP) job directory: model.py, " +
      "train.py, the data, README.md with the torchrun commands. It starts from the model's values (a config seed: fresh ones).",
    z
      .object({
        docId: zDocId,
        config: zTrainingConfig,
        dir: zPath,
        scaleLr: zLrScaling.optional(),
        perProcessBatch: z.boolean().optional(),
        nprocPerNode: z.number().int().min(1).max(1024).optional(),
      })
      .strict(),
    zTorchJobExport,
  ),

  readTorchJob: method(
    'Where a PyTorch job stands, from its directory (metrics.jsonl and checkpoints/): status, per-step points, ' +
      'the latest checkpoint and summaries of its values (skipped when knownCheckpointStep is that checkpoint).',
    z.object({ dir: zPath, knownCheckpointStep: z.number().int().optional(), histogramBins: z.number().int().min(0).max(200).optional() }).strict(),
    zTorchJobProgress,
  ),

  startTorchJob: method(
    'Starts torchrun --standalone on this machine in a job directory (torchrun must be on PATH); resume: a checkpoint .npz or "latest".',
    z
      .object({
        dir: zPath,
        nprocPerNode: z.number().int().min(1).max(1024).optional(),
        resume: zPath.optional(),
        device: z.enum(['auto', 'cpu', 'cuda']).optional(),
      })
      .strict(),
    zJobProcess,
  ),

  stopTorchJob: method(
    'Stops the torchrun this engine started in a job directory; answers when it has exited (null: none was started).',
    z.object({ dir: zPath }).strict(),
    z.object({ process: zJobProcess.nullable() }),
  ),
} as const;

export type ServiceMethods = typeof serviceMethods;
export type MethodName = keyof ServiceMethods;
export type MethodParams<M extends MethodName> = z.input<ServiceMethods[M]['params']>;
export type ParsedParams<M extends MethodName> = z.output<ServiceMethods[M]['params']>;
export type MethodResult<M extends MethodName> = z.output<ServiceMethods[M]['result']>;

export const METHOD_NAMES = Object.keys(serviceMethods) as MethodName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(serviceMethods, name);
}

/** Events the engine side pushes to every subscriber. */
export const serviceEvents = {
  /** The engine process died (crash, kill, or a cancel it did not honour) and a fresh one started. */
  'engine-restarted': z.object({
    reason: z.enum(['crashed', 'killed', 'cancel-timeout', 'exited']),
    exitCode: z.number().nullable(),
    signal: z.string().nullable(),
    /** Requests that failed with E_ENGINE_RESTARTED because they were in flight. */
    failedRequests: z.number().int(),
    pid: z.number().nullable(),
  }),
  /** Progress of a long request (done of total steps). */
  progress: z.object({ requestId: z.number(), method: z.string(), done: z.number(), total: z.number() }),
  /** A warning the engine raised while serving a request (e.g. an initializer already applied). */
  warning: z.object({ requestId: z.number().nullable(), message: z.string() }),
  /** A training run's progress, at most ~10 a second (epochs finished in between are all listed). */
  'training-progress': zTrainingProgress,
  /** A training run ended: finished, stopped or failed (then error says why). */
  'training-finished': zTrainingStatus,
} as const;

export type ServiceEvents = typeof serviceEvents;
export type EventName = keyof ServiceEvents;
export type EventData<E extends EventName> = z.output<ServiceEvents[E]>;
export const EVENT_NAMES = Object.keys(serviceEvents) as EventName[];
