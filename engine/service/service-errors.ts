// The service's coded error catalog (style convention 20; xyflow keeps its messages the same way):
// each factory gives the code and the text a person reads — the value seen, what was expected,
// what to do — so the logic that raises them holds no message text. The dispatcher's, the
// session's, device names', documents', the forward pass's, training runs' and wire values' errors
// live here; the file methods' in file-errors.ts, the parameter methods' in parameter-errors.ts,
// the engine host's in host-errors.ts.
import type { Problem } from '../graph/index.ts';
import { ServiceError } from '../protocol/service-protocol.ts';

const quoted = (names: readonly string[], limit = 20): string =>
  `${names
    .slice(0, limit)
    .map((n) => `'${n}'`)
    .join(', ')}${names.length > limit ? `, … (${names.length} in all)` : ''}`;

export const serviceErrors = {
  // ---- the dispatcher
  malformedMessage: (issue: string, details: Record<string, unknown>) => new ServiceError('E_BAD_REQUEST', `malformed message: ${issue}`, details),
  requestRunning: (id: number) => new ServiceError('E_BAD_REQUEST', `request id ${id} is already running`),
  unknownMethod: (method: string) => new ServiceError('E_UNKNOWN_METHOD', `unknown method '${method}'`),
  invalidParams: (method: string, first: { path: string; message: string } | undefined, more: number, details: Record<string, unknown>) =>
    new ServiceError(
      'E_BAD_REQUEST',
      `${method}: invalid ${first ? `${first.path}: ${first.message}` : 'params'}${more > 0 ? ` (and ${more} more)` : ''}`,
      details,
    ),
  methodUnavailable: (method: string, why: string) => new ServiceError('E_GRAPH_UNAVAILABLE', `${method} is not available: ${why}`),
  cancelled: (method: string) => new ServiceError('E_CANCELLED', `${method} was cancelled`),

  // ---- the session
  tooManyDocuments: (max: number) => new ServiceError('E_BAD_REQUEST', `the session already holds ${max} documents; close some (closeDocument) first`),
  noDocument: (docId: string, open: readonly string[]) =>
    new ServiceError('E_NO_DOCUMENT', `no open document '${docId}' (open: ${open.length ? quoted(open, 10) : 'none'}); call openDocument first`),
  patchWithoutDocId: () => new ServiceError('E_BAD_REQUEST', 'params.patch: a patch changes a kept document: give its docId'),
  staleRevision: (docId: string, base: number, revision: number) =>
    new ServiceError(
      'E_STALE_REVISION',
      `patch.base: the patch was made against version ${base} of '${docId}', the engine has version ${revision}; send the whole document`,
    ),
  noModel: (docId: string) => new ServiceError('E_NO_MODEL', `document '${docId}' has no model yet: run forward (or initialize) first`),
  noParameter: (name: string, known: readonly string[]) =>
    new ServiceError('E_NO_PARAMETER', `the model has no parameter '${name}'; it has ${quoted(known)}`, { names: [name] }),

  // ---- devices
  notADevice: (field: string, name: string) => new ServiceError('E_BAD_REQUEST', `${field}: '${name}' is not a device; use cpu, cpu:0 or gpu:N`),
  oneCpu: (field: string, name: string) => new ServiceError('E_BAD_REQUEST', `${field}: the engine has one CPU device, cpu:0 (got ${name})`),
  noGpu: (field: string, name: string, why: string) => new ServiceError('E_NO_CUDA', `${field}: ${name} is not available: ${why}`),
  gpuCount: (count: number) => `the engine sees ${count} GPU(s): gpu:0..gpu:${count - 1}`,

  // ---- documents
  /** A document with errors, naming the first one and where it is (openDocument, validate and the builder alike). */
  invalidDocument(problems: readonly Problem[]): ServiceError {
    const errors = problems.filter((p) => p.severity === 'error');
    const first = errors[0];
    const where = first
      ? [first.nodeId && `node ${first.nodeId}`, first.port && `port ${first.port}`, first.param && `parameter ${first.param}`].filter(Boolean).join(', ')
      : '';
    return new ServiceError(
      'E_INVALID_DOCUMENT',
      `the document has ${errors.length} error(s)${first ? `; first: ${first.code}${where ? ` (${where})` : ''}: ${first.message}` : ''}`,
      { problems },
    );
  },
  noExample: (name: string, names: readonly string[]) => new ServiceError('E_BAD_REQUEST', `params.name: no example '${name}'; examples: ${names.join(', ')}`),

  // ---- forward's input from a file
  inputFileShape: (path: string, name: string, shape: readonly number[], spec: readonly number[]) =>
    new ServiceError(
      'E_BAD_REQUEST',
      `params.inputFile: ${path}'s array '${name}' has shape (${shape.join(', ')}), ` +
        `which does not fit the document's input shape (${spec.join(', ')}) (-1: any size)`,
    ),
  inputFileEmpty: (path: string) => new ServiceError('E_BAD_REQUEST', `params.inputFile.path: ${path} holds no arrays`),
  inputFileNoArray: (path: string, name: string | undefined, names: readonly string[]) =>
    new ServiceError(
      'E_BAD_REQUEST',
      `params.inputFile.name: ${path} has no array '${name}'; it has ${names
        .slice(0, 20)
        .map((n) => `'${n}'`)
        .join(', ')}${names.length > 20 ? ', …' : ''}`,
    ),

  // ---- training runs
  noRun: (runId: string, known: readonly string[]) =>
    new ServiceError('E_NO_RUN', `no training run '${runId}' (runs: ${known.map((k) => `'${k}'`).join(', ') || 'none'}); start one with startTraining`),
  alreadyTraining: (docId: string, runId: string, state: string) =>
    new ServiceError('E_BUSY', `document '${docId}' is already training (run '${runId}', ${state}); stop it first`),

  // ---- values on the wire (tensor-wire.ts)
  needsIntegers: (field: string, dtype: string) => new ServiceError('E_BAD_REQUEST', `${field}: dtype ${dtype} needs integer values`),
  wireLostValues: () => new ServiceError('E_INTERNAL', 'wire conversion lost values'),
};
