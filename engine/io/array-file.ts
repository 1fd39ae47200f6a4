// Read and write array files by path: the format is recognised by its magic bytes (then by its
// extension), reads are bounded by a size limit, and writes are atomic (temp file, fsync, rename).
import { constants as bufferConstants } from 'node:buffer';
import { constants as fsConstants } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { currentLimits } from '../protocol/limits';
import { IoError } from './io-error';
import { cleanStaleTempsOf, noteTemp, tempPathFor } from './temp-files';
import { type ArrayCollection, type DecodeOptions, type HostTensor, isHostTensor } from './host-tensor';
import { isMxnetNdarray, readMxnetNdarray, writeMxnetNdarray } from './mxnet-ndarray-format';
import { isNpy, readNpy, writeNpy } from './npy-format';
import { readNpz, writeNpz } from './npz-format';
import { isSafetensors, readSafetensors, writeSafetensors } from './safetensors-format';
import { isZip } from './zip-archive';

export type ArrayFileFormat = 'mxnet' | 'npy' | 'npz' | 'safetensors';
/** A single tensor (.npy), a positional list, or named tensors. */
export type ArrayFileContent = HostTensor | HostTensor[] | Record<string, HostTensor>;

export const DEFAULT_MAX_FILE_BYTES = 16 * 2 ** 30; // 16 GiB

export interface ReadArrayFileOptions extends DecodeOptions {
  /** Refuse files larger than this; default 16 GiB. */
  maxBytes?: number;
  /**
   * Refuse compressed content (.npz) that inflates past this many bytes, or past the file's own
   * size if that is larger; default limits.maxDecodedBytes (1 GiB, BLOCKSMITH_MAX_DECODED).
   * A caller that knows what it expects (a model's parameters) passes its own bound.
   */
  maxDecodedBytes?: number;
  /** Skip sniffing and read as this format. */
  format?: ArrayFileFormat;
}

export interface WriteArrayFileOptions {
  /** Default: from the extension (.params/.nd -> mxnet, .npy, .npz, .safetensors). */
  format?: ArrayFileFormat;
  /** .npz only: deflate entries like np.savez_compressed. */
  compress?: boolean;
  /** .safetensors only: the `__metadata__` string map. */
  metadata?: Record<string, string>;
}

export interface ArrayFileInfo {
  format: ArrayFileFormat;
  content: ArrayFileContent;
  /** .safetensors `__metadata__`, when present. */
  metadata?: Record<string, string>;
}

const BY_EXTENSION: Record<string, ArrayFileFormat> = { '.params': 'mxnet', '.nd': 'mxnet', '.npy': 'npy', '.npz': 'npz', '.safetensors': 'safetensors' };

/** The format of these bytes: by magic first (a 2.0 '.params' is really an .npz), then by extension. */
export function sniffFormat(bytes: Uint8Array, path = ''): ArrayFileFormat | undefined {
  if (isZip(bytes)) return 'npz';
  if (isNpy(bytes)) return 'npy';
  if (isMxnetNdarray(bytes)) return 'mxnet';
  if (isSafetensors(bytes)) return 'safetensors';
  return BY_EXTENSION[extname(path).toLowerCase()];
}

/** Decode array-file bytes already in memory; `file` names them in errors. */
export function decodeArrayFile(bytes: Uint8Array, file: string, opts: ReadArrayFileOptions = {}): ArrayFileInfo {
  const format = opts.format ?? sniffFormat(bytes, file);
  switch (format) {
    case 'npy':
      return { format, content: readNpy(bytes, file, opts) };
    case 'mxnet':
      return { format, content: fromCollection(readMxnetNdarray(bytes, file, opts)) };
    case 'npz':
      return { format, content: fromCollection(readNpz(bytes, file, opts)) };
    case 'safetensors': {
      const { entries, metadata } = readSafetensors(bytes, file, opts);
      return metadata === undefined ? { format, content: toRecord(entries) } : { format, content: toRecord(entries), metadata };
    }
    default:
      throw new IoError(
        'E_FILE_FORMAT',
        { file, offset: 0 },
        'not a recognised array file (expected an MXNet NDArray file, .npy, .npz or .safetensors, by magic bytes or extension)',
      );
  }
}

/**
 * Read an array file. Example: `const params = await readArrayFile('net.params')` gives a
 * Record<string, HostTensor> for a saved dict, a HostTensor[] for a list, a HostTensor for .npy.
 */
export async function readArrayFile(path: string, opts: ReadArrayFileOptions = {}): Promise<ArrayFileContent> {
  return (await readArrayFileInfo(path, opts)).content;
}

/** Like readArrayFile, plus the detected format and any safetensors metadata. */
export async function readArrayFileInfo(path: string, opts: ReadArrayFileOptions = {}): Promise<ArrayFileInfo> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  const bytes = await readBounded(path, maxBytes);
  // Stored content is bounded by the file itself; only inflation can go past it.
  const decoded = Math.max(bytes.length, opts.maxDecodedBytes ?? currentLimits().maxDecodedBytes);
  return decodeArrayFile(bytes, path, { ...opts, maxBytes: decoded });
}

/**
 * Opens a regular file for reading, or refuses with E_FILE_NOT_REGULAR. O_NONBLOCK makes opening a
 * FIFO return at once instead of waiting for a writer forever; a device (/dev/zero) reports size 0
 * and would read past any size check. Both are refused before a byte is read.
 */
export async function openRegularFile(path: string): Promise<Awaited<ReturnType<typeof open>>> {
  const flags = fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0);
  const fh = await open(path, flags).catch((e: unknown) => {
    throw ioFailure(path, 'cannot open the file', e);
  });
  const info = await fh.stat().catch(async (e: unknown) => {
    await fh.close();
    throw ioFailure(path, 'cannot read the file', e);
  });
  if (!info.isFile()) {
    await fh.close();
    const folder = info.isDirectory();
    throw new IoError(
      'E_FILE_NOT_REGULAR',
      { file: path },
      `is ${folder ? 'a folder' : 'not a regular file (a FIFO, device or socket)'}; only regular files are read`,
      folder ? { cause: Object.assign(new Error('is a directory'), { code: 'EISDIR' }) } : {},
    );
  }
  return fh;
}

async function readBounded(path: string, maxBytes: number): Promise<Uint8Array> {
  const fh = await openRegularFile(path);
  try {
    const { size } = await fh.stat();
    if (size > maxBytes)
      throw new IoError(
        'E_FILE_TOO_LARGE',
        { file: path, offset: 0 },
        `the file is ${size} bytes, over the ${maxBytes}-byte limit (raise maxBytes to read it)`,
      );
    if (size > bufferConstants.MAX_LENGTH)
      throw new IoError(
        'E_FILE_TOO_LARGE',
        { file: path, offset: 0 },
        `the file is ${size} bytes, more than one buffer can hold in this Node (${bufferConstants.MAX_LENGTH})`,
      );
    const out = new Uint8Array(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await fh.read(out, at, Math.min(size - at, 1 << 30), at);
      if (bytesRead === 0) break; // the file shrank while we read it; the parser reports the truncation
      at += bytesRead;
    }
    return at === size ? out : out.subarray(0, at);
  } catch (e) {
    throw e instanceof IoError ? e : ioFailure(path, 'cannot read the file', e);
  } finally {
    await fh.close();
  }
}

/**
 * Write an array file atomically: the previous file, if any, stays intact until the new one is
 * complete on disk. Example: `await writeArrayFile('net.params', {'dense0_weight': w})`.
 */
export async function writeArrayFile(path: string, content: ArrayFileContent, opts: WriteArrayFileOptions = {}): Promise<void> {
  await writeFileAtomic(path, encodeArrayFile(path, content, opts));
}

/** Encode content in the format named by opts.format or by the path's extension. */
export function encodeArrayFile(path: string, content: ArrayFileContent, opts: WriteArrayFileOptions = {}): Uint8Array {
  const format = opts.format ?? BY_EXTENSION[extname(path).toLowerCase()];
  const place = { file: path };
  if (format === undefined)
    throw new IoError('E_FILE_CONTENT', place, `cannot tell the format from '${extname(path)}'; pass {format: 'mxnet' | 'npy' | 'npz' | 'safetensors'}`);
  if (opts.compress && format !== 'npz') throw new IoError('E_FILE_CONTENT', place, `compress applies to .npz only, not ${format}`);
  if (opts.metadata && format !== 'safetensors') throw new IoError('E_FILE_CONTENT', place, `metadata applies to .safetensors only, not ${format}`);
  if (format === 'npy') {
    if (!isHostTensor(content)) throw new IoError('E_FILE_CONTENT', place, '.npy holds exactly one tensor; pass a HostTensor');
    return writeNpy(content, path);
  }
  if (isHostTensor(content)) throw new IoError('E_FILE_CONTENT', place, `${format} files hold a list or named tensors; pass [tensor] or {name: tensor}`);
  const collection = toCollection(content);
  if (format === 'mxnet') return writeMxnetNdarray(collection, path);
  if (format === 'npz') return writeNpz(collection, { compress: opts.compress ?? false, file: path });
  if (collection.kind === 'list') throw new IoError('E_FILE_CONTENT', place, '.safetensors stores named tensors only; pass {name: tensor}');
  return writeSafetensors(collection.entries, opts.metadata, path);
}

/**
 * Write bytes to `path` via a temporary file in the same directory (so rename is atomic), fsync
 * it, then rename over the target. On any failure the temporary file is removed. `hooks` exist so
 * tests can make a late step fail.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array, hooks: { beforeRename?: () => void | Promise<void> } = {}): Promise<void> {
  // Only a regular file (or nothing) is replaced: a FIFO or a device at the path is someone's.
  // (A folder fails at the rename with the OS's own EISDIR.)
  const existing = await stat(path).catch(() => null);
  if (existing && !existing.isFile() && !existing.isDirectory()) {
    throw new IoError('E_FILE_NOT_REGULAR', { file: path }, 'is not a regular file (a FIFO, device or socket); only regular files are written');
  }
  // Temporary files of writers that were killed before they could clean up (engine/io/temp-files.ts).
  await cleanStaleTempsOf(path);
  const tmp = tempPathFor(path);
  await noteTemp(tmp);
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(tmp, 'wx', 0o644);
    for (let at = 0; at < bytes.length;) {
      const { bytesWritten } = await fh.write(bytes, at, Math.min(bytes.length - at, 1 << 30));
      at += bytesWritten;
    }
    await fh.sync();
    await fh.close();
    fh = undefined;
    await hooks.beforeRename?.();
    await rename(tmp, path);
  } catch (e) {
    await fh?.close().catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
    throw e instanceof IoError ? e : ioFailure(path, 'cannot write the file', e);
  }
  await syncDirectory(dirname(path));
}

/** Make the rename durable; some platforms (Windows) cannot open a directory, which is fine. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    /* best effort */
  }
}

function ioFailure(path: string, what: string, cause: unknown): IoError {
  const code = (cause as { code?: string }).code;
  return new IoError('E_FILE_IO', { file: path }, `${what}${code ? ` (${code})` : ''}: ${(cause as Error).message}`, { cause });
}

function fromCollection(c: ArrayCollection): HostTensor[] | Record<string, HostTensor> {
  return c.kind === 'list' ? c.arrays : toRecord(c.entries);
}

/** A null-prototype record, so a tensor named "__proto__" is just a key. */
function toRecord(entries: readonly [string, HostTensor][]): Record<string, HostTensor> {
  const out: Record<string, HostTensor> = Object.create(null);
  for (const [k, v] of entries) out[k] = v;
  return out;
}

function toCollection(content: HostTensor[] | Record<string, HostTensor>): ArrayCollection {
  return Array.isArray(content) ? { kind: 'list', arrays: content } : { kind: 'dict', entries: Object.entries(content) };
}
