// THE engine service API, defined once: method name → params schema → result schema, plus the
// events the engine pushes. The engine's dispatcher validates every request against these, the
// relays forward them, and the clients (CLI, tests, renderer) get their types from them. Pure.
import { z } from 'zod';
import {
  zArrayFileFormat, zAxisRange, zDeviceInfo, zDeviceName, zDocumentRef, zDType, zFileEntryReport,
  zHistogram, zParameterBrief, zParameterRow, zProblem, zShape, zShapeWithUnknown, zStats,
  zTensorInput, zTensorOutput,
} from './service-values.ts';

export * from './service-values.ts';

const zDocId = z.string().min(1).max(200);
const zPath = z.string().min(1).max(4096);
const zParamName = z.string().min(1).max(1000);
/** Results carry at most this many values per array unless the request asks for fewer. */
const zMaxValues = z.number().int().min(0).max(1 << 22);
/** An initializer by registered name ('xavier', 'normal') with optional arguments. */
const zInitSpec = z.union([z.string().min(1).max(100), z.tuple([z.string().min(1).max(100), z.record(z.string(), z.unknown())])]);

const zShapeReport = z.object({
  edges: z.record(z.string(), z.object({ shape: zShapeWithUnknown, dtype: z.string() })),
  nodes: z.record(z.string(), z.object({
    outputShapes: z.array(zShapeWithUnknown),
    paramCount: z.number(),
    flops: z.number(),
    params: z.array(z.object({ name: z.string(), shape: zShapeWithUnknown })),
  })),
  problems: z.array(zProblem),
});

function method<P extends z.ZodType, R extends z.ZodType>(doc: string, params: P, result: R) {
  return { doc, params, result };
}

/** Every method of the service. Add one here, then its handler in engine/service/methods/. */
export const serviceMethods = {
  ping: method('Engine liveness and identity (the pid changes when the engine restarts).',
    z.object({}).strict(),
    z.object({ pid: z.number(), uptimeSeconds: z.number(), node: z.string() })),

  listDevices: method('Devices the engine can compute on; gpuReason says why there is no GPU.',
    z.object({}).strict(),
    z.object({ devices: z.array(zDeviceInfo), gpuCount: z.number().int(), gpuReason: z.string().nullable(), cpuThreads: z.number() })),

  openDocument: method('Parses (and migrates) a document and keeps it in the session under docId.',
    z.object({ docId: zDocId.optional(), document: z.unknown() }).strict(),
    z.object({ docId: z.string(), ok: z.boolean(), problems: z.array(zProblem) })),

  closeDocument: method('Drops a document and its built model from the session.',
    z.object({ docId: zDocId }).strict(),
    z.object({ closed: z.boolean() })),

  validate: method('Every problem of a document at once, each with its place.',
    zDocumentRef,
    z.object({ ok: z.boolean(), problems: z.array(zProblem) })),

  inferShapes: method('Per-edge shapes and dtypes, per-node parameter counts and FLOPs, without running kernels.',
    z.intersection(zDocumentRef, z.object({ inputShape: zShapeWithUnknown.optional() })),
    zShapeReport),

  forward: method('Runs one forward pass of the document\'s model, building it first when there is none. ' +
    'A seed or rebuild builds fresh parameters; otherwise the model (and any values set or loaded) is reused.',
    z.object({
      docId: zDocId,
      inputShape: zShape.optional(),
      input: z.array(zTensorInput).max(16).optional(),
      device: zDeviceName.optional(),
      seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
      /** Rebuild the model (fresh parameters) even when one is already built. */
      rebuild: z.boolean().optional(),
      maxValues: zMaxValues.optional(),
    }).strict().refine((p) => !(p.inputShape && p.input), { message: 'give inputShape or input, not both', path: ['input'] }),
    z.object({
      outputs: z.array(zTensorOutput),
      edgeShapes: z.record(z.string(), zShapeWithUnknown),
      parameters: z.array(zParameterBrief),
      device: z.string(),
      seconds: z.number(),
    })),

  parameterTable: method('Every parameter of the built model: name, shape, dtype, state, initializer, ties, statistics.',
    z.object({ docId: zDocId, statistics: z.boolean().optional() }).strict(),
    z.object({ parameters: z.array(zParameterRow) })),

  parameterValues: method('A slice of one parameter\'s values, its histogram and summary statistics.',
    z.object({
      docId: zDocId,
      name: zParamName,
      slice: z.array(zAxisRange).max(32).optional(),
      bins: z.number().int().min(1).max(1000).optional(),
      maxValues: zMaxValues.optional(),
    }).strict(),
    z.object({
      name: z.string(), shape: zShape, dtype: zDType,
      slice: z.object({ start: z.array(z.number()), shape: zShape }),
      values: zTensorOutput,
      stats: zStats,
      histogram: zHistogram,
    })),

  setParameter: method('Overwrites one parameter\'s values (given data, or one fill value).',
    z.object({ docId: zDocId, name: zParamName, value: z.union([zTensorInput, z.object({ fill: z.number() })]) }).strict(),
    z.object({ name: z.string(), shape: zShape, dtype: zDType, stats: zStats })),

  initialize: method('Initializes parameters not yet initialized (all, or the named ones).',
    z.object({ docId: zDocId, names: z.array(zParamName).max(100000).optional(), init: zInitSpec.optional(),
      device: zDeviceName.optional(), seed: z.number().int().min(0).max(2 ** 31 - 1).optional() }).strict(),
    z.object({ initialized: z.array(z.string()), deferred: z.array(z.string()), skipped: z.array(z.string()) })),

  forceReinit: method('Re-initializes parameters even when initialized (all, or the named ones).',
    z.object({ docId: zDocId, names: z.array(zParamName).max(100000).optional(), init: zInitSpec.optional(),
      device: zDeviceName.optional(), seed: z.number().int().min(0).max(2 ** 31 - 1).optional() }).strict(),
    z.object({ initialized: z.array(z.string()), deferred: z.array(z.string()), skipped: z.array(z.string()) })),

  saveParameters: method('Writes the model\'s parameters (format from the extension or `format`).',
    z.object({ docId: zDocId, path: zPath, format: zArrayFileFormat.optional(), fullNames: z.boolean().optional() }).strict(),
    z.object({ path: z.string(), format: zArrayFileFormat, entries: z.array(zFileEntryReport) })),

  loadParameters: method('Reads parameters into the model; the report names every key\'s fate.',
    z.object({ docId: zDocId, path: zPath, allowMissing: z.boolean().optional(), ignoreExtra: z.boolean().optional(),
      castDtype: z.boolean().optional() }).strict(),
    z.object({ path: z.string(), format: zArrayFileFormat, entries: z.array(zFileEntryReport) })),

  saveArrays: method('Writes arrays (one, a list or named) to an array file.',
    z.object({
      path: zPath,
      format: zArrayFileFormat.optional(),
      arrays: z.union([zTensorInput, z.array(zTensorInput).max(10000), z.record(z.string().min(1).max(1000), zTensorInput)]),
    }).strict(),
    z.object({ path: z.string(), format: zArrayFileFormat, entries: z.array(zFileEntryReport) })),

  loadArrays: method('Reads an array file; values up to maxValues per array (0: names, shapes, dtypes only).',
    z.object({ path: zPath, maxValues: zMaxValues.optional() }).strict(),
    z.object({
      path: z.string(), format: zArrayFileFormat, kind: z.enum(['single', 'list', 'named']),
      entries: z.array(z.object({ name: z.string(), shape: zShape, dtype: zDType, values: zTensorOutput.optional() })),
    })),

  matmulBenchmark: method('Repeated n×n matmuls: a long, cancellable request (diagnostics and tests).',
    z.object({ size: z.number().int().min(1).max(8192), repeats: z.number().int().min(1).max(100000),
      device: zDeviceName.optional() }).strict(),
    z.object({ repeats: z.number().int(), seconds: z.number(), gflops: z.number(), checksum: z.number() })),

  exampleNames: method('Names of the example documents shipped in assets/examples.',
    z.object({}).strict(),
    z.object({ names: z.array(z.string()) })),

  loadExample: method('One example document by name.',
    z.object({ name: z.string().min(1).max(200) }).strict(),
    z.object({ document: z.unknown() })),
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
} as const;

export type ServiceEvents = typeof serviceEvents;
export type EventName = keyof ServiceEvents;
export type EventData<E extends EventName> = z.output<ServiceEvents[E]>;
export const EVENT_NAMES = Object.keys(serviceEvents) as EventName[];
