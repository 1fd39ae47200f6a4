// Every size limit of the engine and its hosts, in one place: what a message, a document, an
// expansion, a nesting, a file or a model may reach before it is refused with a coded error. The
// defaults fit a desktop; each can be raised with an environment variable (docs/service.md,
// "Limits"). Pure (no Node imports), so the web host, the engine and the tests read the same values.

export interface Limits {
  /** Largest WebSocket message from an authenticated client (inline tensors included). */
  maxMessageBytes: number;
  /** Largest message read before the token is checked: a hello is a few hundred bytes. */
  maxHelloBytes: number;
  /** Deepest JSON nesting a request's params (or a document's attribute) may have. */
  maxJsonDepth: number;
  /** Deepest chain of block definitions using one another. */
  maxBlockDepth: number;
  /** Most layers a document may expand to (Repeat copies and block instances counted out). */
  maxExpandedLayers: number;
  /** Bytes a model may take in parameters plus one forward's activations, at the document's batch. */
  memoryBudgetBytes: number;
  /** Bytes of the arrays shape inference runs a Code block on (its inputs and parameters), at each edit. */
  maxTraceBytes: number;
  /** Most bytes an array file may decode to when the caller has no better bound. */
  maxDecodedBytes: number;
  /** Most bytes of parameters kept per session for restoring after an engine restart. */
  maxCheckpointBytes: number;
}

const MiB = 2 ** 20;
const GiB = 2 ** 30;

export const DEFAULT_LIMITS: Readonly<Limits> = {
  maxMessageBytes: 64 * MiB,
  maxHelloBytes: 4096,
  maxJsonDepth: 256,
  maxBlockDepth: 64,
  maxExpandedLayers: 100_000,
  memoryBudgetBytes: 8 * GiB,
  maxTraceBytes: 256 * MiB,
  maxDecodedBytes: GiB,
  maxCheckpointBytes: 2 * GiB,
};

/** The environment variable that raises each limit (a plain number; bytes take a MB/GB suffix). */
export const LIMIT_ENV: Readonly<Record<keyof Limits, string>> = {
  maxMessageBytes: 'BLOCKSMITH_MAX_MESSAGE',
  maxHelloBytes: 'BLOCKSMITH_MAX_HELLO',
  maxJsonDepth: 'BLOCKSMITH_MAX_JSON_DEPTH',
  maxBlockDepth: 'BLOCKSMITH_MAX_BLOCK_DEPTH',
  maxExpandedLayers: 'BLOCKSMITH_MAX_LAYERS',
  memoryBudgetBytes: 'BLOCKSMITH_MEMORY_BUDGET',
  maxTraceBytes: 'BLOCKSMITH_MAX_TRACE',
  maxDecodedBytes: 'BLOCKSMITH_MAX_DECODED',
  maxCheckpointBytes: 'BLOCKSMITH_MAX_CHECKPOINT',
};

/** "512MB", "8GB", "1e9", "100000" → a number; anything else → undefined. */
export function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*(k|kb|m|mb|g|gb|kib|mib|gib)?\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = (m[2] ?? '').toLowerCase();
  const scale = unit.startsWith('k') ? 2 ** 10 : unit.startsWith('m') ? MiB : unit.startsWith('g') ? GiB : 1;
  const v = Math.floor(Number(m[1]) * scale);
  return Number.isSafeInteger(v) && v > 0 ? v : undefined;
}

/** The limits in force: the defaults, raised (or lowered) by the environment variables. */
export function currentLimits(env: Record<string, string | undefined> | undefined = processEnv()): Limits {
  const out = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(LIMIT_ENV) as (keyof Limits)[]) {
    const v = parseLimit(env?.[LIMIT_ENV[key]]);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

function processEnv(): Record<string, string | undefined> | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
}

/** Bytes as a person reads them: "62.0 GB", "512 MB", "120 bytes". */
export function formatBytes(n: number): string {
  if (n >= GiB) return `${(n / GiB).toFixed(1)} GB`;
  if (n >= MiB) return `${(n / MiB).toFixed(1)} MB`;
  return `${n} bytes`;
}

/**
 * True when a JSON-shaped value nests deeper than `max` arrays/objects. Iterative, so a value
 * nested 100 000 deep is measured without overflowing the stack (JSON.stringify would).
 */
export function jsonDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  let seen = 0;
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > max) return true;
    // A cap on visits keeps this linear in the value's size even for shared subtrees.
    if (++seen > 10_000_000) return false;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}
