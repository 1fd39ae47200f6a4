// Mixed: the first pattern that matches the parameter's name (Python re.match: anchored at the
// start only) picks the initializer. Unlike MXNet's, it is an Initializer, so Block.initialize
// and documents accept it.

import type { NDArray } from '../ndarray/ndarray.ts';
import { initError } from '../core/model-error.ts';
import { Initializer } from './initializer.ts';
import { createInitializer, type InitSpec } from './init-table.ts';

export class Mixed extends Initializer {
  private readonly rules: { pattern: RegExp; init: Initializer }[];

  constructor(patterns: readonly string[], inits: readonly InitSpec[]) {
    super('mixed', { patterns: [...patterns], inits: inits.map((i) => (i instanceof Initializer ? i.toSpec() : i)) });
    if (patterns.length !== inits.length) {
      throw initError(`Mixed needs one initializer per pattern: got ${patterns.length} patterns and ${inits.length} initializers.`);
    }
    this.rules = patterns.map((p, i) => ({ pattern: new RegExp(`^(?:${p})`), init: createInitializer(inits[i]!) }));
  }

  override initWeight(name: string, arr: NDArray): void {
    const rule = this.rules.find((r) => r.pattern.test(name));
    if (!rule) {
      throw initError(
        `Parameter name '${name}' did not match any pattern of Mixed ` +
          `(${this.rules.map((r) => r.pattern.source).join(', ')}). Add a catch-all pattern '.*' at the end.`,
      );
    }
    rule.init.initWeight(name, arr);
  }
}
