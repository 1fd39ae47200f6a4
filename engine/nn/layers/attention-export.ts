// MultiHeadAttention written out: ONNX as MatMul / Softmax nodes (opset 17 has no attention op)
// and a Gluon 1.x Block (Gluon has no multi-head attention layer) with the same parameters.

import { causalMask, embedOf, MASKED, separateProjections } from './attention-core.ts';
import type { OnnxEmitter } from './layer-spec.ts';

/**
 * query (N, L, E), key / value (open ports: the query / the key) → heads, attention, join, output
 * projection. The causal mask needs L and S known at export; the key-padding mask (N, S) becomes
 * an additive −1e9 on its nonzero entries (Cast to bool and back), broadcast over heads and queries.
 */
export function mhaToOnnx(e: OnnxEmitter): string {
  const x = e.inputs[0]!;
  const key = e.inputs[1] || x;
  const value = e.inputs[2] || key;
  const pad = e.inputs[3] || '';
  const shape = e.inputShapes[0]!;
  const keyShape = e.inputShapes[1] ?? shape;
  const width = embedOf(e.attrs, shape);
  const heads = e.attrs.heads as number;
  const d = width / heads;
  const bias = e.attrs.useBias !== false;
  const project = (w: string, b: string | null, v: string): string => {
    const y = e.node('MatMul', [v, e.node('Transpose', [w], { perm: [1, 0] })]);
    return b ? e.node('Add', [y, b]) : y;
  };
  const part = (name: string, i: number): string => e.node('Slice', [name, e.ints([i * width]), e.ints([(i + 1) * width]), e.ints([0])]);
  const split = (v: string): string => e.node('Reshape', [v, e.ints([0, 0, heads, d])]);
  const separate = separateProjections(e.attrs);
  const weight = (i: number): string => (separate ? e.param(['q_proj_weight', 'k_proj_weight', 'v_proj_weight'][i]!) : part(e.param('in_proj_weight'), i));
  const qkv = [x, key, value].map((v, i) => split(project(weight(i), bias ? part(e.param('in_proj_bias'), i) : null, v)));
  const q = e.node('Transpose', [qkv[0]!], { perm: [0, 2, 1, 3] });
  const kT = e.node('Transpose', [qkv[1]!], { perm: [0, 2, 3, 1] });
  const v = e.node('Transpose', [qkv[2]!], { perm: [0, 2, 1, 3] });
  let scores = e.node('Mul', [e.node('MatMul', [q, kT]), e.constant([1 / Math.sqrt(d)])]);
  if (e.attrs.causal) {
    const [l, s] = [shape[1]!, keyShape[1]!];
    if (l < 0 || s < 0) throw new Error("a causal MultiHeadAttention exports to ONNX with a fixed sequence length (the document's input shape)");
    scores = e.node('Add', [scores, e.constant(causalMask(l, s), [l, s])]);
  }
  if (pad) {
    const ignored = e.node('Cast', [e.node('Cast', [pad], { to: 9 })], { to: 1 }); // nonzero → 1.0 (9 = bool, 1 = float)
    scores = e.node('Add', [scores, e.node('Unsqueeze', [e.node('Mul', [ignored, e.constant([MASKED])]), e.ints([1, 2])])]);
  }
  const o = e.node('MatMul', [e.node('Softmax', [scores], { axis: -1 }), v]);
  const merged = e.node('Reshape', [e.node('Transpose', [o], { perm: [0, 2, 1, 3] }), e.ints([0, 0, width])]);
  return project(e.param('out_proj_weight'), bias ? e.param('out_proj_bias') : null, merged);
}

export const mhaGluonPreamble = `class MultiHeadAttention(nn.Block):
    def __init__(self, embed, heads, causal, dropout, use_bias, kdim=0, vdim=0, **kwargs):
        super().__init__(**kwargs)
        self.embed, self.heads, self.causal = embed, heads, causal
        kdim, vdim = kdim or embed, vdim or embed
        self.separate = kdim != embed or vdim != embed
        with self.name_scope():
            if self.separate:
                self.q_proj_weight = self.params.get('q_proj_weight', shape=(embed, embed))
                self.k_proj_weight = self.params.get('k_proj_weight', shape=(embed, kdim))
                self.v_proj_weight = self.params.get('v_proj_weight', shape=(embed, vdim))
            else:
                self.in_proj_weight = self.params.get('in_proj_weight', shape=(3 * embed, embed))
            self.in_proj_bias = self.params.get('in_proj_bias', shape=(3 * embed,), init='zeros') if use_bias else None
            self.out_proj_weight = self.params.get('out_proj_weight', shape=(embed, embed))
            self.out_proj_bias = self.params.get('out_proj_bias', shape=(embed,), init='zeros') if use_bias else None
            self.drop = nn.Dropout(dropout)

    def forward(self, x, key=None, value=None, mask=None):
        key = x if key is None else key
        value = key if value is None else value
        ctx, (n, t, e), s, h = x.context, x.shape, key.shape[1], self.heads
        b = self.in_proj_bias.data(ctx) if self.in_proj_bias is not None else None
        ws = [self.q_proj_weight.data(ctx), self.k_proj_weight.data(ctx), self.v_proj_weight.data(ctx)] if self.separate \
            else nd.split(self.in_proj_weight.data(ctx), 3, axis=0)
        bs = nd.split(b, 3, axis=0) if b is not None else [None] * 3
        q, k, v = [nd.FullyConnected(y, w, bb, no_bias=bb is None, num_hidden=e, flatten=False).reshape((n, -1, h, e // h))
                   .transpose((0, 2, 1, 3)).reshape((n * h, -1, e // h)) for y, w, bb in zip((x, key, value), ws, bs)]
        scores = nd.batch_dot(q, k, transpose_b=True) / (e // h) ** 0.5
        if self.causal:
            scores = scores + ((nd.arange(s, ctx=ctx).reshape((1, 1, s)) > nd.arange(t, ctx=ctx).reshape((1, t, 1)) + (s - t)) * -1e9)
        if mask is not None:
            pad = ((mask != 0) * -1e9).reshape((n, 1, 1, s)).broadcast_to((n, h, 1, s)).reshape((n * h, 1, s))
            scores = nd.broadcast_add(scores, pad)
        o = nd.batch_dot(self.drop(nd.softmax(scores, axis=-1)), v).reshape((n, h, t, e // h)).transpose((0, 2, 1, 3)).reshape((n, t, e))
        b = self.out_proj_bias.data(ctx) if self.out_proj_bias is not None else None
        return nd.FullyConnected(o, self.out_proj_weight.data(ctx), b, no_bias=b is None, num_hidden=e, flatten=False)`;
