// What the three code generators share: the flat graph turned into a class's parts — one
// attribute per layer (named after the node), layers that reuse another's module (shared
// instances, tied layers), variable names in forward(), and the error for kinds a target lacks.

import { layerSpec } from '../../nn/layers/index.ts';
import { isUnsupported, type CodeSite, type LayerCode, type PythonLayerCode, type TypeScriptLayerCode } from '../../nn/layers/layer-spec.ts';
import type { Parameter } from '../../nn/parameter.ts';
import { ExportError } from '../export-error.ts';
import type { ExportGraph, ExportOp } from '../export-graph.ts';

export interface CodeLayer {
  op: ExportOp;
  /** The attribute holding this layer's module (self.dense0 / this.dense0). */
  attr: string;
  /** Set when the layer calls another layer's module: all its parameters are that layer's. */
  reuses?: CodeLayer;
  /** Parameters tied to another layer's while others are its own: [short name, owner layer, owner's short name]. */
  partialTies: [string, CodeLayer, string][];
  /** Input variables of forward() and the variable this layer's output goes to. */
  inputs: string[];
  output: string;
  /** Every output port's variable ('' for an extra port nobody reads). */
  outputs: string[];
}

export interface CodePlan {
  className: string;
  inputs: string[];
  outputs: string[];
  layers: CodeLayer[];
  graph: ExportGraph;
}

/** Makes names safe identifiers for a language (keywords get a trailing '_'). */
export type Identifier = (name: string) => string;

/**
 * `reuse: 'params'` calls one module for layers holding the same parameters (PyTorch, where
 * activations live in forward); 'layer' also requires the same attributes (Gluon and the engine,
 * whose Dense carries its activation) and otherwise ties parameters into a module of its own.
 */
export function codePlan(graph: ExportGraph, identifier: Identifier, reuse: 'params' | 'layer'): CodePlan {
  const vars = new Map<string, string>();
  const v = (value: string): string => {
    if (value === '') return ''; // an optional input left open: the layer's code leaves it out
    if (!vars.has(value)) vars.set(value, identifier(value));
    return vars.get(value)!;
  };
  const attrs = new Set<string>();
  const owners = new Map<Parameter, [CodeLayer, string]>();
  const layers: CodeLayer[] = [];
  for (const op of graph.ops) {
    const inputs = op.inputs.map(v);
    const output = v(op.output);
    const outputs = op.outputs.map(v);
    const held = [...op.params].map(([short, p]) => [short, p, owners.get(p)] as const);
    const first = held[0]?.[2]?.[0];
    if (
      first &&
      held.every(([short, , o]) => o?.[0] === first && o[1] === short) &&
      first.op.params.size === op.params.size &&
      first.op.kind === op.kind &&
      (reuse === 'params' || JSON.stringify(first.op.attrs) === JSON.stringify(op.attrs))
    ) {
      layers.push({ op, attr: first.attr, reuses: first, partialTies: [], inputs, output, outputs });
      continue;
    }
    let attr = identifier(op.name);
    for (let i = 1; attrs.has(attr); i++) attr = identifier(`${op.name}_${i}`);
    attrs.add(attr);
    const layer: CodeLayer = { op, attr, partialTies: [], inputs, output, outputs };
    for (const [short, p, o] of held) {
      if (o) layer.partialTies.push([short, o[0], o[1]]);
      else owners.set(p, [layer, short]);
    }
    layers.push(layer);
  }
  return {
    className: identifier(graph.className),
    inputs: graph.inputs.map((i) => v(i.name)),
    outputs: graph.outputs.map((o) => v(o.value)),
    layers,
    graph,
  };
}

type Target = keyof LayerCode;
const TARGET_NAMES: Readonly<Record<Target, string>> = { pytorch: 'PyTorch', gluon: 'a Gluon block', typescript: 'TypeScript' };

/** The kind's writer for a target (from its descriptor); refuses, naming the node, where the kind has none. */
export function writerOf(op: ExportOp, target: 'pytorch' | 'gluon'): PythonLayerCode;
export function writerOf(op: ExportOp, target: 'typescript'): TypeScriptLayerCode;
export function writerOf(op: ExportOp, target: Target): PythonLayerCode | TypeScriptLayerCode {
  const writer = layerSpec(op.kind).code?.[target];
  if (!writer) throw unsupported(op, TARGET_NAMES[target], `the ${TARGET_NAMES[target]} generator has no equivalent of ${op.kind}`);
  if (isUnsupported(writer)) throw unsupported(op, TARGET_NAMES[target], writer.unsupported);
  // A writer refuses one configuration by throwing (BatchNorm with center ≠ scale in PyTorch): name the node.
  const guard =
    <A extends unknown[], R>(f: (...args: A) => R) =>
    (...args: A): R => {
      try {
        return f(...args);
      } catch (error) {
        if (error instanceof ExportError) throw error;
        throw unsupported(op, TARGET_NAMES[target], (error as Error).message);
      }
    };
  const guarded: Record<string, unknown> = { ...writer };
  for (const [key, value] of Object.entries(writer)) if (typeof value === 'function') guarded[key] = guard(value as (...args: unknown[]) => unknown);
  return guarded as unknown as PythonLayerCode | TypeScriptLayerCode;
}

/** What a kind's writer sees of a layer; `self` is the language's member access (`self.` / `this.`). */
/** True when a layer's extra output ports are read (its writer's assignAll binds them all). */
export const readsExtraOutputs = (l: CodeLayer): boolean => l.outputs.slice(1).some(Boolean);

/** The statement binding every output of a layer whose extra ports are read; refused when the kind's writer has none. */
export function assignAll(l: CodeLayer, writer: PythonLayerCode | TypeScriptLayerCode, site: CodeSite): string {
  if (!writer.assignAll) throw unsupported(l.op, 'code', 'its extra output ports cannot be written for this target');
  return writer.assignAll(site);
}

export function siteOf(l: CodeLayer, self: 'self.' | 'this.'): CodeSite {
  const owners = new Set(l.partialTies.map(([, o]) => o));
  const tiedTo = owners.size === 1 && l.partialTies.length === l.op.params.size ? `${self}${[...owners][0]!.attr}` : null;
  return { attrs: l.op.attrs, inputs: l.inputs, inputShapes: l.op.inputShapes, outputs: l.outputs, self: `${self}${l.attr}`, prefix: `${l.op.name}_`, tiedTo };
}

export function unsupported(op: ExportOp, target: string, why: string): ExportError {
  return new ExportError('E_EXPORT_UNSUPPORTED', op.where, `node '${op.node.name}' (${op.kind}, id ${op.where}) cannot be written as ${target}: ${why}.`);
}

/** A quoted string literal valid in Python and TypeScript. */
export const quote = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;

/** ': the title' for the header comment, on one line (titles are user text), or nothing. */
export const titleSuffix = (title: string | undefined): string => (title ? `: ${title.replace(/\s+/g, ' ')}` : '');
