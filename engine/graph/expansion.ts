// How big a document becomes once block instances and Repeat copies are expanded, and how deep
// its block definitions nest — counted from the definitions alone, before anything is expanded,
// so 1.2 KB of Repeat(1024) inside Repeat(1024) is refused in validation instead of blocking the
// engine. Also the definitions that use each other in a circle. Every walk here is iterative: a
// chain of 5,000 definitions must give a problem, not a stack overflow.

import type { BlockDefinition, GraphBody, GraphDocument } from '../protocol/graph-document.ts';
import { currentLimits, type Limits } from '../protocol/limits.ts';
import { problem, PROBLEM_CODES as C, type Problem } from './problems.ts';

interface Use {
  block: string;
  times: number;
}

/** The definitions a body uses, each with how many copies of it the body expands to. */
function usesOf(body: Pick<GraphBody, 'nodes'>): Use[] {
  const out: Use[] = [];
  for (const n of body.nodes) {
    if (n.block === undefined) continue;
    if (n.kind === 'BlockInstance') out.push({ block: n.block, times: 1 });
    else if (n.kind === 'Repeat') out.push({ block: n.block, times: Math.max(0, n.count ?? 0) });
  }
  return out;
}

/** Layers a body holds itself: layer nodes plus the copies of inline Repeat sequences. */
function ownLayers(body: Pick<GraphBody, 'nodes'>): number {
  let count = 0;
  for (const n of body.nodes) {
    if (n.kind === 'Input' || n.kind === 'Output' || n.kind === 'BlockInstance') continue;
    if (n.kind === 'Repeat') count += n.sequence ? Math.max(0, n.count ?? 0) * n.sequence.length : 0;
    else count += 1;
  }
  return count;
}

const trailText = (ids: readonly string[]): string => (ids.length <= 8 ? ids.join(' → ') : `${ids.slice(0, 4).join(' → ')} → … → ${ids.slice(-3).join(' → ')}`);

/**
 * Circles of definitions (E_BLOCK_RECURSIVE), nesting past the limit (E_NESTING_DEPTH) and an
 * expansion past the limit (E_EXPANSION_LIMIT), appended to `out`.
 */
export function checkExpansion(
  doc: GraphDocument,
  blocks: ReadonlyMap<string, BlockDefinition>,
  out: Problem[],
  limits: Pick<Limits, 'maxBlockDepth' | 'maxExpandedLayers'> = currentLimits(),
): void {
  const uses = new Map<string, Use[]>();
  for (const [id, def] of blocks)
    uses.set(
      id,
      usesOf(def).filter((u) => blocks.has(u.block)),
    );
  const size = new Map<string, number>();
  const depth = new Map<string, number>();
  /** The deepest chain below each definition (its next step), for the message. */
  const deepest = new Map<string, string | null>();
  const state = new Map<string, 'open' | 'done'>();
  let circular = false;
  for (const start of blocks.keys()) {
    if (state.has(start)) continue;
    // Depth-first with an explicit stack; `path` is the chain of open definitions.
    const path: string[] = [start];
    const next: number[] = [0];
    state.set(start, 'open');
    while (path.length > 0) {
      const id = path[path.length - 1]!;
      const list = uses.get(id)!;
      const i = next[next.length - 1]!;
      if (i < list.length) {
        next[next.length - 1] = i + 1;
        const u = list[i]!.block;
        const s = state.get(u);
        if (s === 'open') {
          circular = true;
          const loop = [...path.slice(path.indexOf(u)), u];
          out.push(problem(C.blockRecursive, `Block definitions use each other in a circle: ${trailText(loop)}.`, { blockId: u }));
        } else if (s === undefined) {
          state.set(u, 'open');
          path.push(u);
          next.push(0);
        }
        continue;
      }
      // Every definition this one uses is done (or part of a reported circle): total it up.
      let total = ownLayers(blocks.get(id)!);
      let below = 0;
      let via: string | null = null;
      for (const u of list) {
        total += u.times * (size.get(u.block) ?? 0);
        const d = depth.get(u.block) ?? 0;
        if (d > below) {
          below = d;
          via = u.block;
        }
      }
      size.set(id, total);
      depth.set(id, below + 1);
      deepest.set(id, via);
      state.set(id, 'done');
      path.pop();
      next.pop();
    }
  }
  if (circular) return; // sizes through a circle mean nothing; the circle is the problem to fix
  const rootUses = usesOf(doc).filter((u) => blocks.has(u.block));
  let nest = 0;
  let top: string | null = null;
  let layers = ownLayers(doc);
  for (const u of rootUses) {
    layers += u.times * size.get(u.block)!;
    if (depth.get(u.block)! > nest) {
      nest = depth.get(u.block)!;
      top = u.block;
    }
  }
  if (nest > limits.maxBlockDepth && top !== null) {
    const chain: string[] = [];
    for (let id: string | null = top; id !== null && chain.length <= nest; id = deepest.get(id) ?? null) chain.push(id);
    out.push(
      problem(
        C.nestingDepth,
        `Block definitions nest ${nest} deep (${trailText(chain)}); the limit is ${limits.maxBlockDepth} ` + '(raise it with BLOCKSMITH_MAX_BLOCK_DEPTH).',
        { blockId: top, path: 'blocks' },
      ),
    );
  }
  if (layers > limits.maxExpandedLayers) {
    const shown = Number.isSafeInteger(layers) ? layers.toLocaleString('en-US') : layers.toExponential(2);
    out.push(
      problem(
        C.expansionLimit,
        `The model expands to ${shown} layers (block instances and Repeat copies counted out); the limit is ` +
          `${limits.maxExpandedLayers.toLocaleString('en-US')} (raise it with BLOCKSMITH_MAX_LAYERS).`,
        { path: '' },
      ),
    );
  }
}
