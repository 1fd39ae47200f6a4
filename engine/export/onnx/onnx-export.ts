// A built document → an ONNX model (IR 8, opset 17). Each layer kind's descriptor says how it is
// written (LayerSpec.onnx); this module gives the descriptors an emitter, collects the nodes and the
// initializers (parameters by their Gluon names), and refuses, naming the node, what has no mapping.

import type { OnnxAttr, OnnxEmitter } from '../../nn/layers/layer-spec.ts';
import { layerSpec } from '../../nn/layers/index.ts';
import type { Parameter } from '../../nn/parameter.ts';
import { ExportError } from '../export-error.ts';
import type { ExportGraph, ExportOp } from '../export-graph.ts';
import { encodeModel, ONNX_DTYPE, type OnnxDType, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from './onnx-proto.ts';

export interface OnnxExportOptions {
  /** ModelProto.metadata_props, e.g. the document's title. */
  metadata?: Record<string, string>;
  producerVersion?: string;
}

/** The symbolic name of a dimension unknown until run time (the batch axis). */
const dimsOf = (shape: readonly number[]): (number | string)[] => shape.map((d, i) => (d >= 0 ? d : i === 0 ? 'N' : `d${i}`));

function onnxDType(dtype: string, where: string): OnnxDType {
  if (!(dtype in ONNX_DTYPE)) throw new ExportError('E_EXPORT_UNSUPPORTED', where, `dtype ${dtype} has no ONNX tensor type here`);
  return dtype as OnnxDType;
}

/** Raw little-endian bytes of a parameter's values (ONNX raw_data). */
function parameterTensor(name: string, p: Parameter): OnnxTensor {
  const data = p.data().toTyped();
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  return { name, dtype: onnxDType(p.dtype, name), shape: [...p.data().shape], raw: bytes };
}

/** Throws ExportError naming the first node that has no ONNX equivalent. */
export function checkOnnxExportable(graph: ExportGraph): void {
  for (const op of graph.ops) {
    const onnx = layerSpec(op.kind).onnx;
    if (typeof onnx !== 'function') {
      const why = onnx?.unsupported ?? `${op.kind} has no ONNX mapping`;
      throw new ExportError('E_EXPORT_UNSUPPORTED', op.where, `node '${op.node.name}' (${op.kind}, id ${op.where}) cannot be exported to ONNX: ${why}.`);
    }
  }
}

/**
 * Encodes the graph as ONNX bytes; parameters must be initialized.
 * @example await writeFile('mlp.onnx', exportOnnx(exportGraph(model)));
 */
export function exportOnnx(graph: ExportGraph, options: OnnxExportOptions = {}): Uint8Array {
  checkOnnxExportable(graph);
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  const written = new Set<Parameter>();
  let constants = 0;
  for (const op of graph.ops) {
    const emitted = emitOp(op, nodes, () => `const${constants++}`, initializers);
    // The last node of each layer writes the layer's own value name, so the graph reads like the document
    // (an extra output port nobody reads keeps its internal name).
    (typeof emitted === 'string' ? [emitted] : emitted).forEach((name, i) => {
      if (op.outputs[i]) renameOutput(nodes, name, op.outputs[i]!);
    });
    for (const p of op.params.values()) {
      if (written.has(p)) continue;
      written.add(p);
      initializers.push(parameterTensor(p.name, p));
    }
  }
  for (const o of graph.outputs) {
    nodes.push({ opType: 'Identity', name: `${o.name}_identity`, inputs: [o.value], outputs: [o.name], attributes: {} });
  }
  const inputs: OnnxValueInfo[] = graph.inputs.map((i) => ({ name: i.name, dtype: onnxDType(i.dtype, i.name), dims: dimsOf(i.shape) }));
  const outputs: OnnxValueInfo[] = graph.outputs.map((o) => ({ name: o.name, dtype: onnxDType(o.dtype, o.name), dims: dimsOf(o.shape) }));
  return encodeModel({
    graph: { name: graph.className, nodes, initializers, inputs, outputs },
    producerName: 'blocksmith',
    producerVersion: options.producerVersion ?? '0.1.0',
    metadata: options.metadata ?? {},
  });
}

function emitOp(op: ExportOp, nodes: OnnxNode[], constantName: () => string, initializers: OnnxTensor[]): string | readonly string[] {
  const mapping = layerSpec(op.kind).onnx as (e: OnnxEmitter) => string | readonly string[];
  let count = 0;
  const emitter: OnnxEmitter = {
    attrs: op.attrs,
    inputs: op.inputs,
    inputShapes: op.inputShapes,
    param(name: string): string {
      const p = op.params.get(name);
      if (!p) throw new ExportError('E_EXPORT_UNSUPPORTED', op.where, `node '${op.node.name}' has no parameter '${name}'`);
      return p.name;
    },
    constant(values: readonly number[], shape: readonly number[] = []): string {
      const name = constantName();
      initializers.push({ name, dtype: 'float32', shape, raw: new Uint8Array(Float32Array.from(values).buffer) });
      return name;
    },
    ints(values: readonly number[], shape: readonly number[] = [values.length]): string {
      const name = constantName();
      initializers.push({ name, dtype: 'int64', shape, raw: new Uint8Array(BigInt64Array.from(values.map((v) => BigInt(v))).buffer) });
      return name;
    },
    node(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, OnnxAttr>> = {}): string {
      const name = `${op.output}/${opType}${count++ === 0 ? '' : `_${count - 1}`}`;
      nodes.push({ opType, name, inputs, outputs: [name], attributes, doc: `${op.kind} ${op.node.name}` });
      return name;
    },
    nodeOutputs(opType: string, inputs: readonly string[], n: number, attributes: Readonly<Record<string, OnnxAttr>> = {}): string[] {
      const name = `${op.output}/${opType}${count++ === 0 ? '' : `_${count - 1}`}`;
      const outputs = Array.from({ length: n }, (_, i) => (i === 0 ? name : `${name}:${i}`));
      nodes.push({ opType, name, inputs, outputs, attributes, doc: `${op.kind} ${op.node.name}` });
      return outputs;
    },
  };
  try {
    return mapping(emitter);
  } catch (e) {
    // A mapping that decides per node (a traced code block) refuses by throwing; name the node.
    if (e instanceof ExportError) throw e;
    throw new ExportError(
      'E_EXPORT_UNSUPPORTED',
      op.where,
      `node '${op.node.name}' (${op.kind}, id ${op.where}) cannot be exported to ONNX: ${(e as Error).message}.`,
    );
  }
}

/** Gives the value `from` (the last output of a layer) the layer's name everywhere it appears. */
function renameOutput(nodes: OnnxNode[], from: string, to: string): void {
  for (const n of nodes) {
    if (n.outputs.includes(from)) n.outputs = n.outputs.map((o) => (o === from ? to : o));
    if (n.inputs.includes(from)) n.inputs = n.inputs.map((i) => (i === from ? to : i));
  }
}
