// What a data file offers for training, without loading it as a data set: a CSV's columns (its
// header names, or indices when it has none) from its first line only, or an .npz's named arrays
// (an .npy's matrix shape). The editor lets a person pick the label and features from these.

import { openRegularFile, readArrayFileInfo } from '../../io/array-file.ts';
import { isHostTensor } from '../../io/host-tensor.ts';
import { looksLikeHeader, splitLine } from './csv.ts';
import { dataFileErrors, unreadableFile } from './data-errors.ts';

export interface DataFileInfo {
  format: 'csv' | 'npy' | 'npz';
  /** CSV: the header names, or '0', '1', ... without a header; .npy: column indices; .npz: none. */
  columns: string[];
  /** CSV: whether the first row is a header (the rule the import uses). */
  header: boolean;
  /** .npz: every array; .npy: the one matrix (named ''). */
  arrays: { name: string; shape: number[]; dtype: string }[];
}

/** Enough bytes for any sane header line; the rest of a large file is never read. */
const FIRST_LINE_BYTES = 1 << 20;

async function firstLine(path: string): Promise<string> {
  let fh;
  try {
    // A FIFO or a device is refused before a byte is read (it would block or never end).
    fh = await openRegularFile(path);
  } catch (e) {
    throw unreadableFile(path, e);
  }
  try {
    const buffer = Buffer.alloc(FIRST_LINE_BYTES);
    const { bytesRead } = await fh.read(buffer, 0, FIRST_LINE_BYTES, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    const line = text.split(/\r?\n/).find((l) => l.trim() !== '');
    if (line === undefined) throw dataFileErrors.empty(path);
    if (!/\r?\n/.test(text) && bytesRead === FIRST_LINE_BYTES) throw dataFileErrors.firstLineTooLong(path, FIRST_LINE_BYTES);
    return line;
  } finally {
    await fh.close();
  }
}

/** The columns or arrays of a CSV (`kind: 'csv'`) or an .npy / .npz file (`kind: 'arrays'`). */
export async function inspectDataFile(path: string, kind: 'csv' | 'arrays', options: { delimiter?: string } = {}): Promise<DataFileInfo> {
  if (kind === 'csv') {
    const cells = splitLine(await firstLine(path), options.delimiter ?? ',', 1, path);
    const header = looksLikeHeader(cells);
    return { format: 'csv', header, columns: header ? cells.map((c) => c.trim()) : cells.map((_, i) => String(i)), arrays: [] };
  }
  const { content } = await readArrayFileInfo(path);
  if (isHostTensor(content)) {
    const width = content.shape.length === 2 ? content.shape[1]! : 0;
    return {
      format: 'npy',
      header: false,
      columns: Array.from({ length: width }, (_, i) => String(i)),
      arrays: [{ name: '', shape: [...content.shape], dtype: content.dtype }],
    };
  }
  if (Array.isArray(content)) throw dataFileErrors.positionalArrays(path);
  return { format: 'npz', header: false, columns: [], arrays: Object.entries(content).map(([name, t]) => ({ name, shape: [...t.shape], dtype: t.dtype })) };
}
