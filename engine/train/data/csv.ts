// CSV import: one row per sample, a label column and feature columns chosen by header name or
// 0-based index. Errors name the 1-based line and column, so a person can jump to the bad cell.
// Quoted fields follow RFC 4180 ("a, b" and "" for a quote); a header is detected when the first
// row has a cell that is not a number, unless `header` says otherwise.

import { makeDataset, type Dataset, type Task } from './dataset.ts';
import { csvErrors, dataFileErrors } from './data-errors.ts';

export interface CsvOptions {
  /** The label column: a header name or a 0-based index (default: the last column). */
  label?: string | number;
  /** Feature columns (default: every column but the label). */
  features?: readonly (string | number)[];
  /** true / false, or 'auto' (default): a first row with a non-numeric cell is a header. */
  header?: boolean | 'auto';
  delimiter?: string;
  task?: Task;
  /** Names the file in errors. */
  source?: string;
}

/** Splits one line into cells (RFC 4180 quotes); `line` is 1-based, for errors. */
export function splitLine(text: string, delimiter: string, line: number, source: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
    } else {
      cell += ch;
    }
  }
  if (quoted) throw csvErrors.unclosedQuote(source, line, cells.length + 1);
  cells.push(cell);
  return cells;
}

const isNumber = (s: string): boolean => s.trim() !== '' && Number.isFinite(Number(s));

/** The header rule parseCsv applies: a first row with a cell that is not a number is a header. */
export function looksLikeHeader(cells: readonly string[]): boolean {
  return !cells.every(isNumber);
}

function resolveColumn(spec: string | number, header: string[] | null, width: number, source: string, role: string): number {
  if (typeof spec === 'number') {
    const i = spec < 0 ? width + spec : spec;
    if (!Number.isInteger(i) || i < 0 || i >= width) {
      throw csvErrors.columnRange(source, role, spec, width);
    }
    return i;
  }
  if (/^-?\d+$/.test(spec) && (!header || !header.includes(spec))) return resolveColumn(Number(spec), header, width, source, role);
  if (!header) throw csvErrors.columnNameWithoutHeader(source, role, spec);
  const i = header.indexOf(spec);
  if (i < 0) throw csvErrors.columnName(source, role, spec, header);
  return i;
}

/** Parses CSV text into a data set. */
export function parseCsv(text: string, options: CsvOptions = {}): Dataset {
  const source = options.source ?? 'csv';
  const delimiter = options.delimiter ?? ',';
  const lines = text.split(/\r?\n/);
  const rows: { cells: string[]; line: number }[] = [];
  lines.forEach((l, i) => {
    if (l.trim() !== '') rows.push({ cells: splitLine(l, delimiter, i + 1, source), line: i + 1 });
  });
  if (rows.length === 0) throw dataFileErrors.empty(source);
  const first = rows[0]!;
  const hasHeader = options.header === 'auto' || options.header === undefined ? looksLikeHeader(first.cells) : options.header;
  const header = hasHeader ? first.cells.map((c) => c.trim()) : null;
  const body = hasHeader ? rows.slice(1) : rows;
  if (body.length === 0) throw csvErrors.headerOnly(source);
  const width = first.cells.length;
  const labelCol = resolveColumn(options.label ?? -1, header, width, source, 'label');
  const featureCols = options.features
    ? options.features.map((f) => resolveColumn(f, header, width, source, 'feature'))
    : [...Array(width).keys()].filter((i) => i !== labelCol);
  if (featureCols.length === 0) throw csvErrors.noFeatures(source);
  if (featureCols.includes(labelCol)) throw csvErrors.featureIsLabel(source, header?.[labelCol] ?? labelCol);
  const features = new Float32Array(body.length * featureCols.length);
  const labels = new Float32Array(body.length);
  const read = (cells: string[], col: number, line: number): number => {
    const cell = cells[col]!;
    if (!isNumber(cell)) {
      const name = header ? ` ('${header[col]}')` : '';
      throw csvErrors.notANumber(source, cell, name, line, col + 1);
    }
    return Number(cell);
  };
  body.forEach(({ cells, line }, r) => {
    if (cells.length !== width) throw csvErrors.rowWidth(source, line, cells.length, width);
    featureCols.forEach((c, j) => {
      features[r * featureCols.length + j] = read(cells, c, line);
    });
    labels[r] = read(cells, labelCol, line);
  });
  return makeDataset({
    name: source,
    features,
    featureShape: [featureCols.length],
    labels,
    labelShape: [],
    ...(options.task ? { task: options.task } : {}),
  });
}
