// The Training tab's data-source fields (React-free): which data kinds there are, the form fields
// that describe one, and the startTraining data source they make — a built-in set, a CSV / array
// file with its columns, or a UTF-8 text (windows of N characters for a character language model).
import type { TrainingConfigInput } from '../../engine/protocol/service-api.ts';

export type DataKind = 'mnist' | 'spirals' | 'linear' | 'csv' | 'arrays' | 'text';

export const DATA_KINDS: readonly DataKind[] = ['mnist', 'spirals', 'linear', 'csv', 'arrays', 'text'];
/** What the data select shows for each kind. */
export const DATA_KIND_LABELS: Record<DataKind, string> = {
  mnist: 'mnist',
  spirals: 'spirals',
  linear: 'linear',
  csv: 'CSV file',
  arrays: '.npy / .npz file',
  text: 'text file',
};

/** The form fields that say where the samples come from. */
export interface DataFormFields {
  data: DataKind;
  /** MNIST: how many of the 10,000 digits to use (empty: all). */
  limit: string;
  /** Text: the window length in characters (empty: the document's input length). */
  textWindow: string;
  /** CSV / .npy / .npz / text: the file, as the engine sees it (a relative path is resolved against its directory). */
  dataPath: string;
  /** CSV: the label column (header name or 0-based index); .npz: the labels array; .npy: the label column index. Empty: the default. */
  labelColumn: string;
  /** CSV: feature columns, comma-separated names or indices; .npz: the features array. Empty: the default. */
  featureColumns: string;
}

/** Thrown inside buildConfig for the first bad field; its message names the field as the form labels it. */
export class FieldError extends Error {}

export function num(text: string, field: string, check: (v: number) => boolean, rule: string): number {
  const v = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(v) || !check(v)) throw new FieldError(`${field} must be ${rule}`);
  return v;
}

export const posInt = (v: number) => Number.isInteger(v) && v >= 1;

/** The data source of the form: built-in sets, or a CSV / array file with its columns. */
export function dataSource(form: DataFormFields): TrainingConfigInput['data'] {
  switch (form.data) {
    case 'mnist':
      return form.limit.trim() === ''
        ? { kind: 'mnist' }
        : { kind: 'mnist', limit: num(form.limit, 'samples', (v) => Number.isInteger(v) && v >= 10, 'a whole number ≥ 10') };
    case 'spirals':
    case 'linear':
      return { kind: form.data };
    case 'text': {
      const path = form.dataPath.trim();
      if (path === '') throw new FieldError('text file: enter the path of a UTF-8 text file (as the engine sees it)');
      const window =
        form.textWindow.trim() === '' ? undefined : num(form.textWindow, 'window', (v) => posInt(v) && v <= 4096, 'a whole number of characters in 1 … 4096');
      return { kind: 'text', path, ...(window !== undefined ? { window } : {}) };
    }
    case 'csv':
    case 'arrays': {
      const path = form.dataPath.trim();
      if (path === '')
        throw new FieldError(`data file: enter the path of ${form.data === 'csv' ? 'a .csv file' : 'an .npy or .npz file'} (as the engine sees it)`);
      if (form.data === 'arrays' && !/\.np[yz]$/i.test(path)) throw new FieldError('data file: an array data file ends in .npy or .npz');
      const label = form.labelColumn.trim();
      // Names and indices both travel as text: the engine reads "3" as column 3 unless a header says "3".
      if (form.data === 'csv') {
        const features = form.featureColumns.split(',').map((f) => f.trim());
        const given = form.featureColumns.trim() !== '';
        if (given && features.some((f) => f === ''))
          throw new FieldError('feature columns: an empty name between commas; list names or 0-based indices, e.g. x1, x2');
        if (given && label !== '' && features.includes(label)) throw new FieldError(`feature columns: '${label}' is the label column`);
        return { kind: 'csv', path, ...(label ? { label } : {}), ...(given ? { features } : {}) };
      }
      const npy = /\.npy$/i.test(path);
      if (npy && label !== '' && !/^-?\d+$/.test(label)) throw new FieldError('label: in a .npy matrix the label is a column index (e.g. -1, the last)');
      if (npy && form.featureColumns.trim() !== '')
        throw new FieldError('features: a .npy matrix has no named arrays; leave features empty (every column but the label)');
      const features = form.featureColumns.trim();
      if (features.includes(',')) throw new FieldError('features: name one array of the .npz file (e.g. x)');
      return { kind: 'arrays', path, ...(label ? { label: npy ? Number(label) : label } : {}), ...(features ? { features } : {}) };
    }
  }
}

/** The feature columns typed in ("x1, x2"), as a list without blanks. */
export function featureList(text: string): string[] {
  return text
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
}

/** The feature text with `column` added (at the end) or, when it is there, removed. */
export function toggleFeature(text: string, column: string): string {
  const list = featureList(text);
  return (list.includes(column) ? list.filter((f) => f !== column) : [...list, column]).join(', ');
}
