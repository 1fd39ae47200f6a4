// Checks of one node against its layer descriptor: attribute values (type, range, choices),
// parameter settings (known parameter names, ties whose shapes can match). Structural kinds
// (Input, Output, BlockInstance, Repeat) are checked in validate.ts.

import type { GraphNode } from '../protocol/graph-document.ts';
import { layerSpec, type AttrSpec, type LayerSpec } from '../nn/layers/index.ts';
import { specParams } from '../nn/layers/layer-spec.ts';
import { problem, PROBLEM_CODES as C, type Problem } from './problems.ts';
import { isLayerKind } from './topology.ts';
import { formatShape } from '../core/errors.ts';
import { nodeProblemText as T } from './problem-messages.ts';

export interface Place {
  nodeId?: string;
  blockId?: string;
  path: string;
}

/** A value as it appears in a message: JSON, cut at 200 characters (a value may be megabytes). */
const show = (v: unknown): string => {
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = Array.isArray(v) ? 'a list' : typeof v;
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
};

function checkAttr(a: AttrSpec, v: unknown, kind: string, place: Place, out: Problem[]): void {
  const at = { ...place, path: `${place.path}.attrs.${a.name}` };
  const bad = (what: string): void => {
    out.push(problem(C.attrType, T.attrType(kind, a.name, what, show(v)), at));
  };
  if (v === null) {
    if (a.default !== null) bad(`a value (${a.doc})`);
    return;
  }
  switch (a.type) {
    case 'int':
    case 'float':
      if (typeof v !== 'number' || !Number.isFinite(v) || (a.type === 'int' && !Number.isInteger(v))) return bad(a.type === 'int' ? 'an integer' : 'a number');
      if ((a.min !== undefined && v < a.min) || (a.max !== undefined && v > a.max)) {
        const range = a.max === undefined ? `at least ${a.min}` : a.min === undefined ? `at most ${a.max}` : `between ${a.min} and ${a.max}`;
        out.push(problem(C.attrRange, T.attrRange(kind, a.name, range, a.doc, v), at));
      }
      return;
    case 'bool':
      if (typeof v !== 'boolean') bad('true or false');
      return;
    case 'string':
    case 'function':
      if (typeof v !== 'string' || v === '') bad('a non-empty string');
      return;
    case 'enum':
      if (typeof v !== 'string') return bad(`one of ${a.choices?.join(', ')}`);
      if (a.choices && !a.choices.includes(v)) out.push(problem(C.attrChoice, T.attrChoice(kind, a.name, a.choices, show(v)), at));
      return;
    case 'intList':
      if (!Array.isArray(v) || !v.every((d) => Number.isInteger(d))) bad('a list of integers');
      return;
    case 'initializer':
      if (!(typeof v === 'string' && v !== '') && !(Array.isArray(v) && typeof v[0] === 'string' && v.length <= 2)) bad('an initializer name or [name, args]');
      return;
  }
}

/** Attribute problems of a layer node (or an inline layer of a Repeat sequence). */
export function checkAttrs(kind: string, attrs: Readonly<Record<string, unknown>>, place: Place, out: Problem[]): void {
  const spec = layerSpec(kind);
  for (const a of spec.attrs) {
    const v = attrs[a.name];
    if (v === undefined) {
      if (a.default === undefined) out.push(problem(C.attrRequired, T.attrRequired(kind, a.name, a.doc), { ...place, path: `${place.path}.attrs.${a.name}` }));
      continue;
    }
    checkAttr(a, v, kind, place, out);
  }
  for (const name of Object.keys(attrs)) {
    if (!spec.attrs.some((a) => a.name === name)) {
      out.push(
        problem(
          C.attrUnknown,
          T.attrUnknown(
            kind,
            name,
            spec.attrs.map((a) => a.name),
          ),
          { ...place, path: `${place.path}.attrs.${name}` },
        ),
      );
    }
  }
}

/** The parameters a layer node has with its attributes (Dense without bias has only weight). */
export function presentParams(spec: LayerSpec, attrs: Readonly<Record<string, unknown>>): string[] {
  return specParams(spec, attrs)
    .filter((p) => !p.present || p.present(attrs))
    .map((p) => p.name);
}

/** A parameter's shape before any data: -1 where it waits for the input. */
export function staticParamShape(node: GraphNode, param: string): number[] | null {
  if (!isLayerKind(node.kind)) return null;
  const spec = layerSpec(node.kind);
  const attrs = { ...defaultsOf(spec), ...node.attrs };
  const p = specParams(spec, attrs).find((q) => q.name === param);
  if (!p) return null;
  try {
    return p.shape(attrs, undefined);
  } catch {
    return null;
  }
}

export function defaultsOf(spec: LayerSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of spec.attrs) if (a.default !== undefined) out[a.name] = a.default;
  return out;
}

export const shapesCompatible = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((d, i) => d === -1 || b[i] === -1 || d === b[i]);

export const fmtShape = formatShape;

/** Parameter settings of a layer node: known names, tie targets that exist and fit. */
export function checkParamSettings(node: GraphNode, nodes: ReadonlyMap<string, GraphNode>, place: Place, out: Problem[]): void {
  if (!node.params) return;
  const spec = layerSpec(node.kind);
  const own = presentParams(spec, { ...defaultsOf(spec), ...node.attrs });
  for (const [param, settings] of Object.entries(node.params)) {
    const at = { ...place, param, path: `${place.path}.params.${param}` };
    if (!own.includes(param)) {
      out.push(problem(C.paramUnknown, T.paramUnknown(node.name, node.kind, param, own), at));
      continue;
    }
    const tie = settings.tiedTo;
    if (!tie) continue;
    if (settings.init !== undefined || settings.constant !== undefined) {
      out.push(problem(C.tieSettings, T.tieSettings(node.name, param, tie.node, tie.param), at));
    }
    const target = nodes.get(tie.node);
    const targetSpec = target && isLayerKind(target.kind) ? layerSpec(target.kind) : null;
    if (!target || !targetSpec) {
      out.push(problem(C.tieTarget, T.tieMissingNode(node.name, param, tie.node, target !== undefined), at));
      continue;
    }
    if (target === node && tie.param === param) {
      out.push(problem(C.tieTarget, T.tieSelf(node.name, param), at));
      continue;
    }
    if (!presentParams(targetSpec, { ...defaultsOf(targetSpec), ...target.attrs }).includes(tie.param)) {
      out.push(problem(C.tieTarget, T.tieMissingParam(node.name, param, target.name, target.kind, tie.param), at));
      continue;
    }
    const mine = staticParamShape(node, param);
    const theirs = staticParamShape(target, tie.param);
    if (mine && theirs && !shapesCompatible(mine, theirs)) {
      out.push(problem(C.tieShape, T.tieShape(node.name, param, mine, target.name, tie.param, theirs), at));
    }
  }
}

/** Tie chains that come back to where they started (a.weight → b.weight → a.weight). */
export function checkTieCycles(nodes: ReadonlyMap<string, GraphNode>, place: Omit<Place, 'path'> & { path: string }, out: Problem[]): void {
  const next = (id: string, param: string): [string, string] | null => {
    const t = nodes.get(id)?.params?.[param]?.tiedTo;
    return t ? [t.node, t.param] : null;
  };
  const reported = new Set<string>();
  for (const n of nodes.values()) {
    for (const param of Object.keys(n.params ?? {})) {
      const seen: string[] = [];
      let cur: [string, string] | null = [n.id, param];
      while (cur && !seen.includes(`${cur[0]}.${cur[1]}`)) {
        seen.push(`${cur[0]}.${cur[1]}`);
        cur = next(cur[0], cur[1]);
      }
      if (cur && `${cur[0]}.${cur[1]}` === `${n.id}.${param}` && seen.length > 1 && !reported.has(seen.slice().sort().join())) {
        reported.add(seen.slice().sort().join());
        out.push(problem(C.tieCycle, T.tieCycle([...seen, seen[0]!]), { ...place, nodeId: n.id, param }));
      }
    }
  }
}
