// Recurrent layers' states (issue 16): the final states forwardState returns (Gluon's
// `layer(x, states)` → (out, states)) against torch's own kernels (torch._VF.lstm / gru / rnn_tanh
// return h_n, c_n), with and without begin states; a begin state of the wrong shape is an error
// naming the layer, in a forward and in shape inference (deferred batch); the hn output port in a
// document (shapes per port, a run reading it).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createLayer, init, np, type NDArray } from '../../../engine/index.ts';
import { inferShapes, runModel } from '../../../engine/graph/index.ts';
import { prepareModel } from '../../../engine/export/prepare-model.ts';
import type { RecurrentLayer } from '../../../engine/nn/layers/recurrent.ts';
import { chainDocument } from '../support/chain-document.ts';
import { relativeError } from '../support/layer-oracle.ts';

interface Case {
  kind: string;
  attrs: Record<string, unknown>;
  x: number[];
  begin: boolean;
  torch: string;
}
const flat = (layers: number, dirs: string): string =>
  `[p[f'{d}{l}_{k}'] for l in range(${layers}) for d in '${dirs}' for k in ('i2h_weight', 'h2h_weight', 'i2h_bias', 'h2h_bias')]`;
const CASES: Case[] = [
  {
    kind: 'LSTM',
    attrs: { hiddenSize: 3, numLayers: 2, bidirectional: true },
    x: [4, 2, 5],
    begin: true,
    torch: `torch._VF.lstm(x, (h0, c0), ${flat(2, 'lr')}, True, 2, 0.0, False, True, False)`,
  },
  {
    kind: 'LSTM',
    attrs: { hiddenSize: 4, layout: 'NTC' },
    x: [2, 5, 3],
    begin: false,
    torch: `torch._VF.lstm(x, (torch.zeros(1, 2, 4), torch.zeros(1, 2, 4)), ${flat(1, 'l')}, True, 1, 0.0, False, False, True)`,
  },
  {
    kind: 'GRU',
    attrs: { hiddenSize: 3, bidirectional: true },
    x: [3, 2, 4],
    begin: true,
    torch: `torch._VF.gru(x, h0, ${flat(1, 'lr')}, True, 1, 0.0, False, True, False)`,
  },
  {
    kind: 'RNN',
    attrs: { hiddenSize: 4, numLayers: 2, activation: 'tanh' },
    x: [5, 3, 2],
    begin: true,
    torch: `torch._VF.rnn_tanh(x, h0, ${flat(2, 'l')}, True, 2, 0.0, False, False, False)`,
  },
];

const PYTHON = String.raw`
import json, sys, torch
torch.set_default_dtype(torch.float64)
t = lambda w: torch.tensor(w['data'], dtype=torch.float64).reshape(w['shape'])
out = []
for c in json.load(sys.stdin):
    x, p = t(c['x']), {k: t(v) for k, v in c['p'].items()}
    h0, c0 = (t(c['h0']), t(c['c0'])) if 'h0' in c else (None, None)
    r = eval(c['torch'])
    out.append([{'shape': list(v.shape), 'data': v.reshape(-1).tolist()} for v in r])
print(json.dumps(out))
`;

const wire = (a: NDArray) => ({ shape: a.shape, data: Array.from(a.toTyped() as Float32Array) });

test("forwardState: the output and final states equal torch's (h_n, and c_n for an LSTM), with and without begin states", () => {
  const ours = CASES.map((c) => {
    const layer = createLayer(c.kind, c.attrs, { prefix: 'rnn_' }) as RecurrentLayer;
    layer.initialize(new init.Uniform(0.5));
    const x = np.random.uniform(-1, 1, c.x);
    const n = c.attrs.layout === 'NTC' ? c.x[0]! : c.x[1]!;
    const stateShape = [((c.attrs.numLayers as number) ?? 1) * (c.attrs.bidirectional ? 2 : 1), n, c.attrs.hiddenSize as number];
    const begin = c.begin ? [np.random.uniform(-1, 1, stateShape), np.random.uniform(-1, 1, stateShape)] : [];
    const [y, states] = layer.forwardState(x, begin[0], c.kind === 'LSTM' ? begin[1] : undefined);
    const p = Object.fromEntries([...layer.structuralParams()].map(([k, v]) => [k, wire(v.data())]));
    return { c, outs: [y, ...states], wire: { torch: c.torch, x: wire(x), p, ...(c.begin ? { h0: wire(begin[0]!), c0: wire(begin[1]!) } : {}) } };
  });
  const theirs = JSON.parse(execFileSync('/usr/bin/python3', ['-c', PYTHON], { input: JSON.stringify(ours.map((o) => o.wire)), encoding: 'utf8' })) as {
    shape: number[];
    data: number[];
  }[][];
  ours.forEach((o, i) => {
    assert.equal(o.outs.length, theirs[i]!.length, `${o.c.kind}: output and ${theirs[i]!.length - 1} state(s)`);
    o.outs.forEach((a, k) => {
      const err = relativeError(a, theirs[i]![k]!);
      assert.ok(
        err <= 1e-4,
        `${o.c.kind} ${JSON.stringify(o.c.attrs)} result ${k}: relative error ${err} (shapes ${JSON.stringify(a.shape)} / ${JSON.stringify(theirs[i]![k]!.shape)})`,
      );
    });
  });
});

test('a begin state of the wrong shape names the layer, in a forward and in shape inference', () => {
  const lstm = createLayer('LSTM', { hiddenSize: 3, bidirectional: true }, { prefix: 'lstm_' });
  lstm.initialize();
  assert.throws(
    () => lstm.call(np.ones([4, 2, 5]), np.zeros([1, 2, 3])),
    /lstm: the begin state h0 must be \(layers · directions, N, hidden\) = \(2, 2, 3\), got \(1, 2, 3\)/,
  );
  const doc = chainDocument(
    [
      { kind: 'Dense', name: 'dense0', attrs: { units: 4, flatten: false } },
      { kind: 'GRU', name: 'gru0', attrs: { hiddenSize: 3 } },
    ],
    [2, -1, 4],
  );
  doc.edges.push({ id: 'h', source: { node: 'n0', port: 'output' }, target: { node: 'n1', port: 'h0' } });
  doc.edges[1]!.source.node = 'in'; // the GRU reads the input; dense0 (4 features) feeds h0, which wants 3
  const errors = inferShapes(doc).problems.filter((p) => p.severity === 'error');
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.nodeId, 'n1');
  assert.match(errors[0]!.message, /gru0: .*begin state h0 must be .* = \(1, -1, 3\), got \(2, -1, 4\)/);
});

test('the hn output port: shapes per port with a deferred batch, and a run reads the final state (not the sequence) through it', async () => {
  // Input → LSTM → (hn) → Dense → Output: a straight line of nodes, but not a Sequential (the edge leaves the second port).
  const doc = chainDocument(
    [
      { kind: 'LSTM', name: 'lstm0', attrs: { hiddenSize: 4, numLayers: 2 } },
      { kind: 'Dense', name: 'dense0', attrs: { units: 2, flatten: false } },
    ],
    [5, -1, 3],
  );
  doc.edges[1]!.source.port = 'hn';
  const shapes = inferShapes(doc);
  assert.deepEqual(
    shapes.problems.filter((p) => p.severity === 'error'),
    [],
  );
  assert.deepEqual(shapes.nodes.n0!.outputShapes, [
    [5, -1, 4],
    [2, -1, 4],
    [2, -1, 4],
  ]);
  assert.deepEqual(shapes.edges.e1!.shape, [2, -1, 4]);
  const model = await prepareModel(doc);
  const x = np.random.uniform(-1, 1, [5, 3, 3], { seed: 2 });
  const run = runModel(model, [x]);
  assert.deepEqual(run.edgeShapes.e1, [2, 3, 4]);
  const lstm = model.blocks.get('n0') as RecurrentLayer;
  const expected = model.blocks.get('n1')!.call(lstm.forwardState(x)[1][0]!);
  assert.deepEqual(Array.from(run.outputs[0]!.toTyped() as Float32Array), Array.from(expected.toTyped() as Float32Array));
});
