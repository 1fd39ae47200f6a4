// Helpers shared by the model-layer tests: flat values, a recording initializer (the chapter's
// MyInit that prints "Init dense0_weight (256, 20)"), and a per-file naming scope.

import type { NDArray } from '../../../engine/index.ts';
import { Initializer, NamingScope, withNamingScope, pyTuple } from '../../../engine/index.ts';

export function flat(a: NDArray): number[] {
  return Array.from(a.toTyped() as Float32Array, Number);
}

/** Runs `fn` in `scope` so a test file sees the chapter's numbering (dense0_, dense1_, ...). */
export function inScope(scope: NamingScope): <T>(fn: () => T) => T {
  return (fn) => withNamingScope(scope, fn);
}

/** The chapter's logging MyInit (5.3.2): records "Init {name} {shape}" and leaves the array as is. */
export class LoggingInit extends Initializer {
  readonly log: string[] = [];
  constructor() {
    super('logginginit');
  }
  override initWeight(name: string, arr: NDArray): void {
    this.log.push(`Init ${name} ${pyTuple(arr.shape)}`);
  }
}

export function maxAbsDiff(a: NDArray, b: NDArray): number {
  const x = flat(a);
  const y = flat(b);
  if (x.length !== y.length) return Infinity;
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return m;
}

export function mean(v: readonly number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}

export function std(v: readonly number[]): number {
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
}
