// How the service sees a built model's parameters: one row per Parameter object in collectParams
// order (a tied parameter once, its other uses listed in tiedTo), lookup by full or structural
// name, and the initializer as a string the inspector can show.
import type { Block, InitSpec, Parameter } from '../index.ts';
import { Initializer } from '../init/initializer.ts';
import type { ParameterBrief } from '../schema/service-api.ts';
import { ServiceError } from '../schema/service-protocol.ts';

export interface ParamEntry {
  name: string;
  param: Parameter;
  /** Structural paths where this parameter is used besides the first one (ties). */
  tiedTo: string[];
}

/** Unique parameters in collectParams order. */
export function uniqueParams(net: Block): ParamEntry[] {
  const uses = new Map<Parameter, string[]>();
  for (const [path, p] of net.structuralParams()) {
    const list = uses.get(p);
    if (list) list.push(path);
    else uses.set(p, [path]);
  }
  const seen = new Set<Parameter>();
  const out: ParamEntry[] = [];
  for (const [name, p] of net.collectParams().entries()) {
    if (seen.has(p)) continue;
    seen.add(p);
    out.push({ name, param: p, tiedTo: (uses.get(p) ?? []).slice(1) });
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
  throw new ServiceError('E_NO_PARAMETER', `the model has no parameter '${name}'; it has ${known.slice(0, 20).map((k) => `'${k}'`).join(', ')}` +
    `${known.length > 20 ? `, … (${known.length} in all)` : ''}`, { names: [name] });
}

export function describeInit(init: InitSpec | null): string | null {
  if (init === null) return null;
  if (typeof init === 'string') return init;
  if (init instanceof Initializer) return init.dumps();
  return JSON.stringify(init);
}
