// ONNX nodes → layers: each node is read by the first layer kind whose descriptor takes its
// operator (LayerSpec.onnxImport), and a few patterns across nodes are the importer's: Identity
// and Constant are values, not layers; an activation folds into the layer before it when that
// layer takes one; MatMul + Add becomes one Dense with a bias; BatchNormalization after a Conv
// folds into the Conv's weight and bias when no kind reads it; asymmetric pads become a Pad layer;
// an attention subgraph becomes one MultiHeadAttention (attention-pattern.ts), a LayerNorm spelled
// out in ReduceMean / Sub / Pow / Sqrt / Div one LayerNorm (layer-norm-pattern.ts), LSTM / GRU / RNN
// nodes with their zero states and joins one recurrent layer (recurrent-pattern.ts).
// What no kind reads is collected (operator, count, node names), never dropped.

import { layerKinds, layerSpec } from '../../nn/layers/index.ts';
import { withDefaults, type LayerSpec, type OnnxConstant, type OnnxNodeView, type OnnxRead } from '../../nn/layers/layer-spec.ts';
import { asVector } from '../../nn/layers/onnx-read.ts';
import { onnxGraphErrors } from './onnx-errors.ts';
import { findAttention, type FusedSubgraph } from './attention-pattern.ts';
import { findLayerNorms } from './layer-norm-pattern.ts';
import { findRecurrent } from './recurrent-pattern.ts';
import type { OnnxAttrValue, OnnxModelIn, OnnxNodeIn, OnnxTensorValue } from './onnx-model.ts';

export interface ImportedLayer {
  id: string;
  kind: string;
  /** PyTorch's module path when the export kept it (`layer1.0.conv1`), else ''. */
  scope: string;
  /** The ONNX node it came from (the first, when several fused). */
  onnxName: string;
  attrs: Record<string, unknown>;
  params: Record<string, OnnxConstant>;
  /** Value names feeding the layer's ports, in port order. */
  inputs: string[];
  output: string;
}

export interface Gap {
  opType: string;
  node: string;
  why: string;
}

export interface ImportedLayers {
  layers: ImportedLayer[];
  /** The graph input's value name and shape (-1 for symbolic dims). */
  input: { name: string; shape: number[] };
  /** Value names of the graph outputs (after aliases). */
  outputs: string[];
  shapes: Map<string, number[]>;
  gaps: Gap[];
}

const FUSABLE: Readonly<Record<string, string>> = { Relu: 'relu', Sigmoid: 'sigmoid', Tanh: 'tanh' };

/** Kinds by the operators they read, in registry order (the first that accepts a node wins). */
function readersOf(): Map<string, LayerSpec[]> {
  const m = new Map<string, LayerSpec[]>();
  for (const kind of layerKinds()) {
    const spec = layerSpec(kind);
    for (const op of spec.onnxImport?.ops ?? []) m.set(op, [...(m.get(op) ?? []), spec]);
  }
  return m;
}

const toConstant = (t: OnnxTensorValue): OnnxConstant => ({ shape: t.shape, values: t.values });

/** PyTorch's scoped node name (`/layer1/layer1.0/conv1/Conv`) → its module path (`layer1.0.conv1`). */
export function scopeOf(name: string): string {
  if (!name.startsWith('/')) return '';
  // Each segment is named relative to an ancestor (`layer1` then `layer1.0`; `downsample` then
  // `downsample.0`; `conv.0` then `conv.0.0`): it replaces the longest tail of the path it extends.
  let path: string[] = [];
  for (const seg of name.split('/').slice(1, -1)) {
    let k = path.length;
    while (k > 0 && !seg.startsWith(`${path.slice(path.length - k).join('.')}.`)) k--;
    path = [...path.slice(0, path.length - k), ...seg.split('.')];
  }
  return path.join('.');
}

/**
 * Reads every node; with `partial`, a node no kind reads stays in the graph as a layer of kind
 * `Unsupported_<op>` (a problem on the canvas) whose output takes its first input's shape.
 */
export function onnxToLayers(model: OnnxModelIn, partial = false): ImportedLayers {
  const readers = readersOf();
  const constants = new Map<string, OnnxConstant>([...model.initializers].map(([k, t]) => [k, toConstant(t)]));
  const alias = new Map<string, string>();
  const resolve = (v: string): string => {
    let x = v;
    while (alias.has(x)) x = alias.get(x)!;
    return x;
  };
  const shapes = new Map<string, number[]>();
  const producer = new Map<string, ImportedLayer>();
  const consumers = new Map<string, number>();
  for (const n of model.nodes) for (const i of n.inputs) if (i) consumers.set(i, (consumers.get(i) ?? 0) + 1);
  for (const o of model.outputs) consumers.set(o.name, (consumers.get(o.name) ?? 0) + 1);
  const layers: ImportedLayer[] = [];
  const gaps: Gap[] = [];

  const graphInput = model.inputs[0];
  if (!graphInput) throw onnxGraphErrors.noInput();
  if (model.inputs.length > 1) {
    throw onnxGraphErrors.inputs(model.inputs.map((i) => i.name));
  }
  const inputShape = (graphInput.dims ?? []).map((d) => (typeof d === 'number' && d > 0 ? d : -1));
  shapes.set(graphInput.name, inputShape);
  const known = new Set<string>([graphInput.name, ...constants.keys()]);
  let counter = 0;
  // Subgraphs read as one layer: made at their anchor node, their other nodes skipped.
  const fusedAt = new Map<OnnxNodeIn, FusedSubgraph>();
  const skipped = new Set<OnnxNodeIn>();
  const ahead = constantsAhead(model);
  for (const f of [...findAttention(model, scopeOf, ahead), ...findLayerNorms(model, ahead), ...findRecurrent(model, ahead)]) {
    fusedAt.set(f.anchor, f);
    for (const m of f.members) skipped.add(m);
  }

  const addLayer = (n: OnnxNodeIn, kind: string, read: OnnxRead, inputs: string[], output: string): ImportedLayer => {
    const spec = layerSpec(kind);
    const layer: ImportedLayer = {
      id: `n${counter++}`,
      kind,
      scope: scopeOf(n.name),
      onnxName: n.name,
      attrs: read.attrs,
      params: { ...read.params },
      inputs,
      output,
    };
    const inShapes = inputs.map((i) => shapes.get(i));
    // After an unsupported node shapes are unknown: the layer is kept, its output shape stays unknown.
    if (inShapes.every((s) => s)) {
      try {
        shapes.set(output, spec.outputShape(withDefaults(spec, read.attrs), inShapes as number[][]));
      } catch (error) {
        if (!partial) throw onnxGraphErrors.shapesMisfit(n.name, n.opType, kind, (error as Error).message);
      }
    }
    layers.push(layer);
    producer.set(output, layer);
    return layer;
  };

  for (const n of model.nodes) {
    const ins = n.inputs.map((i) => (i ? resolve(i) : ''));
    const missing = ins.find((i) => i && !known.has(i));
    if (missing) throw onnxGraphErrors.order(n.name, missing);
    for (const o of n.outputs) known.add(o);
    const out = n.outputs[0] ?? '';
    const gap = (why: string): void => void gaps.push({ opType: n.domain ? `${n.domain}.${n.opType}` : n.opType, node: n.name, why });
    if (n.domain && n.domain !== 'ai.onnx') {
      gap(`domain '${n.domain}' is not read`);
      continue;
    }
    if (n.opType === 'Constant') {
      const c = constantAttr(n.attributes);
      if (c) constants.set(out, c);
      else gap('a Constant of a form other than a tensor or numbers');
      continue;
    }
    if (n.opType === 'Identity') {
      alias.set(out, ins[0]!);
      continue;
    }
    const fused = fusedAt.get(n);
    if (fused) {
      const x = resolve(fused.input);
      if (partial || shapes.has(x)) addLayer(n, fused.kind, fused.read, [x], out);
      continue;
    }
    if (skipped.has(n)) continue;
    // Downstream of an unsupported node (refused anyway): only the causes are listed.
    if (!partial && ins.some((i) => i && !constants.has(i) && !shapes.has(i))) {
      if (!readers.has(n.opType)) gap('no layer kind reads this operator');
      continue;
    }
    const view = nodeView(n, ins, model.opset, constants, shapes);
    const first = producer.get(ins[0] ?? '');
    const single = first && (consumers.get(first.output) ?? 0) === 1 && ins[0] === first.output;
    // An activation into the layer before it (Conv2D(activation='relu')), as Gluon writes it.
    if (FUSABLE[n.opType] && single && first.attrs.activation == null && layerSpec(first.kind).attrs.some((a) => a.name === 'activation')) {
      first.attrs.activation = FUSABLE[n.opType];
      alias.set(out, first.output);
      continue;
    }
    // MatMul + Add(bias) → one Dense (PyTorch writes the bias first: Add(b, x·W)).
    const dense = producer.get(ins[1] ?? '')?.kind === 'Dense' && view.constant(0) ? producer.get(ins[1]!)! : first;
    const denseSingle = dense && (consumers.get(dense.output) ?? 0) === 1 && ins.includes(dense.output);
    if (n.opType === 'Add' && dense && denseSingle && dense.kind === 'Dense' && dense.attrs.useBias === false && dense.attrs.activation == null) {
      const c = view.constant(dense === first ? 1 : 0);
      const bias = c && asVector(c, dense.attrs.units as number);
      if (bias) {
        dense.attrs.useBias = true;
        dense.params.bias = bias;
        alias.set(out, dense.output);
        continue;
      }
    }
    const tries: string[] = [];
    let done = false;
    for (const spec of readers.get(n.opType) ?? []) {
      const read = spec.onnxImport!.read(view);
      if ('unsupported' in read) {
        tries.push(`${spec.kind}: ${read.unsupported}`);
        continue;
      }
      const data = (read.data ?? [0]).map((i) => ins[i] ?? '');
      const bad = data.find((d) => !d || constants.has(d));
      if (bad !== undefined) {
        tries.push(`${spec.kind}: input ${bad ? `'${bad}' is a constant` : 'missing'}`);
        continue;
      }
      let inputs = data;
      if (read.prePad) {
        if (!layerKinds().includes('Pad')) {
          tries.push(`${spec.kind}: asymmetric pads need a Pad layer`);
          continue;
        }
        const rank = read.prePad.length / 2;
        const padding = Array.from({ length: rank - 2 }, (_, i) => [read.prePad![i + 2]!, read.prePad![rank + i + 2]!]).flat();
        const pad = addLayer(n, 'Pad', { attrs: { padding, mode: 'constant', value: 0 } }, data, `${out}__pad`);
        inputs = [pad.output];
      }
      addLayer(n, spec.kind, read, inputs, out);
      done = true;
      break;
    }
    if (done) continue;
    gap(tries.length ? tries.join('; ') : 'no layer kind reads this operator');
    const data = ins.filter((i) => i && !constants.has(i));
    if (partial && data.length) {
      const layer: ImportedLayer = {
        id: `n${counter++}`,
        kind: `Unsupported_${n.opType}`,
        scope: scopeOf(n.name),
        onnxName: n.name,
        attrs: {},
        params: {},
        inputs: data,
        output: out,
      };
      shapes.set(out, [...(shapes.get(data[0]!) ?? [])]);
      layers.push(layer);
      producer.set(out, layer);
    }
  }
  return { layers, input: { name: graphInput.name, shape: inputShape }, outputs: model.outputs.map((o) => resolve(o.name)), shapes, gaps };
}

/** Every value's constant (initializers, Constant nodes, through Identity), before the nodes are read. */
function constantsAhead(model: OnnxModelIn): (value: string) => OnnxConstant | null {
  const values = new Map<string, OnnxConstant>([...model.initializers].map(([k, t]) => [k, toConstant(t)]));
  for (const n of model.nodes) {
    const c = n.opType === 'Constant' && !n.domain ? constantAttr(n.attributes) : null;
    if (c) values.set(n.outputs[0]!, c);
    const v = n.opType === 'Identity' && !n.domain ? values.get(n.inputs[0]!) : undefined;
    if (v) values.set(n.outputs[0]!, v);
  }
  return (value) => values.get(value) ?? null;
}

function constantAttr(a: Map<string, OnnxAttrValue>): OnnxConstant | null {
  const v = a.get('value');
  if (v && typeof v === 'object' && !Array.isArray(v)) return toConstant(v);
  for (const k of ['value_float', 'value_int']) if (typeof a.get(k) === 'number') return { shape: [], values: Float64Array.of(a.get(k) as number) };
  for (const k of ['value_floats', 'value_ints']) {
    const list = a.get(k);
    if (Array.isArray(list)) return { shape: [list.length], values: Float64Array.from(list as number[]) };
  }
  return null;
}

function nodeView(n: OnnxNodeIn, ins: string[], opset: number, constants: Map<string, OnnxConstant>, shapes: Map<string, number[]>): OnnxNodeView {
  return {
    opType: n.opType,
    name: n.name,
    opset,
    inputCount: ins.length,
    attr: <T>(name: string, fallback: T): T => {
      const v = n.attributes.get(name);
      return (v === undefined ? fallback : v) as T;
    },
    constant: (i: number) => (ins[i] ? (constants.get(ins[i]!) ?? null) : null),
    inputShape: (i: number) => (ins[i] ? (shapes.get(ins[i]!) ?? null) : null),
  } as OnnxNodeView;
}
