// Block names in Gluon 1.x style (dense0_, sequential1_): per-hint counters kept in a NamingScope
// object. A script's default scope counts up for the whole process like MXNet's NameManager; a
// graph builder runs each document in a fresh scope so its names start at 0 again.

export class NamingScope {
  /** Prepended to every automatic prefix made here, like mx.name.Prefix('p_'): `p_dense0_`. */
  readonly prefix: string;
  private readonly counters = new Map<string, number>();

  constructor(prefix = '') {
    this.prefix = prefix;
  }

  /** The next automatic prefix for a hint: `dense` → `dense0_`, then `dense1_`, ... */
  next(hint: string): string {
    const n = this.counters.get(hint) ?? 0;
    this.counters.set(hint, n + 1);
    return `${this.prefix}${hint}${n}_`;
  }
}

// The one process-wide default, as MXNet's thread-local NameManager; withNamingScope swaps it.
const defaultScope = new NamingScope();
let active: NamingScope = defaultScope;

export function currentNamingScope(): NamingScope {
  return active;
}

/**
 * Runs fn with `scope` as the scope new blocks take their names from.
 * @example
 *   const net = withNamingScope(new NamingScope(), () => new Dense(10)); // dense0_, whatever ran before
 */
export function withNamingScope<T>(scope: NamingScope, fn: () => T): T {
  const prev = active;
  active = scope;
  try {
    return fn();
  } finally {
    active = prev;
  }
}
