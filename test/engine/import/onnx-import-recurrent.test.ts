// ONNX LSTM / GRU / RNN nodes, as torch.onnx.export writes nn.LSTM, nn.GRU and nn.RNN (stacked,
// bidirectional, batch first or time first, relu), import as one engine layer each whose forward
// equals torch's and which exports back to ONNX and PyTorch with torch's output: the gate order
// (ONNX i o f c / z r h → PyTorch's), the bias split and the zero initial states are read right.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportTorchModels, roundTrip } from './import-oracle.ts';

// torch-models.py's Recurrent: 8 features in, hidden 12, a Linear(·, 3) head on every step.
const CASES = [
  { name: 'lstm', kind: 'LSTM', attrs: { numLayers: 2, bidirectional: true, layout: 'NTC', inputSize: 8 } },
  { name: 'gru', kind: 'GRU', attrs: { numLayers: 2, bidirectional: false, layout: 'NTC' } },
  { name: 'rnn', kind: 'RNN', attrs: { numLayers: 1, bidirectional: true, layout: 'TNC', activation: 'tanh' } },
  // The engine writes an RNN to ONNX with tanh only (the exporter emits no string lists): no ONNX re-export.
  { name: 'rnn_relu', kind: 'RNN', attrs: { numLayers: 2, bidirectional: false, layout: 'NTC', activation: 'relu' }, onnx: false },
  { name: 'lstm_tnc', kind: 'LSTM', attrs: { numLayers: 1, bidirectional: false, layout: 'TNC' } },
];
const dir = exportTorchModels(CASES.map((c) => c.name));

for (const c of CASES) {
  test(`${c.name}: torch's ${c.kind} export imports as one ${c.kind} layer, forward and re-exports equal torch`, async () => {
    const { document, report } = await roundTrip(dir, c.name, { onnx: c.onnx });
    assert.deepEqual(report.unsupported, []);
    const cells = document.nodes.filter((n) => n.kind === c.kind);
    assert.equal(cells.length, 1, 'one layer for the stacked cells, their zero states and joins');
    assert.equal(cells[0]!.name, 'rnn');
    assert.equal(cells[0]!.attrs?.hiddenSize, 12);
    for (const [k, v] of Object.entries(c.attrs)) assert.equal(cells[0]!.attrs?.[k], v, k);
    assert.deepEqual(
      document.nodes.map((n) => n.kind).filter((k) => !['Input', 'Output', 'Transpose', 'Dense', c.kind].includes(k)),
      [],
      'nothing else',
    );
  });
}
