// The tensor view's pure logic: which 2-D plane of an array is shown (the last two axes; a 1-D
// array as a column; leading axes picked by index), the parameterValues slices for the heatmap and
// for one page of the values table, the element index an edited cell names, parsing an edited
// value, and the heatmap's colours. No React, so it is unit-tested under node.
import type { DTypeName, WireNumber } from '../../engine/protocol/service-api.ts';

export const PAGE_ROWS = 20;
export const PAGE_COLS = 10;
/** The heatmap shows at most this many values of a plane (the first rows that fit). */
export const HEATMAP_MAX_VALUES = 16384;

export interface AxisRange {
  start?: number;
  stop?: number;
}

export interface Plane {
  rows: number;
  cols: number;
  /** The sizes of the axes before the plane (picked by index): rank − 2 of them. */
  leading: number[];
}

/** The plane of a shape: 2-D and up its last two axes, 1-D a column, a scalar one cell. */
export function planeOf(shape: readonly number[]): Plane {
  if (shape.length === 0) return { rows: 1, cols: 1, leading: [] };
  if (shape.length === 1) return { rows: shape[0]!, cols: 1, leading: [] };
  return { rows: shape[shape.length - 2]!, cols: shape[shape.length - 1]!, leading: shape.slice(0, -2) };
}

/** Keeps picked leading indices inside their axes (a new parameter may be smaller). */
export function clampLeading(plane: Plane, picked: readonly number[]): number[] {
  return plane.leading.map((n, i) => Math.max(0, Math.min(n - 1, Math.trunc(picked[i] ?? 0))));
}

/** parameterValues' slice for rows [r0, r1) × cols [c0, c1) of the plane at the leading indices. */
export function sliceFor(shape: readonly number[], leading: readonly number[], rows: [number, number], cols: [number, number]): AxisRange[] {
  if (shape.length === 0) return [];
  if (shape.length === 1) return [{ start: rows[0], stop: rows[1] }];
  return [...leading.map((i) => ({ start: i, stop: i + 1 })), { start: rows[0], stop: rows[1] }, { start: cols[0], stop: cols[1] }];
}

/** The element index (setParameter's `index`) of the plane's cell (r, c). */
export function elementIndex(shape: readonly number[], leading: readonly number[], r: number, c: number): number[] {
  if (shape.length === 0) return [];
  if (shape.length === 1) return [r];
  return [...leading, r, c];
}

/** The heatmap's rows: as many whole rows as fit in HEATMAP_MAX_VALUES. */
export function heatmapRows(plane: Plane): number {
  return Math.max(1, Math.min(plane.rows, Math.floor(HEATMAP_MAX_VALUES / Math.max(1, plane.cols))));
}

export interface Page {
  row: number;
  col: number;
}

export function pageCount(size: number, per: number): number {
  return Math.max(1, Math.ceil(size / per));
}

/** The half-open row and column ranges of a page. */
export function pageRanges(plane: Plane, page: Page): { rows: [number, number]; cols: [number, number] } {
  const r0 = Math.min(page.row * PAGE_ROWS, Math.max(0, plane.rows - 1));
  const c0 = Math.min(page.col * PAGE_COLS, Math.max(0, plane.cols - 1));
  return { rows: [r0, Math.min(plane.rows, r0 + PAGE_ROWS)], cols: [c0, Math.min(plane.cols, c0 + PAGE_COLS)] };
}

export type ParsedValue = { ok: true; value: number } | { ok: false; error: string };

/** An edited cell's text as a value of the parameter's dtype, or what is wrong with it. */
export function parseValue(text: string, dtype: DTypeName): ParsedValue {
  const t = text.trim();
  const v = t === '' ? NaN : Number(t);
  if (!Number.isFinite(v)) return { ok: false, error: `'${text}' is not a finite number` };
  if (dtype !== 'float32' && dtype !== 'float64' && !Number.isInteger(v)) return { ok: false, error: `${dtype} needs a whole number, not ${t}` };
  if (dtype === 'bool' && v !== 0 && v !== 1) return { ok: false, error: 'bool takes 0 or 1' };
  return { ok: true, value: v };
}

export function toNumber(v: WireNumber): number {
  return typeof v === 'number' ? v : v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : -Infinity;
}

/** A value for a table cell: 4 significant digits for fractions, integers as they are. */
export function formatValue(v: WireNumber): string {
  if (typeof v !== 'number') return v;
  if (Number.isInteger(v) && Math.abs(v) < 1e7) return String(v);
  return v.toPrecision(4);
}

/** Finite min and max of values (0, 0 when there is none). */
export function valueRange(values: readonly WireNumber[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const w of values) {
    const v = toNumber(w);
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min === Infinity ? { min: 0, max: 0 } : { min, max };
}

export type Rgb = [number, number, number];

const NEGATIVE: Rgb = [49, 99, 206];
const ZERO: Rgb = [246, 246, 246];
const POSITIVE: Rgb = [214, 60, 52];
const LOW: Rgb = [250, 240, 200];
const HIGH: Rgb = [120, 30, 110];
const NON_FINITE: Rgb = [0, 0, 0];

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [0, 1, 2].map((i) => Math.round(a[i]! + (b[i]! - a[i]!) * t)) as Rgb;

/**
 * A value's colour: when the range spans 0, blue (negative) through white (0) to red (positive),
 * scaled by the larger magnitude so that 0 stays white and the two signs are comparable; otherwise
 * a light-to-dark ramp from min to max. Non-finite values are black.
 */
export function heatColor(v: number, min: number, max: number): Rgb {
  if (!Number.isFinite(v)) return NON_FINITE;
  if (min < 0 && max > 0) {
    const scale = Math.max(-min, max);
    return v < 0 ? mix(ZERO, NEGATIVE, Math.min(1, -v / scale)) : mix(ZERO, POSITIVE, Math.min(1, v / scale));
  }
  // One value everywhere: white when it is 0 (as in the diverging scale), else the ramp's middle.
  if (max === min) return v === 0 ? ZERO : mix(LOW, HIGH, 0.5);
  return mix(LOW, HIGH, Math.max(0, Math.min(1, (v - min) / (max - min))));
}

/** A tensor's values laid out as a plane for the heatmap: the last axis across, everything before it down. */
export function heatmapGrid(shape: readonly number[]): { rows: number; cols: number } {
  if (shape.length === 0) return { rows: 1, cols: 1 };
  if (shape.length === 1) return { rows: 1, cols: shape[0]! };
  const cols = shape[shape.length - 1]!;
  return { rows: shape.slice(0, -1).reduce((a, b) => a * b, 1), cols };
}
