// ONNX model bytes → an editable graph document and its parameter values: read (onnx-reader),
// operators to layer kinds (onnx-layers), structure recovered (structure), then the document
// built once so every value is filed under the parameter name the model will give it
// (`layer1_0_weight`, or the automatic names inside block instances).
//
//   const { document, parameters, report } = importOnnx(readFileSync('resnet18.onnx'));

import { buildModel } from '../../graph/build.ts';
import { exportGraph } from '../../export/export-graph.ts';
import type { HostTensor } from '../../io/host-tensor.ts';
import { layerSpec } from '../../nn/layers/index.ts';
import type { OnnxConstant } from '../../nn/layers/layer-spec.ts';
import type { GraphDocument } from '../../protocol/graph-document.ts';
import { onnxGraphErrors } from './onnx-errors.ts';
import { onnxToLayers, type Gap } from './onnx-layers.ts';
import { readOnnx, type ReadOptions } from './onnx-reader.ts';
import { structure } from './structure.ts';

export interface ImportOptions extends ReadOptions {
  /** Import what can be imported; each operator no kind reads stays as a node the canvas marks as a problem. */
  partial?: boolean;
  /** The document's title (default: the model's producer). */
  title?: string;
}

export interface ImportReport {
  opset: number;
  producer: string;
  /** Layers in the document, counted in every block instance. */
  layers: number;
  blockDefinitions: number;
  /** Uses of the definitions: BlockInstances, and each copy of a Repeat. */
  blockInstances: number;
  /** Trainable values imported (the parameter panel's count; running statistics are state, not counted). */
  parameterCount: number;
  /** Operators no kind reads, by operator: count and node names (empty unless partial). */
  unsupported: UnsupportedOp[];
}

export interface UnsupportedOp {
  opType: string;
  count: number;
  nodes: string[];
  why: string;
}

export interface OnnxImportResult {
  document: GraphDocument;
  /** Full parameter name (as the built model names it) → its value, float32. */
  parameters: [string, HostTensor][];
  report: ImportReport;
}

export function summarizeGaps(gaps: readonly Gap[]): UnsupportedOp[] {
  const by = new Map<string, UnsupportedOp>();
  for (const g of gaps) {
    const u = by.get(g.opType) ?? { opType: g.opType, count: 0, nodes: [], why: g.why };
    u.count++;
    u.nodes.push(g.node);
    by.set(g.opType, u);
  }
  return [...by.values()].sort((a, b) => b.count - a.count);
}

/** "Clip ×35 (/features/features.0/features.0.2/Clip, ... 34 more): no layer kind reads this operator" per line. */
export function describeGaps(ops: readonly UnsupportedOp[]): string {
  return ops.map((u) => `  ${u.opType} ×${u.count} (${u.nodes.slice(0, 3).join(', ')}${u.count > 3 ? `, ... ${u.count - 3} more` : ''}): ${u.why}`).join('\n');
}

const hostTensor = (c: OnnxConstant): HostTensor => ({ dtype: 'float32', shape: [...c.shape], data: Float32Array.from(c.values) });

/** Imports a model; throws ImportError (with every unsupported operator listed) unless `partial`. */
export function importOnnx(bytes: Uint8Array, options: ImportOptions = {}): OnnxImportResult {
  const model = readOnnx(bytes, options);
  const layers = onnxToLayers(model, options.partial === true);
  const unsupported = summarizeGaps(layers.gaps);
  if (unsupported.length && !options.partial) {
    throw onnxGraphErrors.unsupported(unsupported[0]!.nodes[0]!, layers.gaps.length, describeGaps(unsupported));
  }
  const { document, params } = structure(layers, options.title ?? (model.producer ? `imported from ${model.producer}` : 'imported model'));
  const parameters: [string, HostTensor][] = [];
  let parameterCount = 0;
  let layerCount: number;
  if (!options.partial || unsupported.length === 0) {
    // Built once (no values drawn) so each value is filed under the name the model gives it.
    const graph = exportGraph(buildModel(document));
    layerCount = graph.ops.length;
    for (const op of graph.ops) {
      const values = params.get(op.where) ?? {};
      for (const [short, p] of op.params) {
        const v = values[short];
        if (!v) throw onnxGraphErrors.noValue(op.where, p.name, op.kind);
        parameters.push([p.name, hostTensor(v)]);
        // State (BatchNorm's running statistics) is saved with the weights but is not trained.
        if (!layerSpec(op.kind).stateParams?.includes(short)) parameterCount += v.values.length;
      }
    }
  } else {
    for (const n of document.nodes)
      for (const [short, v] of Object.entries(params.get(n.id) ?? {})) {
        parameters.push([`${n.name}_${short}`, hostTensor(v)]);
        parameterCount += v.values.length;
      }
    layerCount = layers.layers.length;
  }
  return {
    document,
    parameters,
    report: {
      opset: model.opset,
      producer: model.producer,
      layers: layerCount,
      blockDefinitions: document.blocks.length,
      blockInstances: document.nodes.reduce((k, n) => k + (n.kind === 'BlockInstance' ? 1 : n.kind === 'Repeat' ? (n.count ?? 0) : 0), 0),
      parameterCount,
      unsupported,
    },
  };
}
