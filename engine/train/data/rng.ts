// A small seeded generator for the host side of training (data synthesis, shuffles). It is
// separate from the engine's Philox stream on purpose: data order must not depend on how many
// random numbers the model drew, and a shuffle is a pure function of (seed, epoch), so a resumed
// run sees exactly the order the uninterrupted run saw.

/** Mulberry32: 32-bit state, full period 2^32, plenty for shuffles and synthetic data. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = mixSeed(seed, 0x9e3779b9);
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]: log(u) is finite
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/** Two numbers → one 32-bit seed (integer hash), e.g. (run seed, epoch). */
export function mixSeed(a: number, b: number): number {
  let h = Math.imul((a >>> 0) ^ 0x85ebca6b, 0xcc9e2d51) ^ Math.floor(a / 4294967296);
  h = Math.imul(h ^ (h >>> 15), 0x1b873593) ^ (b >>> 0);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A Fisher–Yates permutation of 0..n-1 drawn from `seed`. */
export function permutation(n: number, seed: number): Uint32Array {
  const rng = new Rng(seed);
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}
