// The engine API a code block may call, run on the engine thread for the sandbox: an allowlist of
// np / npx functions and NDArray methods (nothing that reads or writes files, changes devices or
// the random seed), arguments decoded from JSON (arrays travel as handles into this call's table),
// and a size check before each operation so one call cannot allocate more than its budget.

import { NDArray } from '../ndarray/ndarray.ts';
import { np } from '../ndarray/np.ts';
import { npx } from '../ndarray/npx.ts';
import { CODE_METHODS, CODE_NP, CODE_NP_RANDOM, CODE_NPX } from '../protocol/code-api.ts';

const NP: readonly string[] = CODE_NP;
const NP_RANDOM: readonly string[] = CODE_NP_RANDOM;
const NPX: readonly string[] = CODE_NPX;
const METHODS: readonly string[] = CODE_METHODS;

type Fn = (...args: unknown[]) => unknown;
const table = (ns: object, names: readonly string[]): Map<string, Fn> =>
  new Map(names.filter((n) => typeof (ns as Record<string, unknown>)[n] === 'function').map((n) => [n, (ns as Record<string, Fn>)[n]!]));
const FUNCTIONS: Readonly<Record<string, Map<string, Fn>>> = {
  np: table(np, NP),
  'np.random': table(np.random, NP_RANDOM),
  npx: table(npx, NPX),
};
const METHOD_SET = new Set(METHODS.filter((m) => typeof (NDArray.prototype as unknown as Record<string, unknown>)[m] === 'function'));

/** The names the sandbox's prelude builds wrappers for (the functions that exist in this engine). */
export const API_NAMES = {
  methods: [...METHOD_SET],
  np: [...FUNCTIONS.np!.keys()],
  npRandom: [...FUNCTIONS['np.random']!.keys()],
  npx: [...FUNCTIONS.npx!.keys()],
};

/** One sandbox call's arrays (handles are indexes) and what it may still allocate, in elements. */
export class CallTable {
  readonly arrays: NDArray[] = [];
  /** Set while exporting: every call is also written as ONNX nodes (onnx-trace.ts). */
  tracer: { record(req: ApiRequest, target: NDArray | null, args: unknown[], result: unknown): void } | null = null;
  constructor(public budget: number) {}
  add(x: NDArray): { $nd: number; shape: number[]; dtype: string } {
    this.arrays.push(x);
    return { $nd: this.arrays.length - 1, shape: [...x.shape], dtype: x.dtype };
  }
}

export interface ApiRequest {
  op: string;
  name: string;
  target?: number;
  args?: unknown;
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * Math.max(b, 0), 1);

/** An upper bound on the elements an operation makes, from its arguments, before it runs. */
function estimate(name: string, args: unknown[], target: NDArray | null): number {
  const arrays: NDArray[] = target ? [target] : [];
  let explicit = 0;
  const walk = (v: unknown): void => {
    if (v instanceof NDArray) arrays.push(v);
    else if (Array.isArray(v)) {
      if (v.length > 0 && v.every((d) => typeof d === 'number')) explicit = Math.max(explicit, size(v as number[]));
      v.forEach(walk);
    } else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  args.forEach(walk);
  if (name === 'arange') {
    const [a, b, step] = args.map(Number);
    explicit = Math.abs(((b === undefined || Number.isNaN(b) ? a! : b - a!) || 0) / (step || 1));
  }
  if (name === 'eye') explicit = Math.abs(Number(args[0]) || 0) * Math.abs(Number(args[1] ?? args[0]) || 0);
  const rank = Math.max(0, ...arrays.map((a) => a.shape.length));
  let broadcast = 1;
  for (let i = 1; i <= rank; i++) broadcast *= Math.max(1, ...arrays.map((a) => a.shape[a.shape.length - i] ?? 1));
  const total = arrays.reduce((s, a) => s + a.size, 0);
  // dot / matmul / linear: at most every row of one side times every column of the other.
  const pairwise = arrays.length >= 2 ? arrays[0]!.size * arrays[1]!.size : 0;
  const product = /dot|matmul|linear|fullyConnected/.test(name) ? pairwise : 0;
  return Math.max(explicit, broadcast, total, product);
}

function decode(v: unknown, t: CallTable, depth = 0): unknown {
  if (depth > 10) throw new Error('arguments nest too deeply');
  if (Array.isArray(v)) return v.map((x) => decode(x, t, depth + 1));
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('$u' in o) return undefined;
    if ('$nd' in o) {
      const x = t.arrays[Number(o.$nd)];
      if (!x) throw new Error('an array from another call cannot be used here');
      return x;
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decode(x, t, depth + 1)]));
  }
  return v;
}

function encode(v: unknown, t: CallTable): unknown {
  if (v instanceof NDArray) {
    if (v.size > t.budget) throw new Error(`the call's memory budget is spent (an array of ${v.size} elements)`);
    t.budget -= v.size;
    return t.add(v);
  }
  if (Array.isArray(v)) return v.map((x) => encode(x, t));
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string' || v === null) return v;
  if (typeof v === 'bigint') return Number(v);
  throw new Error('the operation returned something a code block cannot hold');
}

/** Runs one request from the sandbox; throws an Error whose message goes back to the code. */
export function runApi(req: ApiRequest, t: CallTable): unknown {
  const args = (Array.isArray(req.args) ? decode(req.args, t) : []) as unknown[];
  const target = req.target === undefined ? null : (t.arrays[req.target] ?? null);
  if (req.target !== undefined && !target) throw new Error('an array from another call cannot be used here');
  const need = estimate(req.name, args, target);
  if (need > t.budget) {
    throw new Error(`${req.name} would make about ${need} elements, more than the ${t.budget} this call may still allocate`);
  }
  let result: unknown;
  if (req.op === 'get' && req.name === 'T') result = target!.T;
  else if (req.op === 'method') {
    if (!METHOD_SET.has(req.name)) throw new Error(`NDArray.${req.name} is not available to code blocks`);
    result = (target as unknown as Record<string, Fn>)[req.name]!.apply(target, args);
  } else {
    const fn = FUNCTIONS[req.op]?.get(req.name);
    if (!fn) throw new Error(`${req.op}.${req.name} is not available to code blocks`);
    result = fn(...args);
  }
  t.tracer?.record(req, target, args, result);
  return encode(result, t);
}
