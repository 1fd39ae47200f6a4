// The coded error for a document with errors, naming the first one and where it is: what
// openDocument, validate and the model builder answer alike (one place, below the methods).
import type { Problem } from '../graph/index.ts';
import { ServiceError } from '../protocol/service-protocol.ts';

export function invalidDocument(problems: readonly Problem[]): ServiceError {
  const errors = problems.filter((p) => p.severity === 'error');
  const first = errors[0];
  const where = first ? [first.nodeId && `node ${first.nodeId}`, first.port && `port ${first.port}`, first.param && `parameter ${first.param}`].filter(Boolean).join(', ') : '';
  return new ServiceError('E_INVALID_DOCUMENT',
    `the document has ${errors.length} error(s)${first ? `; first: ${first.code}${where ? ` (${where})` : ''}: ${first.message}` : ''}`,
    { problems });
}
