// Graph documents on disk, by path: readDocumentFile (read, parse, migrate old versions) and
// writeDocumentFile (check, then write atomically). The editor opens and saves through these in the
// browser and in Electron alike, so recent files and paths mean the same thing in both. Every
// failure names the file and says what is wrong with it (missing, not JSON, not a graph document).
// A .safetensors model file (exportModel's) opens too: its embedded document, plus where its values are.
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { openRegularFile, writeFileAtomic } from '../../io/array-file.ts';
import { IoError } from '../../io/io-error.ts';
import { migrateDocument, parseDocument, type Problem } from '../../graph/index.ts';
import { readEmbeddedDocument } from '../../export/params/open-model-file.ts';
import type { MethodResult } from '../../protocol/service-api.ts';
import { ServiceError } from '../../protocol/service-protocol.ts';
import type { Handler } from '../dispatcher.ts';

/** Larger files are refused before they are read: a graph document is JSON text, not data. */
export const MAX_DOCUMENT_BYTES = 64 * 2 ** 20;

function firstError(problems: readonly Problem[]): Problem | undefined {
  return problems.find((p) => p.severity === 'error') ?? problems[0];
}

function notADocument(path: string, problems: readonly Problem[]): ServiceError {
  const first = firstError(problems);
  const where = first?.path ? ` (at ${first.path})` : '';
  return new ServiceError('E_NOT_A_DOCUMENT', `${path} is not a Blocksmith graph document${where}: ${first?.message ?? 'unknown problem'}`, { path, problems });
}

/** The OS error as a sentence about this path (ENOENT, EACCES, EISDIR are the usual ones). */
function fileError(path: string, error: unknown, writing: boolean): ServiceError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return writing
      ? new ServiceError('E_FILE_NOT_FOUND', `cannot save ${path}: the folder ${dirname(path)} does not exist`, { path })
      : new ServiceError('E_FILE_NOT_FOUND', `${path} does not exist (it was moved, renamed or deleted)`, { path });
  }
  if (code === 'EACCES' || code === 'EPERM') return new ServiceError('E_FILE_IO', `${path}: permission denied`, { path });
  if (code === 'EISDIR') return new ServiceError('E_FILE_IO', `${path} is a folder, not a file`, { path });
  const message = (error as Error).message ?? String(error);
  return new ServiceError('E_FILE_IO', `cannot ${writing ? 'write' : 'read'} ${path}${code ? ` (${code})` : ''}: ${message}`, { path });
}

/** A model file: the document its `__metadata__` carries, and the file itself as where its values are. */
async function readModelFile(path: string): Promise<MethodResult<'readDocumentFile'>> {
  let info;
  try {
    // A FIFO or a device is refused before anything reads it, as for documents.
    const fh = await openRegularFile(path);
    try {
      info = await fh.stat();
    } finally {
      await fh.close();
    }
  } catch (error) {
    if (error instanceof IoError && error.code === 'E_FILE_NOT_REGULAR' && !error.cause)
      throw new ServiceError(error.code, `${path} ${error.detail}`, { path });
    throw fileError(path, error instanceof IoError ? (error.cause ?? error) : error, false);
  }
  try {
    const document = await readEmbeddedDocument(path);
    return { path, document, migratedFrom: null, problems: [], modifiedMs: info.mtimeMs, parametersFile: path };
  } catch (error) {
    throw new ServiceError('E_NOT_A_DOCUMENT', `${path} does not open as a model: ${(error as Error).message}`, { path });
  }
}

/** " (line 3, column 14)" from a JSON.parse message's position, without any of the text. */
function jsonErrorPlace(text: string, message: string): string {
  const at = /position (\d+)/.exec(message);
  if (!at) return text.trim() === '' ? ' (the file is empty)' : '';
  const before = text.slice(0, Number(at[1]));
  const line = before.split('\n').length;
  return ` (line ${line}, column ${before.length - before.lastIndexOf('\n')})`;
}

export const readDocumentFile: Handler<'readDocumentFile'> = async (params) => {
  const path = resolve(params.path);
  if (path.toLowerCase().endsWith('.safetensors')) return readModelFile(path);
  let text: string;
  let modifiedMs: number;
  try {
    // A FIFO or a device (/dev/zero says size 0) is refused before a byte is read.
    const fh = await openRegularFile(path);
    try {
      const info = await fh.stat();
      if (info.size > MAX_DOCUMENT_BYTES) {
        throw new ServiceError('E_FILE_TOO_LARGE', `${path} is ${info.size} bytes; a graph document is at most ${MAX_DOCUMENT_BYTES} bytes`, { path });
      }
      modifiedMs = info.mtimeMs;
      text = await fh.readFile('utf8');
    } finally {
      await fh.close();
    }
  } catch (error) {
    if (error instanceof ServiceError) throw error;
    if (error instanceof IoError && error.code === 'E_FILE_NOT_REGULAR' && !error.cause)
      throw new ServiceError(error.code, `${path} ${error.detail}`, { path });
    throw fileError(path, error instanceof IoError ? (error.cause ?? error) : error, false);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // Only where: the parser's message quotes the file's text, which is not ours to show.
    throw new ServiceError('E_NOT_JSON', `${path} is not JSON${jsonErrorPlace(text, (error as Error).message)}`, { path });
  }
  // migrateDocument tells which version the file had; parseDocument then does the same migration
  // again as part of its checks (cheap, and it keeps one reading path for every caller).
  const migrated = migrateDocument(json);
  if (migrated.document === null) throw notADocument(path, migrated.problems);
  const { document, problems } = parseDocument(json);
  if (!document) throw notADocument(path, problems);
  return { path, document, migratedFrom: migrated.migratedFrom ?? null, problems, modifiedMs };
};

export const writeDocumentFile: Handler<'writeDocumentFile'> = async (params) => {
  const path = resolve(params.path);
  // Only a document this build can read back is written: structure is checked, while validation
  // problems (a cycle, an unconnected port) are work in progress and are saved as they are.
  const { document, problems } = parseDocument(params.document);
  if (!document) throw notADocument(path, problems);
  // Overwriting is explicit: without overwrite: true an existing file is left alone.
  if (params.overwrite !== true) {
    const exists = await stat(path).then(
      () => true,
      () => false,
    );
    if (exists) throw new ServiceError('E_FILE_EXISTS', `${path} already exists; choose another name or pass overwrite: true`, { path });
  }
  const text = `${JSON.stringify(params.document, null, 2)}\n`;
  const bytes = new TextEncoder().encode(text);
  try {
    await writeFileAtomic(path, bytes);
  } catch (error) {
    if (error instanceof IoError && error.code === 'E_FILE_NOT_REGULAR') throw new ServiceError(error.code, `${path} ${error.detail}`, { path });
    // writeFileAtomic wraps OS errors; the cause keeps the errno code this message needs.
    throw fileError(path, (error as { cause?: unknown }).cause ?? error, true);
  }
  const info = await stat(path);
  return { path, bytes: bytes.length, modifiedMs: info.mtimeMs };
};
