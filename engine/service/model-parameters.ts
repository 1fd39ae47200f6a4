// How the service sees a built model's parameters: one row per Parameter object in collectParams
// order (a tied parameter once, its other uses listed in tiedTo with the block that holds each),
// lookup by full or structural name, and the initializer as a string the inspector can show.
import type { Block, InitSpec, Parameter } from '../index.ts';
import { Initializer } from '../init/initializer.ts';
import type { ParameterBrief } from '../protocol/service-api.ts';
import { serviceErrors } from './service-errors.ts';

export interface ParamEntry {
  name: string;
  param: Parameter;
  /** Structural paths where this parameter is used besides the first one (ties). */
  tiedTo: string[];
  /**
   * The Gluon name of the block holding the parameter at each tiedTo path (`dense2` for
   * `2.weight`): a chain's structural path says where, not which layer, so the panel shows both.
   */
  tiedToBlocks: string[];
}

export interface StructuralUse {
  path: string;
  param: Parameter;
  /** The block whose own ParameterDict holds the parameter at this path. */
  block: Block;
}

/**
 * Every (structural path, parameter) pair with the block that holds it, in structuralParams' order
 * (own parameters, then children), so the first use of a shared parameter is the same as there.
 */
export function structuralUses(net: Block): StructuralUse[] {
  const out: StructuralUse[] = [];
  const walk = (block: Block, prefix: string) => {
    const own = block.params.prefix;
    for (const [name, param] of block.params) out.push({ path: prefix + (name.startsWith(own) ? name.slice(own.length) : name), param, block });
    for (const [key, child] of block.children) walk(child, `${prefix}${key}.`);
  };
  walk(net, '');
  return out;
}

/** Unique parameters in collectParams order. */
export function uniqueParams(net: Block): ParamEntry[] {
  const uses = new Map<Parameter, StructuralUse[]>();
  for (const use of structuralUses(net)) {
    const list = uses.get(use.param);
    if (list) list.push(use);
    else uses.set(use.param, [use]);
  }
  const seen = new Set<Parameter>();
  const out: ParamEntry[] = [];
  for (const [name, p] of net.collectParams().entries()) {
    if (seen.has(p)) continue;
    seen.add(p);
    const others = (uses.get(p) ?? []).slice(1);
    out.push({ name, param: p, tiedTo: others.map((u) => u.path), tiedToBlocks: others.map((u) => u.block.name) });
  }
  return out;
}

export function briefs(net: Block): ParameterBrief[] {
  return uniqueParams(net).map(({ name, param }) => ({ name, shape: param.shape, dtype: param.dtype }));
}

/** A parameter by full name (dense0_weight) or structural path (0.weight). */
export function findParam(net: Block, name: string): Parameter {
  const byName = net.collectParams();
  if (byName.has(name)) return byName.at(name);
  const structural = net.structuralParams().get(name);
  if (structural) return structural;
  const known = byName.keys();
  throw serviceErrors.noParameter(name, known);
}

export function describeInit(init: InitSpec | null): string | null {
  if (init === null) return null;
  if (typeof init === 'string') return init;
  if (init instanceof Initializer) return init.dumps();
  return JSON.stringify(init);
}
