// The wire protocol of the engine service: the messages that travel between a client, a relay
// and the engine process, and the coded error every failure becomes. Pure zod, so the same
// definitions serve the engine, the relays and the renderer.
import { z } from 'zod';

/** Request ids are chosen by whoever sends the request; relays map them, the engine echoes them. */
export const zRequestId = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** Client → engine: call a method. `params` is checked against the method's schema at the engine. */
export const zRequestMessage = z.object({
  type: z.literal('request'),
  id: zRequestId,
  method: z.string().max(100),
  params: z.unknown(),
});
export type RequestMessage = z.infer<typeof zRequestMessage>;

/** Client → engine: stop a running request (its response is then E_CANCELLED). */
export const zCancelMessage = z.object({ type: z.literal('cancel'), id: zRequestId });
export type CancelMessage = z.infer<typeof zCancelMessage>;

/** Web clients only: the first message on a WebSocket, carrying the host's token. */
export const zHelloMessage = z.object({ type: z.literal('hello'), token: z.string().max(200) });

export const zClientMessage = z.discriminatedUnion('type', [zRequestMessage, zCancelMessage]);
export type ClientMessage = z.infer<typeof zClientMessage>;

/**
 * Error codes of the service itself. Engine errors keep their own codes (E_SHAPE, E_FILE_FORMAT,
 * E_LOAD_SHAPE, ...), so `code` is an open string; these are the ones the service adds.
 */
export const SERVICE_ERROR_CODES = {
  E_BAD_REQUEST: "the request does not match the method's schema (details.issues names each field)",
  E_UNKNOWN_METHOD: 'no such method',
  E_NO_DOCUMENT: 'no open document with this docId',
  E_STALE_REVISION: "openDocument's patch was made against another version of the document: send the whole document",
  E_INVALID_DOCUMENT: 'the document has errors (details.problems lists them)',
  E_NO_MODEL: 'the document has no built model yet: run forward first',
  E_NO_PARAMETER: 'the model has no parameter with this name',
  E_CANCELLED: 'the request was cancelled',
  E_ENGINE_RESTARTED: 'the engine process died while the request was running; a fresh engine has started',
  E_ENGINE_UNAVAILABLE: 'the engine process could not be started',
  E_NOT_CONNECTED: 'the connection to the engine is closed',
  E_UNAUTHORIZED: 'the web host refused the connection (token, Origin or Host)',
  E_GRAPH_UNAVAILABLE: 'the graph layer (engine/graph) is not available in this build',
  E_PATH_NOT_ALLOWED: 'the path lies outside the folders this engine may use (serve --allow-dir)',
  E_FILE_EXISTS: 'the file exists and the request did not pass overwrite: true',
  E_FILE_NOT_REGULAR: 'the path is a FIFO, device or socket, not a regular file',
  E_INTERNAL: 'a bug in the engine service (the message has the details)',
} as const;
export type ServiceErrorCode = keyof typeof SERVICE_ERROR_CODES;

/** Codes caused by what the user gave (CLI exit code 1); the rest are internal (exit code 2). */
const INTERNAL_CODES = new Set<string>([
  'E_INTERNAL',
  'E_ENGINE_RESTARTED',
  'E_ENGINE_UNAVAILABLE',
  'E_NOT_CONNECTED',
  'E_NATIVE',
  'E_NATIVE_LOAD',
  'E_GRAPH_UNAVAILABLE',
  'E_UNKNOWN_METHOD',
]);
export function isUserErrorCode(code: string): boolean {
  return !INTERNAL_CODES.has(code);
}

export const zErrorInfo = z.object({
  code: z.string(),
  message: z.string(),
  /** Structured extras: validation issues, problems, a per-name file report, the file offset. */
  details: z.unknown().optional(),
});
export type ErrorInfo = z.infer<typeof zErrorInfo>;

export const zResponseMessage = z.discriminatedUnion('ok', [
  z.object({ type: z.literal('response'), id: zRequestId, ok: z.literal(true), result: z.unknown() }),
  z.object({ type: z.literal('response'), id: zRequestId, ok: z.literal(false), error: zErrorInfo }),
]);
export type ResponseMessage = z.infer<typeof zResponseMessage>;

export const zEventMessage = z.object({ type: z.literal('event'), event: z.string(), data: z.unknown() });
export type EventMessage = z.infer<typeof zEventMessage>;

/** Web host → client, after the hello: the connection is authorised. */
export const zWelcomeMessage = z.object({ type: z.literal('welcome'), protocol: z.literal(1) });

/** Engine process → its host only (never relayed): the engine listens now. */
export const zReadyMessage = z.object({ type: z.literal('ready'), pid: z.number() });
export type ReadyMessage = z.infer<typeof zReadyMessage>;

export const zServerMessage = z.union([zResponseMessage, zEventMessage, zWelcomeMessage]);
export type ServerMessage = z.infer<typeof zServerMessage>;

/** A failure with a code a program can branch on and a message a person can act on. */
export class ServiceError extends Error {
  readonly code: string;
  readonly details: unknown;
  constructor(code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ServiceError';
    this.code = code;
    this.details = details;
  }

  toInfo(): ErrorInfo {
    return this.details === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, details: this.details };
  }

  static fromInfo(info: ErrorInfo): ServiceError {
    return new ServiceError(info.code, info.message, info.details);
  }
}

/** One line per zod issue, naming the field: "params.inputShape.0: expected number". */
export function describeIssues(issues: readonly z.core.$ZodIssue[], root = 'params'): { path: string; message: string }[] {
  return issues.map((issue) => ({
    path: [root, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}
