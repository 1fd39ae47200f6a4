// Foreign weights → a document's parameters, with the mapping shown before anything is applied:
// matched, missing (the document's, not in the file), unexpected (the file's, not in the
// document) and shape mismatches — the chapter's allow_missing / ignore_extra made visible.
// A file key matches by the engine's own names first (Gluon `dense0_weight` or structural
// `0.weight`), then by PyTorch's (`layer1.0.conv1.weight`): a layer's PyTorch module path is its
// node name with the names of the block instances around it (`layer1_0` + `conv1`), compared with
// dots and underscores alike, and its parameter names are PyTorch's (BatchNorm's gamma = weight).

import type { BuiltModel } from '../../graph/build.ts';
import { exportGraph } from '../../export/export-graph.ts';
import type { HostTensor } from '../../io/host-tensor.ts';
import { fromHostTensor } from '../../io/ndarray-files.ts';
import { isUnsupported } from '../../nn/layers/layer-spec.ts';
import { layerSpec } from '../../nn/layers/index.ts';
import type { Parameter } from '../../nn/parameter.ts';
import type { GraphBody, GraphDocument } from '../../protocol/graph-document.ts';

export interface WeightMatch {
  key: string;
  parameter: string;
  shape: number[];
}
export interface WeightMismatch {
  key: string;
  parameter: string;
  fileShape: number[];
  shape: number[];
}

export interface WeightMapping {
  matched: WeightMatch[];
  /**
   * Document parameters no file key fills (allow_missing would leave their values as they are), by
   * the PyTorch key that would fill them (`layer1.1.conv2.weight`, inside a Repeat copy too): the
   * names along the layer's place joined with dots; the engine's name where a layer has no place.
   */
  missing: string[];
  /** File keys that fill nothing (ignore_extra would skip them), e.g. PyTorch's num_batches_tracked. */
  unexpected: string[];
  shapeMismatches: WeightMismatch[];
}

/** Dots and underscores alike: PyTorch's `layer1.0.conv1` is the document's `layer1_0` › `conv1`. */
const norm = (s: string): string => s.replace(/[._]+/g, '_').toLowerCase();

/** The node names along a layer's place (`b3/l0` → `layer1_0`, `conv1`), stored names, not automatic ones. */
function namesAlong(doc: GraphDocument, where: string): string[] | null {
  const out: string[] = [];
  let body: Pick<GraphBody, 'nodes'> = doc;
  for (const part of where.split('/')) {
    const [id, copy] = part.split('#');
    const node = body.nodes.find((n) => n.id === id);
    if (!node) return null;
    out.push(node.name);
    if (copy !== undefined) out.push(copy);
    if (node.block) body = doc.blocks.find((b) => b.id === node.block) ?? { nodes: [] };
  }
  return out;
}

/** PyTorch's name for a parameter of a kind (BatchNorm gamma → weight), from the kind's code descriptor. */
function torchParamName(kind: string, short: string): string {
  const code = layerSpec(kind).code?.pytorch;
  return code && !isUnsupported(code) ? (code.stateNames?.[short] ?? short) : short;
}

/**
 * The mapping of `content` onto the model's parameters; nothing is changed.
 * @example const m = mapForeignWeights(model, tensors); if (!m.missing.length) applyForeignWeights(model, tensors, m);
 */
export function mapForeignWeights(model: BuiltModel, content: Readonly<Record<string, HostTensor>>): WeightMapping {
  const byName = model.net.collectParams();
  const structural = model.net.structuralParams();
  const own = (key: string): Parameter | undefined => structural.get(key) ?? (byName.has(key) ? byName.at(key) : undefined);
  const torch = new Map<string, Parameter>();
  // The PyTorch key of each parameter, as shown: the engine's automatic names (`conv4_weight`
  // inside a Repeat copy) say nothing about where the layer is.
  const torchKey = new Map<Parameter, string>();
  for (const op of exportGraph(model).ops) {
    const path = namesAlong(model.document, op.where);
    if (!path) continue;
    for (const [short, p] of op.params) {
      const key = [...path, torchParamName(op.kind, short)].join('.');
      torch.set(norm(key), p);
      if (!torchKey.has(p)) torchKey.set(p, key);
    }
  }
  const mapping: WeightMapping = { matched: [], missing: [], unexpected: [], shapeMismatches: [] };
  const filled = new Set<Parameter>();
  for (const [key, t] of Object.entries(content)) {
    const p = own(key) ?? torch.get(norm(key));
    if (!p || filled.has(p)) {
      mapping.unexpected.push(key);
      continue;
    }
    const shape = p.shape ?? [];
    if (shape.length !== t.shape.length || shape.some((d, i) => d !== -1 && d !== t.shape[i])) {
      mapping.shapeMismatches.push({ key, parameter: p.name, fileShape: [...t.shape], shape: [...shape] });
    } else {
      mapping.matched.push({ key, parameter: p.name, shape: [...t.shape] });
    }
    filled.add(p);
  }
  for (const p of byName.values()) if (!filled.has(p)) mapping.missing.push(torchKey.get(p) ?? p.name);
  return mapping;
}

/** Sets every matched parameter's value (float32, on the parameter's device); mismatches and extras are left out. */
export function applyForeignWeights(model: BuiltModel, content: Readonly<Record<string, HostTensor>>, mapping: WeightMapping): number {
  const byName = model.net.collectParams();
  for (const m of mapping.matched) {
    const t = content[m.key]!;
    const data = t.dtype === 'float32' ? t : { dtype: 'float32' as const, shape: t.shape, data: Float32Array.from(t.data as ArrayLike<number>) };
    byName.at(m.parameter).setData(fromHostTensor(data));
  }
  return mapping.matched.length;
}
