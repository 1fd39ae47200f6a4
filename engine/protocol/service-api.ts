// THE engine service API, defined once: method name → params schema → result schema, plus the
// events the engine pushes. The engine's dispatcher validates every request against these, the
// relays forward them, and the clients (CLI, tests, renderer) get their types from them. Pure.
// The methods are written by area in the api-*.ts modules; this is the one place that assembles
// them (their order is the reference's in docs/service.md) and the one entry point to import.
import { z } from 'zod';
import { arrayMethods } from './api-arrays.ts';
import { documentMethods } from './api-documents.ts';
import { modelFileMethods } from './api-model-files.ts';
import { parameterMethods } from './api-parameters.ts';
import { runMethods } from './api-run.ts';
import { systemMethods, toolMethods } from './api-system.ts';
import { torchJobMethods } from './api-torch-job.ts';
import { trainingMethods } from './api-training.ts';
import { zTrainingProgress, zTrainingStatus } from './training-config.ts';

export * from './service-values.ts';
export * from './training-config.ts';
export * from './torch-job.ts';
export { zLayerInfo, type LayerInfo } from './api-system.ts';

/** Every method of the service. Add one to its area's api-*.ts module, then its handler in engine/service/methods/. */
export const serviceMethods = {
  ...systemMethods,
  ...documentMethods,
  ...runMethods,
  ...parameterMethods,
  ...modelFileMethods,
  ...arrayMethods,
  ...toolMethods,
  ...trainingMethods,
  ...torchJobMethods,
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
