// Block.hybridize() of recurrent layers on gpu(0) (native/src/gpu_plan_rnn.cc,
// cuda/gpu_plan_rnn.cu): RNN (tanh, relu), LSTM and GRU, 1 and 2 layers, one and both directions,
// TNC and NTC, with begin states made inside the graph and with the final states hn / cn read by
// later steps, each ONE CUDA plan, nothing eager, equal to eager mode on the same GPU
// (max|Δ|/max|y| ≤ 1e-5) and on the CPU (≤ 1e-4); a replay allocates only the array it returns;
// the char-lstm and sequence-classifier examples are one CUDA plan each.
// Run without a GPU by `node scripts/cuda-emulate.mjs test/engine/gpu/hybridize-rnn.test.ts`.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Dense, gpu, LSTM, np, Sequential } from '../../../engine/index.ts';
import { loadExample } from '../../../engine/graph/index.ts';
import { prepareModel } from '../../../engine/export/prepare-model.ts';
import { ids, relDiff } from '../support/hybrid-check.ts';
import { beginStatesGraph, finalStatesGraph, randomizeRecurrent, recurrentLayer } from '../support/hybrid-graphs.ts';
import { gpuAllocations, oneGpu, skip } from '../support/gpu-hybrid-check.ts';

describe('hybridize on gpu(0): recurrent layers in CUDA plans', { skip }, () => {
  for (const kind of ['rnnTanh', 'rnnRelu', 'lstm', 'gru'] as const) {
    test(`${kind}: 1 and 2 layers, one and both directions, TNC and NTC, one CUDA plan equal to eager`, () => {
      for (const numLayers of [1, 2]) {
        for (const bidirectional of [false, true]) {
          for (const layout of ['TNC', 'NTC'] as const) {
            const net = new Sequential();
            net.add(recurrentLayer(kind, 6, { numLayers, bidirectional, layout }), new Dense(3, { flatten: false }));
            const shape = (n: number): number[] => (layout === 'NTC' ? [n, 5, 4] : [5, n, 4]);
            randomizeRecurrent(net, shape(1));
            oneGpu(net, np.random.uniform(-1, 1, shape(2), { seed: numLayers + (bidirectional ? 2 : 0) }), /^(rnn|lstm|gru)\d+ → dense\d+$/);
          }
        }
      }
    });
  }

  test('begin states made inside the graph (h0, and c0 for an LSTM) feed the CUDA step, and matter', () => {
    for (const kind of ['lstm', 'gru', 'rnnTanh'] as const) {
      for (const bidirectional of [false, true]) {
        const states = 2 * (bidirectional ? 2 : 1); // layers · directions
        const rnn = recurrentLayer(kind, 6, { numLayers: 2, bidirectional });
        const net = beginStatesGraph(rnn, kind, 6, states);
        randomizeRecurrent(net, [5, 1, 4]);
        const x = np.random.uniform(-1, 1, [5, 2, 4], { seed: 3 });
        oneGpu(net, x);
        // Zeros instead of the states give another output (so the test would see them dropped).
        net.hybridize(false);
        const xg = x.copyto(gpu(0));
        assert.ok(relDiff(net.call(xg), rnn.call(xg)) > 1e-3, `${kind}: the begin states change the output`);
      }
    }
  });

  test('the final states hn and cn (2 layers, both directions, TNC and NTC) are plan values equal to eager', () => {
    for (const kind of ['lstm', 'gru'] as const) {
      for (const layout of ['TNC', 'NTC'] as const) {
        const rnn = recurrentLayer(kind, 6, { numLayers: 2, bidirectional: true, layout });
        const net = finalStatesGraph(rnn, kind, 6);
        const shape = (n: number): number[] => (layout === 'NTC' ? [n, 5, 4] : [5, n, 4]);
        randomizeRecurrent(net, shape(1));
        const y = oneGpu(net, np.random.uniform(-1, 1, shape(2), { seed: 6 }));
        assert.deepEqual(y.shape, [4, 2, 6], 'states: (layers · directions, N, hidden)');
      }
    }
  });

  test('a replay allocates only the array it returns', () => {
    const net = new Sequential().add(new LSTM(6, { numLayers: 2, bidirectional: true, layout: 'NTC' }), new Dense(3, { flatten: false }));
    randomizeRecurrent(net, [2, 5, 4]);
    oneGpu(net, np.random.uniform(-1, 1, [2, 5, 4], { seed: 11 }));
    const x = np.random.uniform(-1, 1, [2, 5, 4], { seed: 12 }).copyto(gpu(0));
    const builds = net.hybridCache!.builds;
    for (let k = 0; k < 2; k++) {
      const before = gpuAllocations();
      const y = net.call(x);
      assert.equal(gpuAllocations() - before, 1, 'one device allocation per call: the returned array');
      y.dispose();
    }
    assert.equal(net.hybridCache!.builds, builds);
  });

  test('the char-lstm example (int32 ids → Embedding → LSTM → Dense) is one CUDA plan equal to eager', async () => {
    const model = await prepareModel(loadExample('char-lstm'));
    for (const n of [1, 2]) oneGpu(model.net, ids(n, 32, 28, 'int32'), /^embedding\d* → lstm\d* → dense\d*/);
  });

  test('the sequence-classifier example (Embedding → bidirectional GRU → SequenceMean → Dense) is one CUDA plan equal to eager', async () => {
    const model = await prepareModel(loadExample('sequence-classifier'));
    for (const n of [1, 2]) oneGpu(model.net, ids(n, 24, 28, 'int32'), /gru\d* → /);
  });
});
