// What the sequence helper kinds share: a validated axis (negative counts from the end) and the
// rule that names the layer when the input has too few axes. SequenceLast, SequenceMean and
// Slice each live in their own file.

import { pyTuple } from '../model-errors.ts';
import type { ShapeLike } from './layer-spec.ts';

/** The axis as a non-negative index into x, or a message stating the rule. */
export function sequenceAxis(kind: string, axis: number, x: ShapeLike): number {
  const a = axis < 0 ? axis + x.length : axis;
  if (!Number.isInteger(axis) || a < 0 || a >= x.length) {
    throw new Error(`${kind}'s axis ${String(axis)} is out of range for an input of shape ${pyTuple(x.map((d) => (d < 0 ? -1 : d)))}`);
  }
  return a;
}

/** x without axis a. */
export const dropAxis = (x: ShapeLike, a: number): number[] => x.filter((_, i) => i !== a);
