// LayerNorm spelled out → one LayerNorm layer. Before opset 17 (no LayerNormalization operator)
// torch.onnx.export writes nn.LayerNorm as
//   d = x − ReduceMean(x); y = d / Sqrt(ReduceMean(Pow(d, 2)) + ε) [· γ] [+ β]
// over the trailing axes. The chain is followed from each ReduceMean by data flow (no scope
// names needed); every inner value must stay inside it, or its nodes are read one by one.

import type { OnnxConstant } from '../../nn/layers/layer-spec.ts';
import type { OnnxModelIn, OnnxNodeIn } from './onnx-model.ts';
import type { FusedSubgraph } from './attention-pattern.ts';

type Lookup = (value: string) => OnnxConstant | null;

/** Every spelled-out LayerNorm of the model. */
export function findLayerNorms(model: OnnxModelIn, constantOf: Lookup): FusedSubgraph[] {
  const consumers = new Map<string, OnnxNodeIn[]>();
  for (const n of model.nodes) for (const i of n.inputs) if (i) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  for (const o of model.outputs) consumers.set(o.name, [...(consumers.get(o.name) ?? []), { opType: 'GraphOutput' } as OnnxNodeIn]);
  const found: FusedSubgraph[] = [];
  for (const mean of model.nodes) {
    if (mean.opType !== 'ReduceMean' || mean.domain) continue;
    const f = follow(mean, consumers, constantOf, model.opset);
    if (f) found.push(f);
  }
  return found;
}

/** The trailing axes a ReduceMean keeps (attribute, or input 1 from opset 18), as the first one (−k), or null. */
function trailingAxis(n: OnnxNodeIn, constantOf: Lookup, opset: number): number | null {
  const raw = opset >= 18 && n.inputs[1] ? constantOf(n.inputs[1]) : null;
  const axes = raw ? [...raw.values] : (n.attributes.get('axes') as number[] | undefined);
  if (!axes?.length || (n.attributes.get('keepdims') ?? 1) !== 1) return null;
  const sorted = [...axes].sort((a, b) => a - b);
  return sorted.every((a, i) => a === -sorted.length + i) ? sorted[0]! : null;
}

function follow(mean: OnnxNodeIn, consumers: Map<string, OnnxNodeIn[]>, constantOf: Lookup, opset: number): FusedSubgraph | null {
  const x = mean.inputs[0]!;
  const axis = trailingAxis(mean, constantOf, opset);
  if (axis === null) return null;
  const only = (v: string, op: string): OnnxNodeIn | null => {
    const c = consumers.get(v) ?? [];
    return c.length === 1 && c[0]!.opType === op ? c[0]! : null;
  };
  const scalar = (v: string | undefined): number | null => {
    const c = v ? constantOf(v) : null;
    return c && c.values.length === 1 ? c.values[0]! : null;
  };
  const sub = only(mean.outputs[0]!, 'Sub');
  if (!sub || sub.inputs[0] !== x || sub.inputs[1] !== mean.outputs[0]) return null;
  const uses = consumers.get(sub.outputs[0]!) ?? [];
  const pow = uses.find((n) => n.opType === 'Pow');
  const div = uses.find((n) => n.opType === 'Div');
  if (uses.length !== 2 || !pow || !div || scalar(pow.inputs[1]) !== 2 || div.inputs[0] !== sub.outputs[0]) return null;
  const variance = only(pow.outputs[0]!, 'ReduceMean');
  if (!variance || trailingAxis(variance, constantOf, opset) !== axis) return null;
  const add = only(variance.outputs[0]!, 'Add');
  const epsilon = add && scalar(add.inputs[1]);
  if (!add || epsilon === null || epsilon < 0) return null;
  const sqrt = only(add.outputs[0]!, 'Sqrt');
  if (!sqrt || only(sqrt.outputs[0]!, 'Div') !== div || div.inputs[1] !== sqrt.outputs[0]) return null;
  const members = new Set([mean, sub, pow, variance, add, sqrt, div]);
  let anchor = div;
  // γ and β: a Mul and an Add by constants of the normalized shape (either operand order).
  const operand = (n: OnnxNodeIn | null, v: string): OnnxConstant | null => {
    const other = n && (n.inputs[0] === v ? n.inputs[1] : n.inputs[0]);
    const c = other ? constantOf(other) : null;
    return c && c.shape.length === -axis ? c : null;
  };
  const mul = only(div.outputs[0]!, 'Mul');
  const gamma = operand(mul, div.outputs[0]!);
  if (mul && gamma) {
    members.add(mul);
    anchor = mul;
  }
  const shift = only(anchor.outputs[0]!, 'Add');
  const beta = operand(shift, anchor.outputs[0]!);
  if (shift && beta) {
    members.add(shift);
    anchor = shift;
  }
  const params: Record<string, OnnxConstant> = {};
  if (gamma) params.gamma = gamma;
  if (beta) params.beta = beta;
  return {
    kind: 'LayerNorm',
    read: { attrs: { axis, epsilon, scale: gamma !== null, center: beta !== null }, params },
    input: x,
    anchor,
    members,
  };
}
