// What the three code generators share: the flat graph turned into a class's parts — one
// attribute per layer (named after the node), layers that reuse another's module (shared
// instances, tied layers), variable names in forward(), and the error for kinds a target lacks.

import { inUnitsOf } from '../../nn/layers/dense-spec.ts';
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
    if (!vars.has(value)) vars.set(value, identifier(value));
    return vars.get(value)!;
  };
  const attrs = new Set<string>();
  const owners = new Map<Parameter, [CodeLayer, string]>();
  const layers: CodeLayer[] = [];
  for (const op of graph.ops) {
    const inputs = op.inputs.map(v);
    const output = v(op.output);
    const held = [...op.params].map(([short, p]) => [short, p, owners.get(p)] as const);
    const first = held[0]?.[2]?.[0];
    if (first && held.every(([short, , o]) => o?.[0] === first && o[1] === short) && first.op.params.size === op.params.size && first.op.kind === op.kind &&
      (reuse === 'params' || JSON.stringify(first.op.attrs) === JSON.stringify(op.attrs))) {
      layers.push({ op, attr: first.attr, reuses: first, partialTies: [], inputs, output });
      continue;
    }
    let attr = identifier(op.name);
    for (let i = 1; attrs.has(attr); i++) attr = identifier(`${op.name}_${i}`);
    attrs.add(attr);
    const layer: CodeLayer = { op, attr, partialTies: [], inputs, output };
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

/** The input features of a Dense layer as the graph's shapes give them (-1 when unknown). */
export function denseInUnits(op: ExportOp): number {
  return inUnitsOf(op.inputShapes[0]!, op.attrs.flatten !== false);
}

export function unsupported(op: ExportOp, target: string, why: string): ExportError {
  return new ExportError('E_EXPORT_UNSUPPORTED', op.where, `node '${op.node.name}' (${op.kind}, id ${op.where}) cannot be written as ${target}: ${why}.`);
}

/** Why a kind has no code equivalent, for the kinds no generator writes. */
export const NO_CODE: Readonly<Record<string, string>> = {
  FancyMLP: 'FancyMLP has data-dependent control flow; write it by hand from the chapter',
  Lambda: 'a Lambda wraps engine code that cannot be translated',
  Concurrent: 'documents draw branches with edges and join them with Concat',
};

/** A quoted string literal valid in Python and TypeScript. */
export const quote = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;

/** ': the title' for the header comment, on one line (titles are user text), or nothing. */
export const titleSuffix = (title: string | undefined): string => (title ? `: ${title.replace(/\s+/g, ' ')}` : '');
