// Attention subgraphs → one MultiHeadAttention layer. torch.onnx.export spells
// nn.MultiheadAttention (batch_first, self-attention, no mask or a causal one) as some forty nodes under one
// module scope (`/layers.0/self_attn/...`): Transpose to (T, N, E), MatMul + Add with the packed
// in-projection, three Slices, Reshapes and Transposes into heads, a scaled MatMul, Softmax,
// MatMul (+ the causal mask), heads joined, the out-projection (Gemm, or MatMul + Add), Transpose back. A scope is
// taken when it holds one Softmax, reads one run-time value and gives one, uses only those
// operators, and its weights, head width and scale fit together; otherwise its nodes are read one
// by one (and the ones no kind reads are reported as usual).

import type { OnnxConstant, OnnxRead } from '../../nn/layers/layer-spec.ts';
import { near, transposed2d } from '../../nn/layers/onnx-read.ts';
import type { OnnxModelIn, OnnxNodeIn } from './onnx-model.ts';

/** A subgraph read as one layer: made at `anchor` (the node giving its output), its other members skipped. */
export interface FusedSubgraph {
  kind: string;
  read: OnnxRead;
  input: string;
  anchor: OnnxNodeIn;
  members: Set<OnnxNodeIn>;
}

const ALLOWED = new Set([
  'Transpose',
  'MatMul',
  'Add',
  'Shape',
  'Gather',
  'Div',
  'Mul',
  'Slice',
  'Reshape',
  'Softmax',
  'Gemm',
  'Unsqueeze',
  'Squeeze',
  'Concat',
  'Cast',
  'Sqrt',
  'Dropout',
]);

type Lookup = (value: string) => OnnxConstant | null;
const perm = (n: OnnxNodeIn | undefined): string => JSON.stringify(n?.attributes.get('perm') ?? null);

/** Every recognised attention scope of the model, given how values resolve to constants. */
export function findAttention(model: OnnxModelIn, scopeOf: (name: string) => string, constantOf: Lookup): FusedSubgraph[] {
  const found: FusedSubgraph[] = [];
  for (const softmax of model.nodes.filter((n) => n.opType === 'Softmax')) {
    const scope = scopeOf(softmax.name);
    if (!scope) continue;
    const members = model.nodes.filter(
      (n) => n.opType !== 'Constant' && n.opType !== 'Identity' && (scopeOf(n.name) === scope || scopeOf(n.name).startsWith(`${scope}.`)),
    );
    const fused = readAttention(model, new Set(members), constantOf);
    if (fused) found.push(fused);
  }
  return found;
}

function readAttention(model: OnnxModelIn, members: Set<OnnxNodeIn>, constantOf: Lookup): FusedSubgraph | null {
  const list = [...members];
  if (!list.every((n) => !n.domain && ALLOWED.has(n.opType)) || list.filter((n) => n.opType === 'Softmax').length !== 1) return null;
  const producer = new Map<string, OnnxNodeIn>();
  for (const n of list) for (const o of n.outputs) producer.set(o, n);
  const inputs = new Set(list.flatMap((n) => n.inputs).filter((v) => v && !producer.has(v) && !constantOf(v)));
  const outside = [...model.nodes.filter((n) => !members.has(n)).flatMap((n) => n.inputs), ...model.outputs.map((o) => o.name)];
  const outputs = new Set(outside.filter((v) => producer.has(v)));
  if (inputs.size !== 1 || outputs.size !== 1) return null;
  const [x] = [...inputs] as [string];
  const anchor = producer.get([...outputs][0]!)!;
  // batch_first: (N, T, E) in, turned to (T, N, E) and back.
  const first = list.filter((n) => n.inputs.includes(x));
  if (first.length !== 1 || first[0]!.opType !== 'Transpose' || perm(first[0]) !== '[1,0,2]') return null;
  if (anchor.opType !== 'Transpose' || perm(anchor) !== '[1,0,2]') return null;
  const consumers = (v: string) => list.filter((n) => n.inputs.includes(v));

  // The in-projection: MatMul of the transposed input by (E, 3E), then maybe + b (3E).
  const inMatMul = consumers(first[0]!.outputs[0]!).find((n) => n.opType === 'MatMul');
  const wIn = inMatMul && constantOf(inMatMul.inputs[1]!);
  if (!inMatMul || !wIn || wIn.shape.length !== 2 || wIn.shape[1] !== 3 * wIn.shape[0]!) return null;
  const e = wIn.shape[0]!;
  const inAdd = consumers(inMatMul.outputs[0]!).find((n) => n.opType === 'Add');
  const inBias = inAdd ? vectorOperand(inAdd, inMatMul.outputs[0]!, 3 * e, constantOf) : null;
  if (inAdd && !inBias) return null;

  // The out-projection: the other 2-d constant weight, (E, E), by Gemm or MatMul (+ Add).
  const outNode = list.find((n) => n !== inMatMul && (n.opType === 'Gemm' || n.opType === 'MatMul') && constantOf(n.inputs[1]!)?.shape.length === 2);
  if (!outNode) return null;
  const wOutRaw = constantOf(outNode.inputs[1]!)!;
  if (wOutRaw.shape[0] !== e || wOutRaw.shape[1] !== e) return null;
  let wOut: OnnxConstant;
  let outBias: OnnxConstant | null;
  if (outNode.opType === 'Gemm') {
    const [alpha, beta, transA, transB] = ['alpha', 'beta', 'transA', 'transB'].map(
      (k, i) => (outNode.attributes.get(k) as number | undefined) ?? (i < 2 ? 1 : 0),
    );
    if (alpha !== 1 || beta !== 1 || transA !== 0) return null;
    wOut = transB ? wOutRaw : transposed2d(wOutRaw);
    const c = outNode.inputs[2] ? constantOf(outNode.inputs[2]) : null;
    if (outNode.inputs[2] && (!c || c.values.length !== e)) return null;
    outBias = c && { shape: [e], values: c.values };
  } else {
    wOut = transposed2d(wOutRaw);
    const add = consumers(outNode.outputs[0]!).find((n) => n.opType === 'Add');
    outBias = add ? vectorOperand(add, outNode.outputs[0]!, e, constantOf) : null;
    if (add && !outBias) return null;
  }

  // Scores: Softmax over the last axis of a MatMul, maybe scaled, maybe plus a causal mask (any
  // other mask is refused: the layer would drop it).
  const softmax = list.find((n) => n.opType === 'Softmax')!;
  const axis = softmax.attributes.get('axis') as number | undefined;
  if (!(axis === -1 || axis === 2 || (axis === undefined && model.opset >= 13))) return null;
  let scores = producer.get(softmax.inputs[0]!);
  let causal = false;
  if (scores?.opType === 'Add') {
    const k = constantOf(scores.inputs[1]!) ? 1 : 0;
    if (!isCausalMask(constantOf(scores.inputs[k]!))) return null;
    causal = true;
    scores = producer.get(scores.inputs[1 - k]!);
  }
  if ((scores?.opType === 'Mul' || scores?.opType === 'Div') && constantOf(scores.inputs[1]!)?.values.length === 1) scores = producer.get(scores.inputs[0]!);
  if (scores?.opType !== 'MatMul') return null;

  // Heads: the head width is the smallest last axis the Reshapes give; the scale must be 1/√d.
  const widths = list
    .filter((n) => n.opType === 'Reshape')
    .map((n) => constantOf(n.inputs[1]!))
    .filter((c) => c && c.shape[0] === 3)
    .map((c) => c!.values[2]!);
  const d = Math.min(...widths.filter((w) => w > 0 && e % w === 0));
  if (!Number.isFinite(d)) return null;
  const scaled = list.some((n) => {
    const c = constantOf(n.inputs[1] ?? '');
    return c?.values.length === 1 && ((n.opType === 'Div' && near(c.values[0]!, Math.sqrt(d))) || (n.opType === 'Mul' && near(c.values[0]!, 1 / Math.sqrt(d))));
  });
  if (!scaled) return null;

  // One useBias for both projections: a missing bias is zeros.
  const useBias = inBias !== null || outBias !== null;
  const zeros = (n: number): OnnxConstant => ({ shape: [n], values: new Float64Array(n) });
  const params: Record<string, OnnxConstant> = { in_proj_weight: transposed2d(wIn), out_proj_weight: wOut };
  if (useBias) Object.assign(params, { in_proj_bias: inBias ?? zeros(3 * e), out_proj_bias: outBias ?? zeros(e) });
  return {
    kind: 'MultiHeadAttention',
    read: { attrs: { heads: e / d, embedDim: e, causal, dropout: 0, useBias }, params },
    input: x,
    anchor,
    members,
  };
}

/** A (T, T) mask (leading axes of 1) that is 0 on and below the diagonal and −∞ (or below −1e9) above it. */
function isCausalMask(c: OnnxConstant | null): boolean {
  if (!c || c.shape.length < 2 || c.shape.slice(0, -2).some((x) => x !== 1)) return false;
  const t = c.shape.at(-1)!;
  if (c.shape.at(-2) !== t) return false;
  for (let i = 0; i < t; i++)
    for (let j = 0; j < t; j++) {
      const v = c.values[i * t + j]!;
      if (j <= i ? v !== 0 : !(v <= -1e9)) return false;
    }
  return true;
}

/** The constant operand of an Add (either side) beside `value`, as a vector of n, or null. */
function vectorOperand(add: OnnxNodeIn, value: string, n: number, constantOf: Lookup): OnnxConstant | null {
  const other = add.inputs[0] === value ? add.inputs[1] : add.inputs[0];
  const c = other ? constantOf(other) : null;
  return c && c.values.length === n ? { shape: [n], values: c.values } : null;
}
