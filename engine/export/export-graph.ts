// The flat form every exporter reads: a built document's layers in execution order with their
// input and output value names, shapes and Parameter objects — block instances, repeats and
// shared definitions expanded exactly as the builder expanded them, so names match the model.

import type { BuiltModel } from '../graph/build.ts';
import { itemPorts, portValues, subPath, type PlannedGraph } from '../graph/plan.ts';
import { layerSpec } from '../nn/layers/index.ts';
import type { Parameter } from '../nn/parameter.ts';
import type { GraphNode } from '../protocol/graph-document.ts';
import { ExportError } from './export-error.ts';
import { isFloat, type DType } from '../ndarray/dtype.ts';

export interface ExportOp {
  kind: string;
  /** The layer's Gluon name (dense0): its prefix without '_'. */
  name: string;
  /** Where the node is: its id, inside instances `inst/id` (ShapeReport keys), for error messages. */
  where: string;
  node: GraphNode;
  attrs: Readonly<Record<string, unknown>>;
  /** An optional port left open is '' here (ONNX's absent input) with an undefined shape. */
  inputs: string[];
  inputShapes: number[][];
  output: string;
  outputShape: number[];
  /** Every output port's value name (outputs[0] = output); '' for an extra port nobody reads. */
  outputs: string[];
  outputShapes: number[][];
  /** Short parameter name (weight) → the Parameter object; tied layers hold the very same objects. */
  params: Map<string, Parameter>;
}

/** An optional input port left unconnected (its shape is undefined, as the layer's rules expect). */
const ABSENT = { name: '', shape: undefined as unknown as number[] };

export interface ExportValue {
  name: string;
  shape: number[];
  dtype: string;
}

export interface ExportGraph {
  /** The root container's class name (MLP, NestMLP); `Net` for a plain Sequential or GraphBlock. */
  className: string;
  inputs: ExportValue[];
  outputs: (ExportValue & { value: string })[];
  ops: ExportOp[];
  /** Every distinct Parameter by its full name (dense0_weight), in first-use order. */
  parameters: Map<string, Parameter>;
}

/** Flattens a built model (its parameters need not be initialized; shapes come from the descriptors). */
export function exportGraph(model: BuiltModel): ExportGraph {
  const doc = model.document;
  const used = new Set<string>();
  const unique = (base: string): string => {
    let name = base;
    for (let i = 1; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  };
  const mainInputs = doc.nodes.filter((n) => n.kind === 'Input');
  const inputs: ExportValue[] = mainInputs.map((n) => ({
    name: unique(n.name),
    shape: Array.isArray(n.attrs?.shape) ? [...(n.attrs.shape as number[])] : [...doc.input.shape],
    dtype: doc.input.dtype,
  }));
  // Output names are taken up front so a layer output never takes `output`.
  const outputNames = doc.nodes.filter((n) => n.kind === 'Output').map((n) => unique(n.name));
  const ops: ExportOp[] = [];
  const parameters = new Map<string, Parameter>();
  const firstPath = new Map<PlannedGraph, string>();

  type Value = { name: string; shape: number[] };
  const walk = (g: PlannedGraph, path: string, graphInputs: Value[]): Value[] => {
    const keyPath = firstPath.get(g) ?? path;
    if (!firstPath.has(g)) firstPath.set(g, path);
    const values = new Map<string, Value>();
    const outs: Value[] = [];
    let nextInput = 0;
    for (const node of g.order) {
      const item = g.items.get(node.id)!;
      const incoming = g.index.incoming.get(node.id);
      const ins = portValues<Value>(item, incoming, (e) => values.get(`${e.source.node}:${e.source.port}`)!, ABSENT);
      let results: Value[] = [];
      if (item.type === 'io') {
        if (node.kind === 'Input') results = [graphInputs[nextInput++]!];
        else outs.push(ins[0]!);
      } else if (item.type === 'layer') {
        const block = model.blocks.get(keyPath + node.id);
        if (!block) throw new Error(`internal: no block for node ${path + node.id}`);
        const params = new Map<string, Parameter>();
        for (const [key, p] of block.structuralParams()) {
          params.set(key, p);
          if (!parameters.has(p.name)) parameters.set(p.name, p);
        }
        const spec = layerSpec(node.kind);
        const shapes = ins.map((v) => v.shape);
        let outputShapes: number[][];
        try {
          outputShapes = spec.outputShapes ? spec.outputShapes(item.attrs, shapes) : [spec.outputShape(item.attrs, shapes)];
        } catch (error) {
          throw new ExportError('E_EXPORT_SHAPE', path + node.id, `${node.name} (${node.kind}): ${(error as Error).message}`);
        }
        // Extra ports (a recurrent layer's final states, a code block's declared outputs) get a value only when something reads them.
        const read = new Set((g.index.outgoing.get(node.id) ?? []).map((e) => e.source.port));
        const outputs = itemPorts(item).outputs.map((p, i) => (i === 0 ? unique(item.name) : read.has(p) ? unique(`${item.name}_${p}`) : ''));
        ops.push({
          kind: node.kind,
          name: item.name,
          where: path + node.id,
          node,
          attrs: item.attrs,
          inputs: ins.map((v) => v.name),
          inputShapes: shapes,
          output: outputs[0]!,
          outputShape: outputShapes[0]!,
          outputs,
          outputShapes,
          params,
        });
        results = outputs.map((name, i) => ({ name, shape: outputShapes[i]! }));
      } else if (item.type === 'instance') {
        results = walk(item.graph, subPath(path, node.id), ins);
      } else if (item.type === 'repeat') {
        let x = ins[0]!;
        item.copies.forEach((c, i) => {
          x = walk(c, subPath(path, node.id, i), [x])[0]!;
        });
        results = [x];
      } else {
        throw new ExportError('E_EXPORT_UNSUPPORTED', path + node.id, `node ${node.name} is broken`);
      }
      itemPorts(item).outputs.forEach((p, i) => {
        if (results[i]) values.set(`${node.id}:${p}`, results[i]!);
      });
    }
    return outs;
  };
  const outs = walk(
    model.plan,
    '',
    inputs.map((i) => ({ name: i.name, shape: i.shape })),
  );
  return {
    className: model.plan.className === 'Sequential' || model.plan.className === 'GraphBlock' ? 'Net' : model.plan.className,
    inputs,
    outputs: outs.map((v, i) => ({
      name: outputNames[i]!,
      value: v.name,
      shape: v.shape,
      dtype: isFloat(doc.input.dtype as DType) ? doc.input.dtype : 'float32',
    })), // integer ids in, floats out (Embedding)
    ops,
    parameters,
  };
}

/** The op that first holds the very same parameters (a tied or shared layer), or undefined. */
export function sharedWith(graph: ExportGraph, op: ExportOp): ExportOp | undefined {
  if (op.params.size === 0) return undefined;
  return (
    graph.ops
      .slice(0, graph.ops.indexOf(op))
      .find((o) => o !== op && o.kind === op.kind && o.params.size === op.params.size && [...op.params].every(([k, p]) => o.params.get(k) === p)) ?? undefined
  );
}
