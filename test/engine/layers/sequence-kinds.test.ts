// The sequence-model kinds against PyTorch, forward and backward (test/engine/support/layer-oracle.ts):
// Embedding (integer ids, repeated so the scatter-add must sum), LayerNorm, RMSNorm and the
// sequence helpers. Kept apart from layer-kinds.test.ts so the families can be run alone.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareWithTorch, type LayerCase } from '../support/layer-oracle.ts';
import { createLayer, np, type NDArray } from '../../../engine/index.ts';

/** torch's flat weight list: per layer, per direction, w_ih, w_hh, b_ih, b_hh (Gluon's l0_i2h_weight, ...). */
const flat = (layers: number, dirs: string): string =>
  `[p[f'{d}{l}_{k}'] for l in range(${layers}) for d in '${dirs}' for k in ('i2h_weight', 'h2h_weight', 'i2h_bias', 'h2h_bias')]`;

const CASES: LayerCase[] = [
  // 4 ids over (3, 5) positions: every id repeats, so the weight gradient must add up per id.
  {
    name: 'Embedding (N, T) ids',
    kind: 'Embedding',
    attrs: { inputDim: 4, outputDim: 6 },
    inputs: [[3, 5]],
    ints: [4],
    torch: "F.embedding(xs[0], p['weight'])",
  },
  { name: 'Embedding 1-d ids', kind: 'Embedding', attrs: { inputDim: 9, outputDim: 3 }, inputs: [[7]], ints: [9], torch: "F.embedding(xs[0], p['weight'])" },
  { name: 'LayerNorm last axis', kind: 'LayerNorm', inputs: [[2, 5, 8]], torch: "F.layer_norm(xs[0], (8,), p['gamma'], p['beta'], eps=1e-5)" },
  {
    name: 'LayerNorm two axes, no center',
    kind: 'LayerNorm',
    attrs: { axis: -2, center: false, epsilon: 1e-3 },
    inputs: [[3, 4, 6]],
    torch: "F.layer_norm(xs[0], (4, 6), p['gamma'], None, eps=1e-3)",
  },
  { name: 'RMSNorm', kind: 'RMSNorm', inputs: [[2, 3, 8]], torch: "xs[0] * torch.rsqrt(xs[0].pow(2).mean(-1, keepdim=True) + 1e-6) * p['gamma']" },
  {
    name: 'RMSNorm no scale',
    kind: 'RMSNorm',
    attrs: { scale: false, epsilon: 1e-4 },
    inputs: [[4, 5]],
    torch: 'xs[0] * torch.rsqrt(xs[0].pow(2).mean(-1, keepdim=True) + 1e-4)',
  },
  { name: 'SequenceLast TNC', kind: 'SequenceLast', inputs: [[5, 2, 3]], torch: 'xs[0][-1]' },
  { name: 'SequenceLast NTC', kind: 'SequenceLast', attrs: { axis: 1 }, inputs: [[2, 5, 3]], torch: 'xs[0][:, -1]' },
  { name: 'SequenceMean NTC', kind: 'SequenceMean', attrs: { axis: 1 }, inputs: [[2, 5, 3]], torch: 'xs[0].mean(1)' },
  { name: 'Slice middle of time', kind: 'Slice', attrs: { axis: 1, begin: 1, end: -1 }, inputs: [[2, 6, 3]], torch: 'xs[0][:, 1:-1]' },
  { name: 'Slice features to the end', kind: 'Slice', attrs: { axis: -1, begin: 2 }, inputs: [[2, 6, 5]], torch: 'xs[0][..., 2:]' },
  // PyTorch's own multi-head attention, (T, N, E) layout, on the packed parameters.
  {
    name: 'MultiHeadAttention causal, 2 heads',
    kind: 'MultiHeadAttention',
    attrs: { heads: 2, causal: true },
    inputs: [[2, 5, 8]],
    torch:
      "F.multi_head_attention_forward(*[xs[0].transpose(0, 1)] * 3, 8, 2, p['in_proj_weight'], p['in_proj_bias'], None, None, False, 0.0, " +
      "p['out_proj_weight'], p['out_proj_bias'], training=False, need_weights=False, " +
      "attn_mask=torch.triu(torch.full((5, 5), float('-inf')), 1))[0].transpose(0, 1)",
  },
  {
    name: 'MultiHeadAttention 4 heads, no bias',
    kind: 'MultiHeadAttention',
    attrs: { heads: 4, useBias: false },
    inputs: [[3, 4, 8]],
    torch:
      "F.multi_head_attention_forward(*[xs[0].transpose(0, 1)] * 3, 8, 4, p['in_proj_weight'], None, None, None, False, 0.0, " +
      "p['out_proj_weight'], None, training=False, need_weights=False)[0].transpose(0, 1)",
  },
  // Cross-attention with kdim / vdim ≠ E: PyTorch's separate q/k/v projection weights.
  {
    name: 'MultiHeadAttention kdim 5, vdim 3, cross',
    kind: 'MultiHeadAttention',
    attrs: { heads: 2, embedDim: 8, kdim: 5, vdim: 3 },
    inputs: [
      [2, 4, 8],
      [2, 6, 5],
      [2, 6, 3],
    ],
    torch:
      "F.multi_head_attention_forward(*[x.transpose(0, 1) for x in xs], 8, 2, None, p['in_proj_bias'], None, None, False, 0.0, " +
      "p['out_proj_weight'], p['out_proj_bias'], training=False, need_weights=False, use_separate_proj_weight=True, " +
      "q_proj_weight=p['q_proj_weight'], k_proj_weight=p['k_proj_weight'], v_proj_weight=p['v_proj_weight'])[0].transpose(0, 1)",
  },
  // Packed weights on separate key and value inputs, with a key-padding mask (1 = ignore; no row all ignored) and the causal mask.
  {
    name: 'MultiHeadAttention key/value inputs, key-padding mask, causal',
    kind: 'MultiHeadAttention',
    attrs: { heads: 2, causal: true },
    inputs: [
      [2, 4, 6],
      [2, 4, 6],
      [2, 4, 6],
      [2, 4],
    ],
    ints: [null, null, null, 2],
    values: [null, null, null, [0, 0, 1, 1, 0, 1, 0, 1]],
    torch:
      "F.multi_head_attention_forward(*[x.transpose(0, 1) for x in xs[:3]], 6, 2, p['in_proj_weight'], p['in_proj_bias'], None, None, False, 0.0, " +
      "p['out_proj_weight'], p['out_proj_bias'], training=False, need_weights=False, key_padding_mask=xs[3] != 0, " +
      "attn_mask=torch.triu(torch.full((4, 4), float('-inf')), 1))[0].transpose(0, 1)",
  },
  {
    name: 'MultiHeadAttention cross, longer keys, no bias, mask',
    kind: 'MultiHeadAttention',
    attrs: { heads: 4, useBias: false },
    inputs: [
      [3, 2, 8],
      [3, 5, 8],
      [3, 5, 8],
      [3, 5],
    ],
    ints: [null, null, null, 2],
    values: [null, null, null, [0, 0, 0, 1, 1, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0]],
    torch:
      "F.multi_head_attention_forward(*[x.transpose(0, 1) for x in xs[:3]], 8, 4, p['in_proj_weight'], None, None, None, False, 0.0, " +
      "p['out_proj_weight'], None, training=False, need_weights=False, key_padding_mask=xs[3] != 0)[0].transpose(0, 1)",
  },
  {
    name: 'PositionalEncoding learned',
    kind: 'PositionalEncoding',
    attrs: { mode: 'learned', maxLength: 7 },
    inputs: [[2, 5, 4]],
    torch: "xs[0] + p['weight'][:5]",
  },
  {
    name: 'PositionalEncoding sinusoidal',
    kind: 'PositionalEncoding',
    inputs: [[2, 6, 8]],
    torch:
      'xs[0] + torch.stack([torch.sin(torch.arange(6.)[:, None] / 10000 ** (torch.arange(0, 8, 2) / 8)), ' +
      'torch.cos(torch.arange(6.)[:, None] / 10000 ** (torch.arange(0, 8, 2) / 8))], -1).reshape(6, 8)',
  },
  {
    name: 'ScaledDotProductAttention causal, heads axis',
    kind: 'ScaledDotProductAttention',
    attrs: { causal: true },
    inputs: [
      [2, 3, 5, 4],
      [2, 3, 5, 4],
      [2, 3, 5, 6],
    ],
    torch: "torch.softmax(xs[0] @ xs[1].transpose(-2, -1) / 2 + torch.full((5, 5), float('-inf')).triu(1), -1) @ xs[2]",
  },
  {
    name: 'ScaledDotProductAttention cross (Tq != Tk)',
    kind: 'ScaledDotProductAttention',
    inputs: [
      [2, 3, 4],
      [2, 6, 4],
      [2, 6, 5],
    ],
    torch: 'torch.softmax(xs[0] @ xs[1].transpose(-2, -1) / 2, -1) @ xs[2]',
  },
  // Recurrent layers against torch's own kernels (torch._VF), the parameters in Gluon's order = PyTorch's flat order.
  {
    name: 'LSTM 2 layers bidirectional TNC',
    kind: 'LSTM',
    attrs: { hiddenSize: 6, numLayers: 2, bidirectional: true },
    inputs: [[4, 3, 5]],
    torch: `torch._VF.lstm(xs[0], (torch.zeros(4, 3, 6), torch.zeros(4, 3, 6)), ${flat(2, 'lr')}, True, 2, 0.0, False, True, False)[0]`,
  },
  // Begin states on the h0 / c0 ports ((layers · directions, N, hidden), torch's h_0 / c_0): their gradients are checked too.
  {
    name: 'LSTM 2 layers bidirectional, begin states',
    kind: 'LSTM',
    attrs: { hiddenSize: 6, numLayers: 2, bidirectional: true },
    inputs: [
      [4, 3, 5],
      [4, 3, 6],
      [4, 3, 6],
    ],
    torch: `torch._VF.lstm(xs[0], (xs[1], xs[2]), ${flat(2, 'lr')}, True, 2, 0.0, False, True, False)[0]`,
  },
  {
    name: 'GRU NTC, begin state',
    kind: 'GRU',
    attrs: { hiddenSize: 4, layout: 'NTC' },
    inputs: [
      [3, 5, 2],
      [1, 3, 4],
    ],
    torch: `torch._VF.gru(xs[0], xs[1], ${flat(1, 'l')}, True, 1, 0.0, False, False, True)[0]`,
  },
  {
    name: 'RNN tanh 2 layers, begin state',
    kind: 'RNN',
    attrs: { hiddenSize: 5, numLayers: 2, activation: 'tanh' },
    inputs: [
      [4, 2, 3],
      [2, 2, 5],
    ],
    torch: `torch._VF.rnn_tanh(xs[0], xs[1], ${flat(2, 'l')}, True, 2, 0.0, False, False, False)[0]`,
  },
  {
    name: 'GRU NTC',
    kind: 'GRU',
    attrs: { hiddenSize: 4, layout: 'NTC' },
    inputs: [[3, 5, 2]],
    torch: `torch._VF.gru(xs[0], torch.zeros(1, 3, 4), ${flat(1, 'l')}, True, 1, 0.0, False, False, True)[0]`,
  },
  {
    name: 'GRU bidirectional',
    kind: 'GRU',
    attrs: { hiddenSize: 3, bidirectional: true },
    inputs: [[4, 2, 3]],
    torch: `torch._VF.gru(xs[0], torch.zeros(2, 2, 3), ${flat(1, 'lr')}, True, 1, 0.0, False, True, False)[0]`,
  },
  {
    name: 'RNN tanh 2 layers',
    kind: 'RNN',
    attrs: { hiddenSize: 5, numLayers: 2, activation: 'tanh' },
    inputs: [[4, 2, 3]],
    torch: `torch._VF.rnn_tanh(xs[0], torch.zeros(2, 2, 5), ${flat(2, 'l')}, True, 2, 0.0, False, False, False)[0]`,
  },
  {
    name: 'RNN relu bidirectional NTC',
    kind: 'RNN',
    attrs: { hiddenSize: 4, bidirectional: true, layout: 'NTC' },
    inputs: [[2, 5, 3]],
    torch: `torch._VF.rnn_relu(xs[0], torch.zeros(2, 2, 4), ${flat(1, 'lr')}, True, 1, 0.0, False, True, True)[0]`,
  },
];

test('sequence-model kinds equal PyTorch forward and backward (max relative error 1e-4)', () => {
  assert.deepEqual(compareWithTorch(CASES), []);
});

test('Embedding refuses an id outside its vocabulary, naming the layer', () => {
  const emb = createLayer('Embedding', { inputDim: 3, outputDim: 2 }, { prefix: 'emb_' });
  emb.initialize();
  assert.throws(() => emb.call(np.array([0, 3], { dtype: 'int32' })), /emb: .*outside the table's 3 rows/s);
});

test('LayerNorm infers gamma and beta from the first batch', () => {
  const ln = createLayer('LayerNorm', { axis: -2 }, { prefix: 'ln_' });
  ln.initialize();
  ln.call(np.ones([2, 3, 4]));
  assert.deepEqual(ln.structuralParams().get('gamma')!.shape, [3, 4]);
  assert.throws(() => ln.call(np.ones([2, 5, 4])), /ln_/);
});

test('MultiHeadAttention shape errors name the layer: kdim without embedDim, a key of the wrong width, a mask of the wrong length', () => {
  assert.throws(() => createLayer('MultiHeadAttention', { heads: 2, kdim: 4 }, { prefix: 'att_' }), /att: kdim \/ vdim need embedDim/);
  const att = createLayer('MultiHeadAttention', { heads: 2, embedDim: 8, kdim: 4 }, { prefix: 'att_' });
  att.initialize();
  assert.deepEqual(att.structuralParams().get('k_proj_weight')!.shape, [8, 4]);
  assert.throws(() => att.call(np.ones([2, 3, 8]), np.ones([2, 5, 6])), /att: MultiHeadAttention's key has 6 features, expected 4/);
  const self = createLayer('MultiHeadAttention', { heads: 2 }, { prefix: 'self_' });
  self.initialize();
  assert.throws(
    () => self.call(np.ones([2, 3, 8]), undefined as unknown as NDArray, undefined as unknown as NDArray, np.zeros([2, 4])),
    /self: MultiHeadAttention's key-padding mask must be \(N, S\) = \(2, 3\), got \(2, 4\)/,
  );
});
