// MultiHeadAttention written out: ONNX as MatMul / Softmax nodes (opset 17 has no attention op)
// and a Gluon 1.x Block (Gluon has no multi-head attention layer) with the same packed parameters.

import { causalMask, embedOf } from './attention-core.ts';
import type { OnnxEmitter } from './layer-spec.ts';

/** x (N, T, E) → heads, attention, join, output projection; the causal mask needs T known at export. */
export function mhaToOnnx(e: OnnxEmitter): string {
  const x = e.inputs[0]!;
  const shape = e.inputShapes[0]!;
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
  const qkv = [0, 1, 2].map((i) => split(project(part(e.param('in_proj_weight'), i), bias ? part(e.param('in_proj_bias'), i) : null, x)));
  const q = e.node('Transpose', [qkv[0]!], { perm: [0, 2, 1, 3] });
  const kT = e.node('Transpose', [qkv[1]!], { perm: [0, 2, 3, 1] });
  const v = e.node('Transpose', [qkv[2]!], { perm: [0, 2, 1, 3] });
  let scores = e.node('Mul', [e.node('MatMul', [q, kT]), e.constant([1 / Math.sqrt(d)])]);
  if (e.attrs.causal) {
    const t = shape[1]!;
    if (t < 0) throw new Error('a causal MultiHeadAttention exports to ONNX with a fixed sequence length (the document\'s input shape)');
    scores = e.node('Add', [scores, e.constant(causalMask(t, t), [t, t])]);
  }
  const o = e.node('MatMul', [e.node('Softmax', [scores], { axis: -1 }), v]);
  const merged = e.node('Reshape', [e.node('Transpose', [o], { perm: [0, 2, 1, 3] }), e.ints([0, 0, width])]);
  return project(e.param('out_proj_weight'), bias ? e.param('out_proj_bias') : null, merged);
}

export const mhaGluonPreamble = `class MultiHeadAttention(nn.Block):
    def __init__(self, embed, heads, causal, dropout, use_bias, **kwargs):
        super().__init__(**kwargs)
        self.embed, self.heads, self.causal = embed, heads, causal
        with self.name_scope():
            self.in_proj_weight = self.params.get('in_proj_weight', shape=(3 * embed, embed))
            self.in_proj_bias = self.params.get('in_proj_bias', shape=(3 * embed,), init='zeros') if use_bias else None
            self.out_proj_weight = self.params.get('out_proj_weight', shape=(embed, embed))
            self.out_proj_bias = self.params.get('out_proj_bias', shape=(embed,), init='zeros') if use_bias else None
            self.drop = nn.Dropout(dropout)

    def forward(self, x):
        ctx, (n, t, e), h = x.context, x.shape, self.heads
        b = self.in_proj_bias.data(ctx) if self.in_proj_bias is not None else None
        qkv = nd.FullyConnected(x, self.in_proj_weight.data(ctx), b, no_bias=b is None, num_hidden=3 * e, flatten=False)
        q, k, v = [p.reshape((n, t, h, e // h)).transpose((0, 2, 1, 3)).reshape((n * h, t, e // h)) for p in nd.split(qkv, 3, axis=2)]
        scores = nd.batch_dot(q, k, transpose_b=True) / (e // h) ** 0.5
        if self.causal:
            pos = nd.arange(t, ctx=ctx)
            scores = scores + ((pos.reshape((1, 1, t)) > pos.reshape((1, t, 1))) * -1e9)
        o = nd.batch_dot(self.drop(nd.softmax(scores, axis=-1)), v).reshape((n, h, t, e // h)).transpose((0, 2, 1, 3)).reshape((n, t, e))
        b = self.out_proj_bias.data(ctx) if self.out_proj_bias is not None else None
        return nd.FullyConnected(o, self.out_proj_weight.data(ctx), b, no_bias=b is None, num_hidden=e, flatten=False)`;
