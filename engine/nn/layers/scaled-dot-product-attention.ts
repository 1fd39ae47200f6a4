// ScaledDotProductAttention: softmax(q·kᵀ/√d [+ causal mask])·v over the last two axes of its
// three inputs (any leading batch / head axes), the core of MultiHeadAttention as a node of its
// own, so a graph can build its own projections around it. No parameters.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { Block } from '../block.ts';
import type { HybridUnit } from '../hybrid-units.ts';
import { modelErrors, pyTuple } from '../model-errors.ts';
import { attend, causalMask } from './attention-core.ts';
import { ONE_OUTPUT, shapeRule, type LayerSpec, type ShapeLike } from './layer-spec.ts';

export interface ScaledDotProductAttentionArgs {
  causal?: boolean;
  dropout?: number;
  prefix?: string;
}

const shown = (x: ShapeLike): string => pyTuple(x.map((d) => (d < 0 ? -1 : d)));

/** (…, Tq, dv) from q (…, Tq, d), k (…, Tk, d), v (…, Tk, dv). */
function attentionShape(q: ShapeLike, k: ShapeLike, v: ShapeLike): number[] {
  if (q.length < 2 || k.length !== q.length || v.length !== q.length) {
    throw new Error(`ScaledDotProductAttention needs query, key and value of one rank ≥ 2, got ${shown(q)}, ${shown(k)}, ${shown(v)}`);
  }
  const n = q.length;
  const clash = (a: number, b: number) => a > 0 && b > 0 && a !== b;
  if (clash(q[n - 1]!, k[n - 1]!)) throw new Error(`query and key must share their last axis, got ${shown(q)} and ${shown(k)}`);
  if (clash(k[n - 2]!, v[n - 2]!)) throw new Error(`key and value must have the same length (axis −2), got ${shown(k)} and ${shown(v)}`);
  return [...q.slice(0, -1), v[n - 1]!];
}

const GLUON_SDPA = `def scaled_dot_product_attention(q, k, v, causal):
    lead, tq, tk, d = q.shape[:-2], q.shape[-2], k.shape[-2], q.shape[-1]
    q3, k3, v3 = q.reshape((-1, tq, d)), k.reshape((-1, tk, d)), v.reshape((-1, tk, v.shape[-1]))
    s = nd.batch_dot(q3, k3, transpose_b=True) / d ** 0.5
    if causal:
        i = nd.arange(tq, ctx=q.context).reshape((1, tq, 1))
        j = nd.arange(tk, ctx=q.context).reshape((1, 1, tk))
        s = nd.broadcast_add(s, (nd.broadcast_greater(j, i + (tk - tq))) * -1e9)
    return nd.batch_dot(nd.softmax(s, axis=-1), v3).reshape(lead + (tq, v.shape[-1]))`;

export class ScaledDotProductAttention extends Block {
  static readonly spec: LayerSpec = {
    kind: 'ScaledDotProductAttention',
    category: 'attention',
    doc: 'softmax(q·kᵀ/√d)·v over the last two axes of query, key and value (optionally causal).',
    attrs: [
      { name: 'causal', type: 'bool', default: false, doc: 'query i attends to keys ≤ i only' },
      { name: 'dropout', type: 'float', min: 0, max: 0.99, default: 0, doc: 'dropout on the attention weights (training only)' },
    ],
    inputs: [
      { name: 'query', doc: '(…, Tq, d)' },
      { name: 'key', doc: '(…, Tk, d)' },
      { name: 'value', doc: '(…, Tk, dv)' },
    ],
    outputs: ONE_OUTPUT,
    params: [],
    outputShape: (_a, [q, k, v]) => attentionShape(q!, k!, v!),
    repr: (a) => `ScaledDotProductAttention(${a.causal ? 'causal' : 'full'})`,
    onnx: (e) => {
      const [q, k, v] = e.inputs as [string, string, string];
      const [qs, ks] = [e.inputShapes[0]!, e.inputShapes[1]!];
      const perm = ks.map((_, i) => i);
      [perm[ks.length - 1], perm[ks.length - 2]] = [perm[ks.length - 2]!, perm[ks.length - 1]!];
      let s = e.node('Mul', [e.node('MatMul', [q, e.node('Transpose', [k], { perm })]), e.constant([1 / Math.sqrt(qs[qs.length - 1]!)])]);
      if (e.attrs.causal) {
        const [tq, tk] = [qs[qs.length - 2]!, ks[ks.length - 2]!];
        if (tq < 0 || tk < 0) throw new Error('a causal ScaledDotProductAttention exports to ONNX with fixed sequence lengths');
        s = e.node('Add', [s, e.constant(causalMask(tq, tk), [tq, tk])]);
      }
      return e.node('MatMul', [e.node('Softmax', [s], { axis: -1 }), v]);
    },
    code: {
      pytorch: {
        forward: (s) => {
          const [q, k, v] = s.inputs as [string, string, string];
          const d = s.inputShapes[0]![s.inputShapes[0]!.length - 1]!;
          const mask = s.attrs.causal
            ? ` + torch.full((${q}.shape[-2], ${k}.shape[-2]), -1e9, device=${q}.device).triu(1 + ${k}.shape[-2] - ${q}.shape[-2])`
            : '';
          return `torch.softmax(${q} @ ${k}.transpose(-2, -1) / ${Math.sqrt(d)}${mask}, -1) @ ${v}`;
        },
      },
      gluon: {
        forward: (s) => `scaled_dot_product_attention(${s.inputs.join(', ')}, ${s.attrs.causal ? 'True' : 'False'})`,
        preamble: GLUON_SDPA,
      },
      typescript: {
        child: (s) => ({
          type: 'ScaledDotProductAttention',
          make: `new ScaledDotProductAttention({ causal: ${String(!!s.attrs.causal)}, dropout: ${String(s.attrs.dropout)}, prefix: '${s.prefix}' })`,
        }),
      },
    },
    create: (a, o) => new ScaledDotProductAttention({ ...(a as ScaledDotProductAttentionArgs), prefix: o.prefix }),
  };

  readonly causal: boolean;
  readonly dropout: number;

  constructor(args: ScaledDotProductAttentionArgs = {}) {
    super({ prefix: args.prefix });
    this.causal = args.causal ?? false;
    this.dropout = args.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout < 1)) throw modelErrors.block(this.name, `dropout must be in [0, 1), got ${String(this.dropout)}.`);
  }

  override forward(q: NDArray, k: NDArray, v: NDArray): NDArray {
    shapeRule(this.name, () => attentionShape(q.shape, k.shape, v.shape));
    return attend(q, k, v, { causal: this.causal, dropout: this.dropout });
  }

  override hybridUnits(): HybridUnit[] | null {
    if (this.forward !== ScaledDotProductAttention.prototype.forward) return null;
    return [{ kind: 'sdpa', owner: this, causal: this.causal }];
  }

  override getConfig(): Record<string, unknown> {
    return { causal: this.causal, dropout: this.dropout };
  }
}
