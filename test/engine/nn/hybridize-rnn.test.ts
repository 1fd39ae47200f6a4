// Block.hybridize() on recurrent layers (engine/nn/hybrid-seq-ops.ts, native/src/net_plan_rnn.cc):
// RNN (tanh, relu), LSTM and GRU, one and two layers, one and both directions, TNC and NTC, with
// random weights and biases (the GRU's two candidate biases stay apart), compile to one native plan
// whose output equals the eager forward at batch 1 and 4; so do begin states made inside the graph
// (h0, and c0 for an LSTM), and the final states hn / cn read by later steps of a graph (recomputed
// eagerly when an eager step splits the plan between), also in a document run compiled (the service);
// the char-lstm and sequence-classifier examples compile to one plan;
// setData on a recurrent weight rebuilds the plan.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Add, Dense, Lambda, LSTM, np, Sequential, type NDArray } from '../../../engine/index.ts';
import { loadExample, runModel } from '../../../engine/graph/index.ts';
import { GraphBlock } from '../../../engine/graph/graph-block.ts';
import { prepareModel } from '../../../engine/export/prepare-model.ts';
import { chainDocument } from '../support/chain-document.ts';
import { checkClose, ids, onePlan, relDiff, step, TOL } from '../support/hybrid-check.ts';
import { beginStatesGraph, finalStatesGraph, randomizeRecurrent, recurrentLayer } from '../support/hybrid-graphs.ts';

describe('hybridize: recurrent layers in the native plan', () => {
  for (const kind of ['rnnTanh', 'rnnRelu', 'lstm', 'gru'] as const) {
    test(`${kind}: 1 and 2 layers, one and both directions, TNC and NTC, batch 1 and 4, equal eager in one plan`, () => {
      for (const numLayers of [1, 2]) {
        for (const bidirectional of [false, true]) {
          const layout = (numLayers + (bidirectional ? 1 : 0)) % 2 === 0 ? 'TNC' : 'NTC';
          const net = new Sequential();
          net.add(recurrentLayer(kind, 8, { numLayers, bidirectional, layout, dropout: numLayers > 1 ? 0.3 : 0 }), new Dense(5, { flatten: false }));
          const shape = (n: number): number[] => (layout === 'NTC' ? [n, 6, 7] : [6, n, 7]);
          randomizeRecurrent(net, shape(1));
          for (const n of [1, 4]) {
            const x = np.random.uniform(-1, 1, shape(n), { seed: n + numLayers });
            const what = `${kind} layers ${numLayers} ${bidirectional ? 'bidirectional' : 'forward'} ${layout} batch ${n}`;
            assert.deepEqual(checkClose(net, x), [], what);
            onePlan(net);
            assert.match(net.hybridCache!.describe()[0]!, /(rnn|lstm|gru)\d+ → dense\d+/, what);
          }
        }
      }
    });
  }

  test('begin states made inside the graph (h0, and c0 for an LSTM) feed the native step', () => {
    for (const kind of ['lstm', 'gru', 'rnnTanh'] as const) {
      for (const bidirectional of [false, true]) {
        const states = 2 * (bidirectional ? 2 : 1); // layers · directions
        const rnn = recurrentLayer(kind, 8, { numLayers: 2, bidirectional });
        const net = beginStatesGraph(rnn, kind, 8, states);
        randomizeRecurrent(net, [6, 1, 5]);
        for (const n of [1, 4]) {
          const x = np.random.uniform(-1, 1, [6, n, 5], { seed: 3 + n });
          assert.deepEqual(checkClose(net, x), [], `${kind} ${bidirectional ? 'bidirectional' : 'forward'} batch ${n}`);
          onePlan(net);
        }
        // The states matter: zeros instead give another output (so the test would see them dropped).
        const x = np.random.uniform(-1, 1, [6, 2, 5], { seed: 9 });
        net.hybridize(false);
        assert.ok(relDiff(net.call(x), rnn.call(x)) > 1e-3, 'the begin states change the output');
      }
    }
  });

  test('a graph reading only the sequence of a recurrent step (3 output ports) compiles', () => {
    const lstm = new LSTM(4, { bidirectional: true, layout: 'NTC' });
    const net = new GraphBlock(
      [
        step('d', new Dense(8, { flatten: false }), [{ input: 0 }]),
        { key: 'lstm', block: lstm, inputs: [{ input: 0 }], outputCount: 3 },
        step('add', new Add(), [
          { step: 0, port: 0 },
          { step: 1, port: 0 },
        ]),
      ],
      1,
      [{ step: 2, port: 0 }],
    );
    randomizeRecurrent(net, [1, 5, 6]);
    assert.deepEqual(checkClose(net, np.random.uniform(-1, 1, [3, 5, 6], { seed: 5 })), []);
    onePlan(net);
  });

  test('the final states hn and cn (2 layers, both directions) are plan values equal to eager', () => {
    for (const kind of ['lstm', 'gru'] as const) {
      for (const layout of ['TNC', 'NTC'] as const) {
        const rnn = recurrentLayer(kind, 4, { numLayers: 2, bidirectional: true, layout });
        const net = finalStatesGraph(rnn, kind, 4);
        const shape = (n: number): number[] => (layout === 'NTC' ? [n, 5, 6] : [5, n, 6]);
        randomizeRecurrent(net, shape(1));
        for (const n of [1, 4]) {
          const x = np.random.uniform(-1, 1, shape(n), { seed: 6 + n });
          assert.deepEqual(checkClose(net, x), [], `${kind} ${layout} batch ${n}`);
          onePlan(net);
          assert.deepEqual(net.call(x).shape, [4, n, 4], 'states: (layers · directions, N, hidden)');
        }
      }
    }
  });

  test("a document reading an LSTM's hn port runs compiled (the service's forward) as one plan, equal to its eager run", async () => {
    const doc = chainDocument(
      [
        { kind: 'LSTM', name: 'lstm0', attrs: { hiddenSize: 4, numLayers: 2, bidirectional: true } },
        { kind: 'Dense', name: 'dense0', attrs: { units: 2, flatten: false } },
      ],
      [5, -1, 3],
    );
    doc.edges[1]!.source.port = 'hn';
    const model = await prepareModel(doc);
    const x = np.random.uniform(-1, 1, [5, 3, 3], { seed: 2 });
    const eager = runModel(model, [x], { compiled: true }).outputs[0]!;
    const compiled = runModel(model, [x], { compiled: true }).outputs[0]!;
    assert.deepEqual(compiled.shape, [4, 3, 2]);
    assert.ok(relDiff(compiled, eager) <= TOL, `compiled differs by ${relDiff(compiled, eager)}`);
    onePlan(model.net);
  });

  test('a final state read after an eager step is recomputed eagerly, equal to eager', () => {
    const lstm = new LSTM(4, { numLayers: 2 });
    const net = new GraphBlock(
      [
        { key: 'lstm', block: lstm, inputs: [{ input: 0 }], outputCount: 3 },
        step('lam', new Lambda((x: NDArray) => x.mul(2)), [{ input: 0 }]),
        step('hd', new Dense(3, { flatten: false }), [{ step: 0, port: 1 }]),
      ],
      1,
      [{ step: 2, port: 0 }],
    );
    randomizeRecurrent(net, [5, 1, 6]);
    const warnings = checkClose(net, np.random.uniform(-1, 1, [5, 2, 6], { seed: 8 }));
    assert.doesNotMatch(warnings.join('\n'), /recurrent layer runs eagerly/);
    assert.deepEqual(
      net.hybridCache!.describe().map((d) => d.replace(/\d+/g, '')),
      ['native plan: lstm', 'eager: lambda', 'eager: lstm', 'native plan: dense'],
    );
  });

  test('the char-lstm example compiles to one native plan equal to eager at batch 1 and 4', async () => {
    const model = await prepareModel(loadExample('char-lstm'));
    for (const n of [1, 4]) {
      assert.deepEqual(checkClose(model.net, ids(n, 32, 28, 'int32')), []);
      onePlan(model.net);
      assert.match(model.net.hybridCache!.describe()[0]!, /embedding\d* → lstm\d* → dense\d*/);
    }
    assert.ok(model.net.hybridCache!.nativeRuns() >= 2);
  });

  test('the sequence-classifier example (Embedding → bidirectional GRU → SequenceMean → Dense) is one plan equal to eager', async () => {
    const model = await prepareModel(loadExample('sequence-classifier'));
    for (const n of [1, 4]) {
      assert.deepEqual(checkClose(model.net, ids(n, 24, 28, 'int32')), []);
      onePlan(model.net);
      assert.match(model.net.hybridCache!.describe()[0]!, /gru\d* → /);
    }
  });

  test('setData on a recurrent weight rebuilds the plan, whose output follows it', () => {
    const lstm = new LSTM(8, { bidirectional: true, layout: 'NTC' });
    const net = new Sequential();
    net.add(lstm, new Dense(3, { flatten: false }));
    randomizeRecurrent(net, [2, 5, 4]);
    const x = np.random.uniform(-1, 1, [2, 5, 4], { seed: 4 });
    checkClose(net, x);
    const before = net.call(x);
    const builds = net.hybridCache!.builds;
    const w = [...lstm.collectParams().values()].find((p) => p.name.endsWith('r0_h2h_weight'))!;
    w.setData(np.random.uniform(-1, 1, w.shape!, { seed: 12 }));
    const after = net.call(x);
    assert.equal(net.hybridCache!.builds, builds + 1, 'the plan was rebuilt after setData');
    assert.ok(relDiff(after, before) > 1e-3, 'the new weight changed the output');
    net.hybridize(false);
    assert.ok(relDiff(after, net.call(x)) <= TOL, `after setData the plan differs by ${relDiff(after, net.call(x))}`);
  });
});
