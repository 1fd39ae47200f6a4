// Errors raised by the array-file readers and writers. Every error names the file and, for
// reads, the byte offset where the problem was found, so a person can locate it with a hex dump.
import { basename } from 'node:path';

export type IoErrorCode =
  | 'E_FILE_FORMAT' // bytes do not follow the format (bad magic, bad header, bad offsets)
  | 'E_FILE_TRUNCATED' // the file ends before the data it declares
  | 'E_FILE_TOO_LARGE' // a size exceeds a limit (file size, header size, inflated size)
  | 'E_FILE_UNSUPPORTED' // valid file, but a feature we do not read (sparse, f16 without widen)
  | 'E_FILE_CHECKSUM' // a ZIP entry's CRC-32 does not match its data
  | 'E_FILE_CONTENT' // a writer was given content it cannot store
  | 'E_FILE_NOT_REGULAR' // a FIFO, device, socket or folder where a regular file was expected
  | 'E_FILE_IO'; // the operating system refused a read or write

const HEADLINE: Record<IoErrorCode, string> = {
  E_FILE_FORMAT: 'invalid file',
  E_FILE_TRUNCATED: 'truncated',
  E_FILE_TOO_LARGE: 'too large',
  E_FILE_UNSUPPORTED: 'unsupported content',
  E_FILE_CHECKSUM: 'checksum mismatch',
  E_FILE_CONTENT: 'cannot write',
  E_FILE_NOT_REGULAR: 'not a regular file',
  E_FILE_IO: 'I/O error',
};

/** Where an error happened: the file as the caller named it, an archive entry, a byte offset. */
export interface IoPlace {
  file: string;
  entry?: string | undefined; // an entry inside a .npz (offsets then count from the entry's start)
  offset?: number | undefined;
}

/**
 * An error with a code, the file, the archive entry and the byte offset where known. The message
 * reads "legacy_ndarray.v0: truncated at byte 3208: array 5 needs 512 bytes of data, 16 remain".
 */
export class IoError extends Error {
  override name = 'IoError';
  readonly code: IoErrorCode;
  readonly file: string;
  readonly entry: string | undefined;
  readonly offset: number | undefined;
  readonly detail: string;

  constructor(code: IoErrorCode, place: IoPlace, detail: string, options?: { cause?: unknown }) {
    const entry = place.entry === undefined ? '' : ` entry '${place.entry}'`;
    const where = place.offset === undefined ? '' : ` at byte ${place.offset}`;
    super(`${basename(place.file) || place.file}:${entry} ${HEADLINE[code]}${where}: ${detail}`, options);
    this.code = code;
    this.file = place.file;
    this.entry = place.entry;
    this.offset = place.offset;
    this.detail = detail;
  }
}

export function isIoError(e: unknown): e is IoError {
  return e instanceof IoError;
}
