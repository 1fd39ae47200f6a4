// Shapes and counts as the chapter prints them: (2, 256), (10,), 1,234 parameters. Pure.

/** Python's tuple repr of a shape: `(2, 256)`, `(10,)`, `()`. */
export function shapeText(shape: readonly number[] | null | undefined): string {
  if (!shape) return '?';
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/** `12,906 params` with grouping; `no params` for zero. */
export function paramCountText(count: number | undefined): string {
  if (count === undefined) return '';
  if (count === 0) return 'no params';
  if (count < 0) return '? params';
  return `${count.toLocaleString('en-US')} param${count === 1 ? '' : 's'}`;
}

/** Parses `2x20`, `2×20`, `2, 20`, `(2, 20)` or `-1 20` into dims; null when it is not a shape. */
export function parseShape(text: string): number[] | null {
  const parts = text
    .replace(/[()[\]]/g, ' ')
    .split(/[\s,x×*]+/)
    .filter((p) => p.length > 0);
  if (parts.length === 0) return null;
  const dims = parts.map((p) => (/^-?\d+$/.test(p) ? Number(p) : Number.NaN));
  return dims.every((d) => Number.isInteger(d) && (d === -1 || d > 0)) ? dims : null;
}

/** What the input field shows: `2×20`. */
export function shapeInputText(shape: readonly number[]): string {
  return shape.join('×');
}
