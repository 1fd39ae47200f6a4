// Array printing that matches numpy's repr (numpy 2.x defaults: precision 8, floatmode 'maxprec',
// linewidth 75, threshold 1000, edgeitems 3), then MXNet numpy mode's tweaks: float32 is the
// implied dtype, other non-bool dtypes get `dtype=...`, and non-cpu arrays get `ctx=gpu(0)`.

import { typedGet, type AnyTypedArray, type DType } from './dtype.ts';
import type { NDArray } from './ndarray-core.ts';
import { formatShape } from '../core/errors.ts';

const PRECISION = 8;
const LINE_WIDTH = 75;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;

type Formatter = (v: number) => string;

/**
 * x.toExponential(fd) with numpy's Dragon4 tie rule: an exact tie rounds to the even digit
 * (JS always rounds ties away from zero). x ≥ 0.
 */
function toExponentialEven(x: number, fd: number): string {
  const s = x.toExponential(fd);
  const [mant, e] = x.toExponential(Math.min(100, fd + 60)).split('e') as [string, string];
  const digits = mant.replace('.', '');
  const tail = digits.slice(fd + 1);
  if (tail[0] !== '5' || !/^50*$/.test(tail) || Number(digits[fd]) % 2 !== 0) return s;
  return `${digits[0]}${fd > 0 ? '.' : ''}${digits.slice(1, fd + 1)}e${e}`;
}

/** x.toFixed(fd) with the same round-half-even rule for exact ties. x ≥ 0. */
function toFixedEven(x: number, fd: number): string {
  const s = x.toFixed(fd);
  const exact = x.toFixed(Math.min(100, fd + 60));
  const cut = exact.indexOf('.') + 1 + fd;
  const tail = exact.slice(cut);
  if (tail[0] !== '5' || !/^50*$/.test(tail) || Number(exact[cut - 1]) % 2 !== 0) return s;
  return exact.slice(0, cut);
}

/** Shortest digits that round-trip (through float32 when f32): value = D[0].D[1..] × 10^exp. */
function shortestDigits(x: number, f32: boolean): { digits: string; exp: number } {
  let s = '';
  if (f32) {
    for (let p = 1; p <= 9; p++) {
      s = toExponentialEven(x, p - 1);
      if (Math.fround(Number(s)) === x) break;
    }
  } else {
    s = x.toExponential();
  }
  return splitExponential(s);
}

function splitExponential(s: string): { digits: string; exp: number } {
  const [mant, e] = s.split('e') as [string, string];
  return { digits: mant.replace('.', ''), exp: Number(e) };
}

function trimZeros(frac: string): string {
  let end = frac.length;
  while (end > 0 && frac[end - 1] === '0') end--;
  return frac.slice(0, end);
}

/** Positional [int, frac] parts (no sign), unique digits capped at PRECISION fractional digits. */
function positionalParts(x: number, f32: boolean): [string, string] {
  const ax = Math.abs(x);
  if (ax === 0) return ['0', ''];
  const { digits, exp } = shortestDigits(ax, f32);
  let int: string;
  let frac: string;
  if (exp >= 0) {
    // Past the unique digits numpy prints the value's exact integer digits (90030384., not 90030380.).
    int = digits.length > exp + 1 ? digits.slice(0, exp + 1) : BigInt(Math.trunc(ax)).toString();
    frac = digits.slice(exp + 1);
  } else {
    int = '0';
    frac = '0'.repeat(-exp - 1) + digits;
  }
  if (frac.length > PRECISION) {
    [int, frac] = toFixedEven(ax, PRECISION).split('.') as [string, string];
    frac = trimZeros(frac);
  }
  return [int, frac];
}

/** Scientific [mantissa int, mantissa frac, exponent] (no sign on the mantissa). */
function scientificParts(x: number, f32: boolean): [string, string, number] {
  const ax = Math.abs(x);
  if (ax === 0) return ['0', '', 0];
  let { digits, exp } = shortestDigits(ax, f32);
  if (digits.length > PRECISION + 1) {
    ({ digits, exp } = splitExponential(toExponentialEven(ax, PRECISION)));
    digits = digits[0]! + trimZeros(digits.slice(1));
  }
  return [digits[0]!, digits.slice(1), exp];
}

const isNeg = (x: number): boolean => x < 0 || Object.is(x, -0);

function floatFormatter(values: number[], f32: boolean): Formatter {
  const finite = values.filter(Number.isFinite);
  let exp = false;
  const absNonZero = finite.map(Math.abs).filter((v) => v !== 0);
  if (absNonZero.length) {
    let max = -Infinity;
    let min = Infinity;
    for (const v of absNonZero) {
      if (v > max) max = v;
      if (v < min) min = v;
    }
    // The chapter's numpy (< 2.3) switched to exponent notation from 1e8 for every float dtype.
    exp = max >= 1e8 || min < 0.0001 || max / min > 1000;
  }
  let padLeft = 0;
  let padRight = 0;
  let precision = 0;
  let expSize = 0;
  if (exp) {
    for (const v of finite) {
      const [i, f, e] = scientificParts(v, f32);
      padLeft = Math.max(padLeft, i.length + (isNeg(v) ? 1 : 0));
      precision = Math.max(precision, f.length);
      expSize = Math.max(expSize, Math.max(2, String(Math.abs(e)).length));
    }
    padRight = expSize + 2 + precision;
  } else {
    for (const v of finite) {
      const [i, f] = positionalParts(v, f32);
      padLeft = Math.max(padLeft, i.length + (isNeg(v) ? 1 : 0));
      padRight = Math.max(padRight, f.length);
    }
  }
  if (finite.length !== values.length) {
    const negInf = values.some((v) => v === -Infinity) ? 1 : 0;
    const offset = padRight + 1;
    padLeft = Math.max(padLeft, 3 - offset, 3 + negInf - offset);
  }
  return (v: number): string => {
    if (!Number.isFinite(v)) {
      const s = Number.isNaN(v) ? 'nan' : v < 0 ? '-inf' : 'inf';
      return ' '.repeat(Math.max(0, padLeft + padRight + 1 - s.length)) + s;
    }
    const sign = isNeg(v) ? '-' : '';
    if (exp) {
      // numpy's min_digits: extra digits are the value's own (rounded), not zero padding.
      let [i, f, e] = scientificParts(v, f32);
      if (f.length < precision && v !== 0) {
        ({ digits: i, exp: e } = splitExponential(toExponentialEven(Math.abs(v), precision)));
        [i, f] = [i[0]!, i.slice(1)];
      }
      const es = String(Math.abs(e)).padStart(expSize, '0');
      return `${(sign + i).padStart(padLeft)}.${f.padEnd(precision, '0')}e${e < 0 ? '-' : '+'}${es}`;
    }
    const [i, f] = positionalParts(v, f32);
    return `${(sign + i).padStart(padLeft)}.${f.padEnd(padRight)}`;
  };
}

function makeFormatter(dtype: DType, values: number[], zeroDim: boolean): Formatter {
  if (dtype === 'bool') {
    const t = zeroDim ? 'True' : ' True';
    return (v) => (v ? t : 'False');
  }
  if (dtype === 'float32' || dtype === 'float64') return floatFormatter(values, dtype === 'float32');
  let width = 0;
  for (const v of values) width = Math.max(width, String(v).length);
  return (v) => String(v).padStart(width);
}

/** The element values numpy's formatter sees (only the edges when summarising). */
function formatterValues(t: AnyTypedArray, shape: readonly number[], summarize: boolean): number[] {
  if (!summarize) {
    const out = new Array<number>(t.length);
    for (let i = 0; i < t.length; i++) out[i] = typedGet(t, i);
    return out;
  }
  const out: number[] = [];
  const strides: number[] = [];
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= shape[i]!;
  }
  const walk = (axis: number, base: number): void => {
    if (axis === shape.length) {
      out.push(typedGet(t, base));
      return;
    }
    const n = shape[axis]!;
    for (let i = 0; i < n; i++) {
      if (n > 2 * EDGE_ITEMS && i === EDGE_ITEMS) i = n - EDGE_ITEMS;
      walk(axis + 1, base + i * strides[axis]!);
    }
  };
  walk(0, 0);
  return out;
}

/** numpy's _formatArray: nested brackets, hanging indents, line wrapping and '...' summaries. */
function formatNested(t: AnyTypedArray, shape: readonly number[], fmt: Formatter, summarize: boolean): string {
  const nd = shape.length;
  const strides: number[] = [];
  let acc = 1;
  for (let i = nd - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= shape[i]!;
  }
  const sep = ', ';
  const recurse = (axis: number, base: number, hanging: string, width: number): string => {
    if (axis === nd) return fmt(typedGet(t, base));
    const nextHanging = hanging + ' ';
    const nextWidth = width - 1;
    const n = shape[axis]!;
    const showSummary = summarize && 2 * EDGE_ITEMS < n;
    const leading = showSummary ? EDGE_ITEMS : 0;
    const trailing = showSummary ? EDGE_ITEMS : n;
    const item = (i: number): string => recurse(axis + 1, base + i * strides[axis]!, nextHanging, nextWidth);
    let s = '';
    if (nd - axis === 1) {
      const elemWidth = width - 1;
      let line = hanging;
      const extend = (word: string): void => {
        if (line.length + word.length > elemWidth && line.length > hanging.length) {
          s += line.trimEnd() + '\n';
          line = hanging;
        }
        line += word;
      };
      for (let i = 0; i < leading; i++) {
        extend(item(i));
        line += sep;
      }
      if (showSummary) {
        extend('...');
        line += sep;
      }
      for (let i = trailing; i > 1; i--) {
        extend(item(n - i));
        line += sep;
      }
      extend(item(n - 1));
      s += line;
    } else {
      const lineSep = ',' + '\n'.repeat(nd - axis - 1);
      for (let i = 0; i < leading; i++) s += hanging + item(i) + lineSep;
      if (showSummary) s += hanging + '...' + lineSep;
      for (let i = trailing; i > 1; i--) s += hanging + item(n - i) + lineSep;
      s += hanging + item(n - 1);
    }
    return '[' + s.slice(hanging.length) + ']';
  };
  return recurse(0, 0, ' '.repeat('array('.length + 1), LINE_WIDTH - 1);
}

const pyTuple = formatShape;

/** numpy's repr text of an array with this dtype name as numpy spells it. */
function numpyRepr(x: NDArray): string {
  const prefix = 'array(';
  const t = x.toTyped();
  const summarize = x.size > THRESHOLD;
  let body: string;
  if (x.size === 0) {
    body = '[]';
  } else {
    const fmt = makeFormatter(x.dtype, formatterValues(t, x.shape, summarize), x.ndim === 0);
    body = formatNested(t, x.shape, fmt, summarize);
  }
  const extras: string[] = [];
  // numpy >= 2.2 also appends shape= to summarized arrays; MXNet 1.x (the chapter) did not.
  if (x.size === 0 && !(x.ndim === 1 && x.shape[0] === 0)) extras.push(`shape=${pyTuple(x.shape)}`);
  const implied = x.dtype === 'float64' || x.dtype === 'int64' || x.dtype === 'bool';
  if (!implied || x.size === 0) extras.push(`dtype=${x.dtype}`);
  if (!extras.length) return `${prefix}${body})`;
  const arrStr = `${prefix}${body},`;
  const extraStr = extras.join(', ') + ')';
  const lastLineLen = arrStr.length - (arrStr.lastIndexOf('\n') + 1);
  const spacer = lastLineLen + extraStr.length + 1 > LINE_WIDTH ? '\n' + ' '.repeat(prefix.length) : ' ';
  return arrStr + spacer + extraStr;
}

/** MXNet numpy-mode repr (python/mxnet/numpy/multiarray.py ndarray.__repr__). */
export function formatArray(x: NDArray): string {
  let s = numpyRepr(x);
  if (s.includes('dtype=')) {
    if (x.dtype === 'float32') s = s.slice(0, s.lastIndexOf(',')) + ')';
  } else if (x.dtype !== 'float32' && x.dtype !== 'bool') {
    s = `${s.slice(0, -1)}, dtype=${x.dtype})`;
  }
  if (x.device.type !== 'cpu') s = `${s.slice(0, -1)}, ctx=${x.device})`;
  return s;
}
