// RNN / LSTM / GRU as ONNX nodes (opset 17), one node per layer: the Gluon/PyTorch-ordered
// weights are reordered in the graph to ONNX's gate order (LSTM i, o, f, c; GRU z, r, h with
// linear_before_reset = 1, which is PyTorch's and Gluon's GRU) and stacked per direction. Begin
// states (the h0 / c0 ports, (layers · directions, N, H)) are sliced per layer into the node's
// initial_h / initial_c inputs; an open one is left out ('' for initial_h when only c0 is given).

import type { CellMode } from './recurrent.ts';
import type { OnnxEmitter } from './layer-spec.ts';

/** ONNX's gate order as blocks of the PyTorch-ordered weight (the importer reads it backwards). */
export const ORDER: Readonly<Record<CellMode, readonly number[]>> = { rnn: [0], lstm: [0, 3, 1, 2], gru: [1, 0, 2] };
const OP: Readonly<Record<CellMode, string>> = { rnn: 'RNN', lstm: 'LSTM', gru: 'GRU' };

/** The output sequence, then the final states (hn, and cn for an LSTM) as (layers · directions, N, H): each layer's Y_h / Y_c joined. */
export function recurrentToOnnx(e: OnnxEmitter, mode: CellMode): string[] {
  const a = e.attrs;
  const h = a.hiddenSize as number;
  if (mode === 'rnn' && a.activation !== 'tanh')
    throw new Error("an RNN with relu is written to ONNX only with activation tanh (ONNX's activation list is not emitted)");
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
  const [finalH, finalC]: string[][] = [[], []];
  for (let l = 0; l < (a.numLayers as number); l++) {
    const p = (d: string, k: string) => reorder(e.param(`${d}${l}_${k}`));
    const w = stack(dirs.map((d) => p(d, 'i2h_weight')));
    const r = stack(dirs.map((d) => p(d, 'h2h_weight')));
    const b = stack(dirs.map((d) => e.node('Concat', [p(d, 'i2h_bias'), p(d, 'h2h_bias')], { axis: 0 })));
    const begin = (port: string): string => (port ? e.node('Slice', [port, e.ints([l * dirs.length]), e.ints([(l + 1) * dirs.length]), e.ints([0])]) : '');
    const states = [begin(e.inputs[1] || ''), ...(mode === 'lstm' ? [begin(e.inputs[2] || '')] : [])];
    while (states.length > 0 && !states[states.length - 1]) states.pop();
    const [y, yh, yc] = e.nodeOutputs(OP[mode], [x, w, r, b, ...(states.length > 0 ? ['', ...states] : [])], mode === 'lstm' ? 3 : 2, {
      hidden_size: h,
      direction: dirs.length === 2 ? 'bidirectional' : 'forward',
      ...(mode === 'gru' ? { linear_before_reset: 1 } : {}),
    }) as [string, string, string | undefined];
    finalH.push(yh);
    if (yc) finalC.push(yc);
    // Y is (T, directions, N, H): directions next to the features, then joined.
    x = e.node('Reshape', [e.node('Transpose', [y], { perm: [0, 2, 1, 3] }), e.ints([0, 0, -1])]);
  }
  const join = (parts: string[]): string => (parts.length === 1 ? e.node('Identity', parts) : e.node('Concat', parts, { axis: 0 }));
  const y = a.layout === 'NTC' ? e.node('Transpose', [x], { perm: [1, 0, 2] }) : x;
  return [y, join(finalH), ...(mode === 'lstm' ? [join(finalC)] : [])];
}
