// RNN / LSTM / GRU as ONNX nodes (opset 17), one node per layer: the Gluon/PyTorch-ordered
// weights are reordered in the graph to ONNX's gate order (LSTM i, o, f, c; GRU z, r, h with
// linear_before_reset = 1, which is PyTorch's and Gluon's GRU) and stacked per direction.

import type { CellMode } from './recurrent.ts';
import type { OnnxEmitter } from './layer-spec.ts';

/** ONNX's gate order as blocks of the PyTorch-ordered weight (the importer reads it backwards). */
export const ORDER: Readonly<Record<CellMode, readonly number[]>> = { rnn: [0], lstm: [0, 3, 1, 2], gru: [1, 0, 2] };
const OP: Readonly<Record<CellMode, string>> = { rnn: 'RNN', lstm: 'LSTM', gru: 'GRU' };

export function recurrentToOnnx(e: OnnxEmitter, mode: CellMode): string {
  const a = e.attrs;
  const h = a.hiddenSize as number;
  if (mode === 'rnn' && a.activation !== 'tanh') throw new Error('an RNN with relu is written to ONNX only with activation tanh (ONNX\'s activation list is not emitted)');
  const dirs = a.bidirectional ? ['l', 'r'] : ['l'];
  const reorder = (param: string): string => {
    const blocks = ORDER[mode].map((k) => e.node('Slice', [param, e.ints([k * h]), e.ints([(k + 1) * h]), e.ints([0])]));
    return blocks.length === 1 ? param : e.node('Concat', blocks, { axis: 0 });
  };
  const stack = (parts: string[]): string => {
    const lifted = parts.map((p) => e.node('Unsqueeze', [p, e.ints([0])]));
    return lifted.length === 1 ? lifted[0]! : e.node('Concat', lifted, { axis: 0 });
  };
  let x = a.layout === 'NTC' ? e.node('Transpose', [e.inputs[0]!], { perm: [1, 0, 2] }) : e.inputs[0]!;
  for (let l = 0; l < (a.numLayers as number); l++) {
    const p = (d: string, k: string) => reorder(e.param(`${d}${l}_${k}`));
    const w = stack(dirs.map((d) => p(d, 'i2h_weight')));
    const r = stack(dirs.map((d) => p(d, 'h2h_weight')));
    const b = stack(dirs.map((d) => e.node('Concat', [p(d, 'i2h_bias'), p(d, 'h2h_bias')], { axis: 0 })));
    const y = e.node(OP[mode], [x, w, r, b], {
      hidden_size: h, direction: dirs.length === 2 ? 'bidirectional' : 'forward', ...(mode === 'gru' ? { linear_before_reset: 1 } : {}),
    });
    // Y is (T, directions, N, H): directions next to the features, then joined.
    x = e.node('Reshape', [e.node('Transpose', [y], { perm: [0, 2, 1, 3] }), e.ints([0, 0, -1])]);
  }
  return a.layout === 'NTC' ? e.node('Transpose', [x], { perm: [1, 0, 2] }) : x;
}
