// Text the CLI prints: shapes as Python tuples (the chapter's "(32, 20)" and "(10,)"), aligned
// tables, and arrays in numpy's nested-bracket style with long axes elided.
import { formatShape } from '../core/errors.ts';
import type { ProblemInfo, TensorOutput, WireNumber } from '../protocol/service-api.ts';

export function pyShape(shape: readonly number[] | null): string {
  return shape === null ? 'None' : formatShape(shape);
}

export function table(rows: readonly (readonly string[])[], indent = '  '): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}

function number(v: WireNumber | undefined): string {
  if (v === undefined) return '?';
  if (typeof v === 'string') return v === 'NaN' ? 'nan' : v === 'Infinity' ? 'inf' : '-inf';
  return Number.isInteger(v) ? `${v}.` : v.toPrecision(6).replace(/0+$/, '').replace(/\.$/, '.');
}

/** numpy-like text for the values the engine sent (elided beyond `edge` items per axis). */
export function formatArray(t: TensorOutput, edge = 3): string {
  const strides = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const render = (axis: number, offset: number, depth: number): string => {
    if (axis === t.shape.length) return number(t.data[offset]);
    const n = t.shape[axis]!;
    const picks = n > 2 * edge ? [...Array(edge).keys(), -1, ...Array.from({ length: edge }, (_, i) => n - edge + i)] : [...Array(n).keys()];
    const parts = picks.map((i) => (i < 0 ? '...' : render(axis + 1, offset + i * strides[axis]!, depth + 1)));
    const sep = axis === t.shape.length - 1 ? ', ' : `,\n${' '.repeat(depth + 1)}`;
    return `[${parts.join(sep)}]`;
  };
  const body = render(0, 0, 'array('.length);
  return `array(${body})${t.truncated ? '  (values truncated)' : ''}`;
}

export function describeProblem(p: ProblemInfo): string {
  const place = [
    p.blockId && `block ${p.blockId}`,
    p.nodeId && `node ${p.nodeId}`,
    p.port && `port ${p.port}`,
    p.param && `param ${p.param}`,
    p.path && `at ${Array.isArray(p.path) ? p.path.join('.') : p.path}`,
  ]
    .filter(Boolean)
    .join(', ');
  return `${p.severity} ${p.code}${place ? ` (${place})` : ''}: ${p.message}`;
}
