// MultiHeadAttention as PyTorch's nn.MultiheadAttention (batch_first): q, k, v = projections of
// the query (N, L, E), key (N, S, kdim) and value (N, S, vdim) — optional ports, self-attention
// when left open — each split into `heads` heads of E/heads, softmax(q·kᵀ/√d [+ causal mask]
// [+ key-padding mask])·v per head, heads joined, then the output projection. The parameters are
// PyTorch's (packed in_proj_weight (3E, E), or q/k/v_proj_weight when kdim or vdim differ from E),
// so state dicts interchange; E is inferred from the first batch. ONNX as MatMul/Softmax nodes.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { linear } from '../../ops/linalg.ts';
import type { InitSpec } from '../../init/registry.ts';
import { Block } from '../block.ts';
import type { HybridUnit } from '../hybrid-units.ts';
import type { ParameterDict } from '../parameter-dict.ts';
import type { Parameter } from '../parameter.ts';
import { modelErrors, pyTuple } from '../model-errors.ts';
import { attend, embedOf, keyDim, mhaShapes, separateProjections, valueDim } from './attention-core.ts';
import { mhaGluonPreamble, mhaToOnnx } from './attention-export.ts';
import { ONE_OUTPUT, shapeRule, type Attrs, type LayerSpec, type ParamSpec } from './layer-spec.ts';

export interface MultiHeadAttentionArgs {
  /** Model width E; 0 or omitted = the input's last axis (deferred). */
  embedDim?: number;
  /** Key / value widths (torch's kdim / vdim); 0 = E. A width other than E needs embedDim. */
  kdim?: number;
  vdim?: number;
  /** Position i attends to positions ≤ i only. */
  causal?: boolean;
  /** Dropout on the attention weights (training only). */
  dropout?: number;
  useBias?: boolean;
  weightInitializer?: InitSpec | null;
  params?: ParameterDict;
  prefix?: string;
}

const packed = (a: Attrs): boolean => !separateProjections(a);
const E = embedOf;
const PARAMS: readonly ParamSpec[] = [
  {
    name: 'in_proj_weight',
    init: null,
    shape: (a, x) => {
      const e = E(a, x);
      return [3 * e < 0 ? -1 : 3 * e, e];
    },
    present: packed,
  },
  { name: 'q_proj_weight', init: null, shape: (a, x) => [E(a, x), E(a, x)], present: (a) => !packed(a) },
  { name: 'k_proj_weight', init: null, shape: (a, x) => [E(a, x), keyDim(a, E(a, x))], present: (a) => !packed(a) },
  { name: 'v_proj_weight', init: null, shape: (a, x) => [E(a, x), valueDim(a, E(a, x))], present: (a) => !packed(a) },
  {
    name: 'in_proj_bias',
    init: 'zeros',
    shape: (a, x) => {
      const e = E(a, x);
      return [e < 0 ? -1 : 3 * e];
    },
    present: (a) => a.useBias !== false,
  },
  { name: 'out_proj_weight', init: null, shape: (a, x) => [E(a, x), E(a, x)] },
  { name: 'out_proj_bias', init: 'zeros', shape: (a, x) => [E(a, x)], present: (a) => a.useBias !== false },
];

/** The code export's key and value: an open port takes the one before it (self-attention). */
const kv = (ins: readonly string[]): [string, string, string] => {
  const q = ins[0]!;
  const k = ins[1] || q;
  return [q, k, ins[2] || k];
};

export class MultiHeadAttention extends Block {
  static readonly spec: LayerSpec = {
    kind: 'MultiHeadAttention',
    category: 'attention',
    doc: 'Multi-head self-attention over (N, T, E): each position mixes the values of the positions it attends to.',
    attrs: [
      { name: 'heads', type: 'int', min: 1, default: 1, doc: 'number of heads (E must divide by it)' },
      { name: 'embedDim', type: 'int', min: 0, default: 0, doc: 'model width E; 0 = infer from the first batch' },
      { name: 'kdim', type: 'int', min: 0, default: 0, doc: 'key features (0 = E); another width needs embedDim' },
      { name: 'vdim', type: 'int', min: 0, default: 0, doc: 'value features (0 = E); another width needs embedDim' },
      { name: 'causal', type: 'bool', default: false, doc: 'mask future positions (a language model)' },
      { name: 'dropout', type: 'float', min: 0, max: 0.99, default: 0, doc: 'dropout on the attention weights (training only)' },
      { name: 'useBias', type: 'bool', default: true, doc: 'biases on the projections' },
      { name: 'weightInitializer', type: 'initializer', default: null, doc: 'projection weights init (null: the block-level init)' },
    ],
    inputs: [
      { name: 'data', doc: 'query (N, L, E)' },
      { name: 'key', doc: '(N, S, kdim); open = the query (self-attention)', optional: true },
      { name: 'value', doc: '(N, S, vdim); open = the key', optional: true },
      { name: 'mask', doc: 'key-padding mask (N, S): nonzero / true keys are ignored', optional: true },
    ],
    outputs: ONE_OUTPUT,
    params: PARAMS,
    outputShape: (a, ins) => {
      separateProjections(a);
      const e = mhaShapes(a, ins);
      return [...ins[0]!.slice(0, 2), e];
    },
    // Projections 4·E² per position, scores and mixing 2·T·E per position.
    flops: (_a, [x]) => {
      const [n, t, e] = x!.map((d) => Math.max(d, 1)) as [number, number, number];
      return 2 * n * t * (4 * e * e + 2 * t * e);
    },
    repr: (a, x) =>
      `MultiHeadAttention(${embedOf(a, x)}, heads=${String(a.heads)}${a.kdim ? `, kdim=${String(a.kdim)}` : ''}` +
      `${a.vdim ? `, vdim=${String(a.vdim)}` : ''}${a.causal ? ', causal' : ''})`,
    onnx: mhaToOnnx,
    code: {
      pytorch: {
        module: (s) =>
          `nn.MultiheadAttention(${embedOf(s.attrs, s.inputShapes[0])}, ${String(s.attrs.heads)}, dropout=${String(s.attrs.dropout)}` +
          `${s.attrs.useBias === false ? ', bias=False' : ''}${s.attrs.kdim ? `, kdim=${String(s.attrs.kdim)}` : ''}` +
          `${s.attrs.vdim ? `, vdim=${String(s.attrs.vdim)}` : ''}, batch_first=True)`,
        forward: (s) => {
          const [q, k, v] = kv(s.inputs);
          const pad = s.inputs[3];
          const t = `(${q}.shape[1], ${k}.shape[1])`;
          // Without biases PyTorch 1.13's inference fast path fails (qkv_bias None), and with a
          // key-padding mask it zeroes padded query rows: any attn_mask turns it off.
          const mask = s.attrs.causal
            ? `, attn_mask=torch.full(${t}, float('-inf'), device=${q}.device).triu(1 + ${k}.shape[1] - ${q}.shape[1])`
            : s.attrs.useBias === false || pad
              ? `, attn_mask=torch.zeros(${t}, device=${q}.device)`
              : '';
          return `${s.self}(${q}, ${k}, ${v}, need_weights=False${mask}${pad ? `, key_padding_mask=${pad} != 0` : ''})[0]`;
        },
        stateNames: { out_proj_weight: 'out_proj.weight', out_proj_bias: 'out_proj.bias' },
      },
      gluon: {
        module: (s) =>
          `MultiHeadAttention(${embedOf(s.attrs, s.inputShapes[0])}, ${String(s.attrs.heads)}, ${s.attrs.causal ? 'True' : 'False'}, ` +
          `${String(s.attrs.dropout)}, ${s.attrs.useBias === false ? 'False' : 'True'}, ${String(s.attrs.kdim)}, ${String(s.attrs.vdim)}, prefix='${s.prefix}')`,
        forward: (s) => `${s.self}(${[...kv(s.inputs), s.inputs[3] || 'None'].join(', ')})`,
        preamble: mhaGluonPreamble,
      },
      typescript: {
        child: (s) => ({
          type: 'MultiHeadAttention',
          make:
            `new MultiHeadAttention(${String(s.attrs.heads)}, { embedDim: ${embedOf(s.attrs, s.inputShapes[0])}, ` +
            `kdim: ${String(s.attrs.kdim)}, vdim: ${String(s.attrs.vdim)}, causal: ${String(!!s.attrs.causal)}, ` +
            `dropout: ${String(s.attrs.dropout)}, useBias: ${String(s.attrs.useBias !== false)}, ${s.tiedTo ? `params: ${s.tiedTo}.params, ` : ''}prefix: '${s.prefix}' })`,
        }),
        forward: (s) => `${s.self}.call(${[...kv(s.inputs), ...(s.inputs[3] ? [s.inputs[3]] : [])].join(', ')})`,
      },
    },
    create: (a, o) => new MultiHeadAttention(a.heads as number, { ...(a as MultiHeadAttentionArgs), prefix: o.prefix, params: o.params ?? undefined }),
  };

  readonly heads: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly causal: boolean;
  readonly dropout: number;
  /** Packed (3E, E) projection, or null when q/k/v have their own (kdim or vdim ≠ E). */
  readonly inProj: Parameter | null;
  readonly qkvProj: [Parameter, Parameter, Parameter] | null;
  readonly inBias: Parameter | null;
  readonly outProj: Parameter;
  readonly outBias: Parameter | null;
  /** The last forward's attention weights (N, heads, L, S), kept when `keepWeights` is set (attention maps). */
  lastWeights: NDArray | null = null;
  keepWeights = false;

  /** `new MultiHeadAttention(heads, {causal: true})`: E comes from the first batch unless embedDim is given. */
  constructor(heads = 1, args: MultiHeadAttentionArgs = {}) {
    super({ prefix: args.prefix, params: args.params ?? null });
    const attrs = { heads, embedDim: args.embedDim ?? 0, kdim: args.kdim ?? 0, vdim: args.vdim ?? 0 };
    const e = shapeRule(this.name, () => embedOf(attrs));
    const separate = shapeRule(this.name, () => separateProjections(attrs));
    const dropout = args.dropout ?? 0;
    if (!(dropout >= 0 && dropout < 1)) throw modelErrors.block(this.name, `dropout must be in [0, 1), got ${String(dropout)}.`);
    this.heads = heads;
    this.kdim = attrs.kdim;
    this.vdim = attrs.vdim;
    this.causal = args.causal ?? false;
    this.dropout = dropout;
    const init = args.weightInitializer ?? null;
    const get = (name: string, shape: number[], i: InitSpec | null) => this.params.get(name, { shape, init: i, dtype: 'float32', allowDeferredInit: true });
    this.inProj = separate ? null : get('in_proj_weight', [e < 0 ? -1 : 3 * e, e], init);
    this.qkvProj = separate
      ? [get('q_proj_weight', [e, e], init), get('k_proj_weight', [e, keyDim(attrs, e)], init), get('v_proj_weight', [e, valueDim(attrs, e)], init)]
      : null;
    this.inBias = args.useBias === false ? null : get('in_proj_bias', [e < 0 ? -1 : 3 * e], 'zeros');
    this.outProj = get('out_proj_weight', [e, e], init);
    this.outBias = args.useBias === false ? null : get('out_proj_bias', [e], 'zeros');
  }

  /** Only the packed case defers (separate projections need embedDim). */
  override inferShape(x: NDArray): void {
    const e = shapeRule(this.name, () => embedOf({ heads: this.heads, embedDim: 0 }, x.shape));
    const want: [Parameter | null, number[]][] = [
      [this.inProj, [3 * e, e]],
      [this.inBias, [3 * e]],
      [this.outProj, [e, e]],
      [this.outBias, [e]],
    ];
    for (const [p, shape] of want) {
      if (!p) continue;
      try {
        p.shape = shape;
      } catch {
        throw modelErrors.inputMismatch(this.name, p.name, pyTuple(p.shape!), pyTuple(shape));
      }
    }
  }

  /**
   * query (N, L, E); key (N, S, kdim) and value (N, S, vdim) default to the query / the key;
   * mask (N, S), nonzero = ignore that key (torch's key_padding_mask).
   */
  override forward(x: NDArray, key?: NDArray, value?: NDArray, mask?: NDArray): NDArray {
    this.ensureInitialized(x);
    const k = key ?? x;
    const v = value ?? k;
    const e = shapeRule(this.name, () =>
      mhaShapes({ heads: this.heads, embedDim: this.outProj.shape![0], kdim: this.kdim, vdim: this.vdim }, [x.shape, k.shape, v.shape, mask?.shape]),
    );
    const [n, l] = x.shape as [number, number];
    const s = k.shape[1]!;
    const dev = x.device;
    const d = e / this.heads;
    const split = (y: NDArray, t: number): NDArray => y.reshape([n, t, this.heads, d]).transpose([0, 2, 1, 3]);
    const part = (w: NDArray | undefined, i: number): NDArray | undefined => w?.slice([i * e, (i + 1) * e]);
    const bias = this.inBias?.data(dev);
    let q: NDArray, kh: NDArray, vh: NDArray;
    if (this.inProj && k === x && v === x) {
      // Self-attention: one (3E, E) projection, as PyTorch's packed path.
      const qkv = linear(x, this.inProj.data(dev), bias ?? null, { flatten: false });
      [q, kh, vh] = [0, 1, 2].map((i) => split(qkv.slice(null, null, [i * e, (i + 1) * e]), l)) as [NDArray, NDArray, NDArray];
    } else {
      const w = this.inProj?.data(dev);
      const weight = (i: number): NDArray => (this.qkvProj ? this.qkvProj[i]!.data(dev) : part(w, i)!);
      const project = (y: NDArray, i: number, t: number): NDArray => split(linear(y, weight(i), part(bias, i) ?? null, { flatten: false }), t);
      [q, kh, vh] = [project(x, 0, l), project(k, 1, s), project(v, 2, s)];
    }
    this.lastWeights = null;
    const o = attend(q, kh, vh, {
      causal: this.causal,
      dropout: this.dropout,
      keyPaddingMask: mask,
      onWeights: this.keepWeights
        ? (w) => {
            this.lastWeights = w;
          }
        : undefined,
    });
    const merged = o.transpose([0, 2, 1, 3]).reshape([n, l, e]);
    return linear(merged, this.outProj.data(dev), this.outBias?.data(dev) ?? null, { flatten: false });
  }

  override hybridUnits(): HybridUnit[] | null {
    if (this.forward !== MultiHeadAttention.prototype.forward) return null;
    const { heads, causal, inProj, qkvProj, inBias, outProj, outBias, keepWeights } = this;
    return [{ kind: 'attention', owner: this, heads, causal, inProj, qkvProj, inBias, outProj, outBias, keepWeights }];
  }

  override getConfig(): Record<string, unknown> {
    const e = this.outProj.shape![0]!;
    return {
      heads: this.heads,
      embedDim: e < 0 ? 0 : e,
      kdim: this.kdim,
      vdim: this.vdim,
      causal: this.causal,
      dropout: this.dropout,
      useBias: this.inBias !== null,
    };
  }

  override toString(): string {
    return MultiHeadAttention.spec.repr(this.getConfig());
  }
}
