// Seeded mutators for the fuzz suite: byte-level for the file readers, structure-level for graph
// documents and protocol messages. A seed reproduces a run exactly (the failure report prints it).

/** mulberry32: small, fast, good enough to pick mutations. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const int = (r: () => number, n: number): number => Math.floor(r() * n);

const INTERESTING_U32 = [0, 1, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 46, 22, 30];

/** One to four byte-level mutations: flips, interesting values, truncation, duplication, insertion. */
export function mutateBytes(r: () => number, input: Uint8Array): Uint8Array {
  let b = Uint8Array.from(input);
  for (let k = 1 + int(r, 4); k > 0; k--) {
    const at = b.length === 0 ? 0 : int(r, b.length);
    switch (int(r, 7)) {
      case 0:
        if (b.length) b[at]! ^= 1 << int(r, 8);
        break;
      case 1:
        if (b.length) b[at] = pick(r, [0, 0xff, 0x7f, 0x80, 0x30, 0x5b, 0x28]);
        break;
      case 2:
        if (at + 4 <= b.length) new DataView(b.buffer).setUint32(at, pick(r, INTERESTING_U32), true);
        break;
      case 3:
        b = b.subarray(0, at);
        break;
      case 4: {
        const n = int(r, 64);
        const c = new Uint8Array(b.length + n);
        c.set(b.subarray(0, at));
        c.set(b.subarray(at, at + n), at);
        c.set(b.subarray(at), at + Math.min(n, b.length - at));
        b = c.subarray(0, b.length + Math.min(n, b.length - at));
        break;
      }
      case 5: {
        const n = 1 + int(r, 16);
        const c = new Uint8Array(b.length + n);
        c.set(b.subarray(0, at));
        for (let i = 0; i < n; i++) c[at + i] = int(r, 256);
        c.set(b.subarray(at), at + n);
        b = c;
        break;
      }
      default:
        if (at + 8 <= b.length) new DataView(b.buffer).setBigUint64(at, BigInt(pick(r, INTERESTING_U32)) * BigInt(1 + int(r, 3)), true);
    }
  }
  return b;
}

const WEIRD: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  2 ** 31,
  -(2 ** 53),
  1e308,
  '',
  'x',
  'Dense',
  'Repeat',
  'Input',
  'Output',
  'BlockInstance',
  '__proto__',
  'constructor',
  [],
  {},
  [1, 2],
  [-1, 2],
  { node: 'x', port: 'output' },
  'NaN',
  'a'.repeat(300),
  [[[[[]]]]],
  1024,
  1025,
  2_000_000_000,
];

/** A random value: a weird constant, or a small structure of them. */
export function randomJson(r: () => number, depth = 0): unknown {
  const roll = r();
  if (depth > 3 || roll < 0.7) return pick(r, WEIRD);
  if (roll < 0.85) return Array.from({ length: int(r, 4) }, () => randomJson(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = int(r, 4); i > 0; i--)
    o[pick(r, ['id', 'kind', 'name', 'attrs', 'units', 'block', 'count', 'sequence', 'params', 'x'])] = randomJson(r, depth + 1);
  return o;
}

/** Every [container, key] pair inside a JSON value (the places a mutation can hit). */
function slots(value: unknown): [Record<string, unknown> | unknown[], string | number][] {
  const out: [Record<string, unknown> | unknown[], string | number][] = [];
  const stack = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v))
      v.forEach((c, i) => {
        out.push([v, i]);
        stack.push(c);
      });
    else
      for (const [k, c] of Object.entries(v)) {
        out.push([v as Record<string, unknown>, k]);
        stack.push(c);
      }
  }
  return out;
}

/** One to three structural mutations of a JSON value (a deep copy is mutated and returned). */
export function mutateJson(r: () => number, input: unknown): unknown {
  const value = structuredClone(input);
  for (let k = 1 + int(r, 3); k > 0; k--) {
    const all = slots(value);
    if (all.length === 0) return randomJson(r);
    const [box, key] = pick(r, all);
    const arr = Array.isArray(box) ? box : null;
    switch (int(r, 5)) {
      case 0:
        (box as Record<string | number, unknown>)[key] = randomJson(r);
        break;
      case 1:
        if (arr) arr.splice(key as number, 1);
        else delete (box as Record<string, unknown>)[key as string];
        break;
      case 2:
        if (arr) arr.push(structuredClone(arr[key as number]));
        else (box as Record<string, unknown>)[`${String(key)}2`] = (box as Record<string, unknown>)[key as string];
        break;
      case 3: {
        const other = pick(r, all);
        (box as Record<string | number, unknown>)[key] = structuredClone(other[0][other[1] as never]);
        break;
      }
      default:
        if (typeof (box as Record<string | number, unknown>)[key] === 'number')
          (box as Record<string | number, unknown>)[key] = pick(r, [0, -1, 1024, 1e9, 2 ** 40, 0.5]);
    }
  }
  return value;
}
