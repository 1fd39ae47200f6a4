// A strict parser for the .npy header: the repr of a Python dict with exactly the keys 'descr'
// (a string), 'fortran_order' (True/False) and 'shape' (a tuple of ints). numpy evaluates it
// with ast.literal_eval; we accept only the literals numpy itself writes, so nothing else runs.
import { IoError, type IoPlace } from './io-error';
import { MAX_NDIM } from './host-tensor';

export interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

type Value = string | boolean | number[] | number;

export function parseNpyHeader(text: string, place: IoPlace): NpyHeader {
  const base = place.offset ?? 0;
  let i = 0;
  const fail = (detail: string): never => {
    throw new IoError('E_FILE_FORMAT', { ...place, offset: base + i }, `header ${detail} in ${JSON.stringify(text.trim().slice(0, 200))}`);
  };
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const eat = (c: string): boolean => {
    ws();
    if (text[i] === c) {
      i++;
      return true;
    }
    return false;
  };
  const expect = (c: string): void => {
    if (!eat(c)) fail(`expected '${c}'`);
  };

  const str = (): string => {
    ws();
    const q = text[i];
    if (q !== "'" && q !== '"') fail('expected a string');
    const end = text.indexOf(q!, i + 1);
    if (end < 0) fail('has an unterminated string');
    const s = text.slice(i + 1, end);
    if (s.includes('\\')) fail('has an escape sequence in a string'); // numpy's keys and descrs have none
    i = end + 1;
    return s;
  };
  const int = (): number => {
    ws();
    const m = /^\d+L?/.exec(text.slice(i, i + 40)); // 'L': Python 2 longs, which numpy also accepts
    if (!m) fail('expected a non-negative integer');
    const v = Number(m![0].replace('L', ''));
    if (!Number.isSafeInteger(v)) fail(`has dimension ${m![0]}, which is too large`);
    i += m![0].length;
    return v;
  };
  const tuple = (): number[] => {
    const out: number[] = [];
    if (eat(')')) return out;
    for (;;) {
      out.push(int());
      if (out.length > MAX_NDIM) fail(`has more than ${MAX_NDIM} dimensions`);
      const comma = eat(',');
      if (eat(')')) {
        if (out.length === 1 && !comma) fail("has '(n)', which is not a tuple");
        return out;
      }
      if (!comma) fail("expected ',' or ')' in the shape");
    }
  };
  const value = (): Value => {
    ws();
    if (text[i] === "'" || text[i] === '"') return str();
    if (text[i] === '(') {
      i++;
      return tuple();
    }
    if (text.startsWith('True', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('False', i)) {
      i += 5;
      return false;
    }
    if (text[i] === '[') fail('has a list descr (structured dtypes are not supported)');
    return fail('has a value that is not a string, bool or tuple');
  };

  const d = new Map<string, Value>();
  expect('{');
  while (!eat('}')) {
    const key = str();
    if (d.has(key)) fail(`repeats the key '${key}'`);
    expect(':');
    d.set(key, value());
    if (!eat(',')) {
      expect('}');
      break;
    }
  }
  ws();
  if (i !== text.length) fail('has text after the closing brace');
  const keys = [...d.keys()].sort().join(', ');
  if (keys !== 'descr, fortran_order, shape') {
    i = 0;
    fail(`has keys [${keys}], expected [descr, fortran_order, shape]`);
  }
  const descr = d.get('descr'),
    fortran = d.get('fortran_order'),
    shape = d.get('shape');
  i = 0;
  if (typeof descr !== 'string') fail("'descr' is not a string");
  if (typeof fortran !== 'boolean') fail("'fortran_order' is not True or False");
  if (!Array.isArray(shape)) fail("'shape' is not a tuple");
  return { descr: descr as string, fortranOrder: fortran as boolean, shape: shape as number[] };
}
