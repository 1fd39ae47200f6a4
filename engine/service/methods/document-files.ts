// Graph documents on disk, by path: readDocumentFile (read, parse, migrate old versions) and
// writeDocumentFile (check, then write atomically). The editor opens and saves through these in the
// browser and in Electron alike, so recent files and paths mean the same thing in both. Every
// failure names the file and says what is wrong with it (missing, not JSON, not a graph document).
// A .safetensors model file (exportModel's) opens too: its embedded document, plus where its values are.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { openRegularFile, writeFileAtomic } from '../../io/array-file.ts';
import { IoError } from '../../io/io-error.ts';
import { migrateDocument, parseDocument } from '../../graph/index.ts';
import { readEmbeddedDocument } from '../../export/params/open-model-file.ts';
import type { MethodResult } from '../../protocol/service-api.ts';
import { ServiceError } from '../../protocol/service-protocol.ts';
import { fileErrors as E } from '../file-errors.ts';
import type { Handler } from '../dispatcher.ts';

/** Larger files are refused before they are read: a graph document is JSON text, not data. */
export const MAX_DOCUMENT_BYTES = 64 * 2 ** 20;

/** The OS error as a sentence about this path (ENOENT, EACCES, EISDIR are the usual ones). */
function fileError(path: string, error: unknown, writing: boolean): ServiceError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return writing ? E.folderMissing(path) : E.gone(path);
  if (code === 'EACCES' || code === 'EPERM') return E.permission(path);
  if (code === 'EISDIR') return E.folder(path);
  return E.io(path, writing, code, (error as Error).message ?? String(error));
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
    if (error instanceof IoError && error.code === 'E_FILE_NOT_REGULAR' && !error.cause) throw E.notRegular(error.code, path, error.detail);
    throw fileError(path, error instanceof IoError ? (error.cause ?? error) : error, false);
  }
  try {
    const document = await readEmbeddedDocument(path);
    return { path, document, migratedFrom: null, problems: [], modifiedMs: info.mtimeMs, parametersFile: path };
  } catch (error) {
    throw E.notAModel(path, (error as Error).message);
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
        throw E.tooLarge(path, info.size, MAX_DOCUMENT_BYTES);
      }
      modifiedMs = info.mtimeMs;
      text = await fh.readFile('utf8');
    } finally {
      await fh.close();
    }
  } catch (error) {
    if (error instanceof ServiceError) throw error;
    if (error instanceof IoError && error.code === 'E_FILE_NOT_REGULAR' && !error.cause) throw E.notRegular(error.code, path, error.detail);
    throw fileError(path, error instanceof IoError ? (error.cause ?? error) : error, false);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // Only where: the parser's message quotes the file's text, which is not ours to show.
    throw E.notJson(path, jsonErrorPlace(text, (error as Error).message));
  }
  // migrateDocument tells which version the file had; parseDocument then does the same migration
  // again as part of its checks (cheap, and it keeps one reading path for every caller).
  const migrated = migrateDocument(json);
  if (migrated.document === null) throw E.notADocument(path, migrated.problems);
  const { document, problems } = parseDocument(json);
  if (!document) throw E.notADocument(path, problems);
  return { path, document, migratedFrom: migrated.migratedFrom ?? null, problems, modifiedMs };
};

export const writeDocumentFile: Handler<'writeDocumentFile'> = async (params) => {
  const path = resolve(params.path);
  // Only a document this build can read back is written: structure is checked, while validation
  // problems (a cycle, an unconnected port) are work in progress and are saved as they are.
  const { document, problems } = parseDocument(params.document);
  if (!document) throw E.notADocument(path, problems);
  // Overwriting is explicit: without overwrite: true an existing file is left alone.
  if (params.overwrite !== true) {
    const exists = await stat(path).then(
      () => true,
      () => false,
    );
    if (exists) throw E.exists(path);
  }
  const text = `${JSON.stringify(params.document, null, 2)}\n`;
  const bytes = new TextEncoder().encode(text);
  try {
    await writeFileAtomic(path, bytes);
  } catch (error) {
    if (error instanceof IoError && error.code === 'E_FILE_NOT_REGULAR') throw E.notRegular(error.code, path, error.detail);
    // writeFileAtomic wraps OS errors; the cause keeps the errno code this message needs.
    throw fileError(path, (error as { cause?: unknown }).cause ?? error, true);
  }
  const info = await stat(path);
  return { path, bytes: bytes.length, modifiedMs: info.mtimeMs };
};
