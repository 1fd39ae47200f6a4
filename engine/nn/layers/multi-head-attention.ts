// MultiHeadAttention: self-attention over (N, T, E) as PyTorch's nn.MultiheadAttention
// (batch_first): q, k, v = x·W_inᵀ + b_in split in three, each split into `heads` heads of E/heads,
// softmax(q·kᵀ/√d [+ causal mask])·v per head, heads joined, then the output projection. The
// parameters are PyTorch's packed ones (in_proj_weight (3E, E), out_proj_weight (E, E)), so
// state dicts interchange; E is inferred from the first batch. ONNX as MatMul/Softmax nodes.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { linear } from '../../ops/linalg.ts';
import type { InitSpec } from '../../init/registry.ts';
import { Block } from '../block.ts';
import type { ParameterDict } from '../parameter-dict.ts';
import type { Parameter } from '../parameter.ts';
import { modelErrors, pyTuple } from '../model-errors.ts';
import { attend, embedOf } from './attention-core.ts';
import { mhaGluonPreamble, mhaToOnnx } from './attention-export.ts';
import { ONE_INPUT, ONE_OUTPUT, shapeRule, type LayerSpec } from './layer-spec.ts';

export interface MultiHeadAttentionArgs {
  /** Model width E; 0 or omitted = the input's last axis (deferred). */
  embedDim?: number;
  /** Position i attends to positions ≤ i only. */
  causal?: boolean;
  /** Dropout on the attention weights (training only). */
  dropout?: number;
  useBias?: boolean;
  weightInitializer?: InitSpec | null;
  params?: ParameterDict;
  prefix?: string;
}

export class MultiHeadAttention extends Block {
  static readonly spec: LayerSpec = {
    kind: 'MultiHeadAttention',
    category: 'attention',
    doc: 'Multi-head self-attention over (N, T, E): each position mixes the values of the positions it attends to.',
    attrs: [
      { name: 'heads', type: 'int', min: 1, default: 1, doc: 'number of heads (E must divide by it)' },
      { name: 'embedDim', type: 'int', min: 0, default: 0, doc: 'model width E; 0 = infer from the first batch' },
      { name: 'causal', type: 'bool', default: false, doc: 'mask future positions (a language model)' },
      { name: 'dropout', type: 'float', min: 0, max: 0.99, default: 0, doc: 'dropout on the attention weights (training only)' },
      { name: 'useBias', type: 'bool', default: true, doc: 'biases on the projections' },
      { name: 'weightInitializer', type: 'initializer', default: null, doc: 'projection weights init (null: the block-level init)' },
    ],
    inputs: ONE_INPUT,
    outputs: ONE_OUTPUT,
    params: [
      { name: 'in_proj_weight', init: null, shape: (a, x) => { const e = embedOf(a, x); return [3 * e < 0 ? -1 : 3 * e, e]; } },
      { name: 'in_proj_bias', init: 'zeros', shape: (a, x) => { const e = embedOf(a, x); return [e < 0 ? -1 : 3 * e]; }, present: (a) => a.useBias !== false },
      { name: 'out_proj_weight', init: null, shape: (a, x) => [embedOf(a, x), embedOf(a, x)] },
      { name: 'out_proj_bias', init: 'zeros', shape: (a, x) => [embedOf(a, x)], present: (a) => a.useBias !== false },
    ],
    outputShape: (a, [x]) => {
      embedOf(a, x);
      return [...x!];
    },
    // Projections 4·E² per position, scores and mixing 2·T·E per position.
    flops: (_a, [x]) => {
      const [n, t, e] = x!.map((d) => Math.max(d, 1)) as [number, number, number];
      return 2 * n * t * (4 * e * e + 2 * t * e);
    },
    repr: (a, x) => `MultiHeadAttention(${embedOf(a, x)}, heads=${String(a.heads)}${a.causal ? ', causal' : ''})`,
    onnx: mhaToOnnx,
    code: {
      pytorch: {
        module: (s) => `nn.MultiheadAttention(${embedOf(s.attrs, s.inputShapes[0])}, ${String(s.attrs.heads)}, dropout=${String(s.attrs.dropout)}` +
          `${s.attrs.useBias === false ? ', bias=False' : ''}, batch_first=True)`,
        forward: (s) => {
          const x = s.inputs[0]!;
          const t = `(${x}.shape[1], ${x}.shape[1])`;
          // Without biases PyTorch 1.13's inference fast path fails (qkv_bias None); any mask turns it off.
          const mask = s.attrs.causal ? `, attn_mask=torch.triu(torch.full(${t}, float('-inf'), device=${x}.device), diagonal=1)`
            : s.attrs.useBias === false ? `, attn_mask=torch.zeros(${t}, device=${x}.device)` : '';
          return `${s.self}(${x}, ${x}, ${x}, need_weights=False${mask})[0]`;
        },
        stateNames: { out_proj_weight: 'out_proj.weight', out_proj_bias: 'out_proj.bias' },
      },
      gluon: {
        module: (s) => `MultiHeadAttention(${embedOf(s.attrs, s.inputShapes[0])}, ${String(s.attrs.heads)}, ${s.attrs.causal ? 'True' : 'False'}, ` +
          `${String(s.attrs.dropout)}, ${s.attrs.useBias === false ? 'False' : 'True'}, prefix='${s.prefix}')`,
        forward: (s) => `${s.self}(${s.inputs[0]!})`,
        preamble: mhaGluonPreamble,
      },
      typescript: {
        child: (s) => ({
          type: 'MultiHeadAttention',
          make: `new MultiHeadAttention(${String(s.attrs.heads)}, { embedDim: ${embedOf(s.attrs, s.inputShapes[0])}, causal: ${String(!!s.attrs.causal)}, ` +
            `dropout: ${String(s.attrs.dropout)}, useBias: ${String(s.attrs.useBias !== false)}, ${s.tiedTo ? `params: ${s.tiedTo}.params, ` : ''}prefix: '${s.prefix}' })`,
        }),
      },
    },
    create: (a, o) => new MultiHeadAttention(a.heads as number, { ...(a as MultiHeadAttentionArgs), prefix: o.prefix, params: o.params ?? undefined }),
  };

  readonly heads: number;
  readonly causal: boolean;
  readonly dropout: number;
  readonly inProj: Parameter;
  readonly inBias: Parameter | null;
  readonly outProj: Parameter;
  readonly outBias: Parameter | null;
  /** The last forward's attention weights (N, heads, T, T), kept when `keepWeights` is set (attention maps). */
  lastWeights: NDArray | null = null;
  keepWeights = false;

  /** `new MultiHeadAttention(heads, {causal: true})`: E comes from the first batch unless embedDim is given. */
  constructor(heads = 1, args: MultiHeadAttentionArgs = {}) {
    super({ prefix: args.prefix, params: args.params ?? null });
    const e = shapeRule(this.name, () => embedOf({ heads, embedDim: args.embedDim ?? 0 }));
    const dropout = args.dropout ?? 0;
    if (!(dropout >= 0 && dropout < 1)) throw modelErrors.block(this.name, `dropout must be in [0, 1), got ${String(dropout)}.`);
    this.heads = heads;
    this.causal = args.causal ?? false;
    this.dropout = dropout;
    const init = args.weightInitializer ?? null;
    const get = (name: string, shape: number[], i: InitSpec | null) => this.params.get(name, { shape, init: i, dtype: 'float32', allowDeferredInit: true });
    this.inProj = get('in_proj_weight', [e < 0 ? -1 : 3 * e, e], init);
    this.inBias = args.useBias === false ? null : get('in_proj_bias', [e < 0 ? -1 : 3 * e], 'zeros');
    this.outProj = get('out_proj_weight', [e, e], init);
    this.outBias = args.useBias === false ? null : get('out_proj_bias', [e], 'zeros');
  }

  override inferShape(x: NDArray): void {
    const e = shapeRule(this.name, () => embedOf({ heads: this.heads, embedDim: 0 }, x.shape));
    const want: [Parameter | null, number[]][] = [[this.inProj, [3 * e, e]], [this.inBias, [3 * e]], [this.outProj, [e, e]], [this.outBias, [e]]];
    for (const [p, shape] of want) {
      if (!p) continue;
      try {
        p.shape = shape;
      } catch {
        throw modelErrors.inputMismatch(this.name, p.name, pyTuple(p.shape!), pyTuple(shape));
      }
    }
  }

  override forward(x: NDArray): NDArray {
    this.ensureInitialized(x);
    const [n, t, e] = shapeRule(this.name, () => {
      const width = embedOf({ heads: this.heads, embedDim: this.outProj.shape![0] }, x.shape);
      return [x.shape[0]!, x.shape[1]!, width];
    });
    const dev = x.device;
    const d = e / this.heads;
    const qkv = linear(x, this.inProj.data(dev), this.inBias?.data(dev) ?? null, { flatten: false });
    const head = (i: number): NDArray => qkv.slice(null, null, [i * e, (i + 1) * e]).reshape([n, t, this.heads, d]).transpose([0, 2, 1, 3]);
    this.lastWeights = null;
    const o = attend(head(0), head(1), head(2), {
      causal: this.causal, dropout: this.dropout, onWeights: this.keepWeights ? (w) => { this.lastWeights = w; } : undefined,
    });
    const merged = o.transpose([0, 2, 1, 3]).reshape([n, t, e]);
    return linear(merged, this.outProj.data(dev), this.outBias?.data(dev) ?? null, { flatten: false });
  }

  override getConfig(): Record<string, unknown> {
    const e = this.outProj.shape![0]!;
    return { heads: this.heads, embedDim: e < 0 ? 0 : e, causal: this.causal, dropout: this.dropout, useBias: this.inBias !== null };
  }

  override toString(): string {
    return MultiHeadAttention.spec.repr(this.getConfig());
  }
}
