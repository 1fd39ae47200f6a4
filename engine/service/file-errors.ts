// The coded errors of the file methods (readDocumentFile, writeDocumentFile, import's source
// file): each factory gives the code and the text a person reads — which file, what is wrong with
// it, what to do — so the logic that raises them holds no message text (as service-errors.ts).
import { dirname } from 'node:path';
import type { Problem } from '../graph/index.ts';
import { ServiceError } from '../protocol/service-protocol.ts';

function firstError(problems: readonly Problem[]): Problem | undefined {
  return problems.find((p) => p.severity === 'error') ?? problems[0];
}

export const fileErrors = {
  notADocument(path: string, problems: readonly Problem[]): ServiceError {
    const first = firstError(problems);
    const where = first?.path ? ` (at ${first.path})` : '';
    return new ServiceError('E_NOT_A_DOCUMENT', `${path} is not a Blocksmith graph document${where}: ${first?.message ?? 'unknown problem'}`, {
      path,
      problems,
    });
  },
  notAModel: (path: string, why: string) => new ServiceError('E_NOT_A_DOCUMENT', `${path} does not open as a model: ${why}`, { path }),
  /** The io layer's refusal (a FIFO, a device), its detail after the path. */
  notRegular: (code: string, path: string, detail: string) => new ServiceError(code, `${path} ${detail}`, { path }),
  folderMissing: (path: string) => new ServiceError('E_FILE_NOT_FOUND', `cannot save ${path}: the folder ${dirname(path)} does not exist`, { path }),
  gone: (path: string) => new ServiceError('E_FILE_NOT_FOUND', `${path} does not exist (it was moved, renamed or deleted)`, { path }),
  missing: (path: string) => new ServiceError('E_FILE_NOT_FOUND', `${path} does not exist`, { path }),
  permission: (path: string) => new ServiceError('E_FILE_IO', `${path}: permission denied`, { path }),
  folder: (path: string) => new ServiceError('E_FILE_IO', `${path} is a folder, not a file`, { path }),
  io: (path: string, writing: boolean, code: string | undefined, message: string) =>
    new ServiceError('E_FILE_IO', `cannot ${writing ? 'write' : 'read'} ${path}${code ? ` (${code})` : ''}: ${message}`, { path }),
  tooLarge: (path: string, size: number, max: number) =>
    new ServiceError('E_FILE_TOO_LARGE', `${path} is ${size} bytes; a graph document is at most ${max} bytes`, { path }),
  /** `where`: " (line 3, column 14)" or " (the file is empty)" or nothing. */
  notJson: (path: string, where: string) => new ServiceError('E_NOT_JSON', `${path} is not JSON${where}`, { path }),
  exists: (path: string) => new ServiceError('E_FILE_EXISTS', `${path} already exists; choose another name or pass overwrite: true`, { path }),
};
