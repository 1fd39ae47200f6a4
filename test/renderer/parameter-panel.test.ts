// The Parameters tab's pure parts and its service calls: the tree by block (order, counts,
// collapsing), the tensor view's planes, slices, pages, element indices, value parsing and
// heatmap colours, and ParameterService against a fake client (setting an element refreshes the
// table, a failed load still shows its per-name report, Run's input choice goes to the store and
// Run sends it as inputFile).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ParameterRow } from '../../engine/protocol/service-api.ts';
import type { ServiceClient } from '../../engine/protocol/service-client.ts';
import { EngineSession } from '../../renderer/services/engine-session.ts';
import { histogramFor } from '../../renderer/panels/live-histogram.ts';
import { ParameterService } from '../../renderer/services/parameter-service.ts';
import { blockChain, groupKeys, treeLines } from '../../renderer/panels/parameter-tree.ts';
import {
  clampLeading,
  elementIndex,
  heatColor,
  heatmapGrid,
  heatmapRows,
  pageRanges,
  parseValue,
  planeOf,
  sliceFor,
  valueRange,
} from '../../renderer/panels/tensor-view-model.ts';
import { createEditorStore } from '../../renderer/store/editor-store.ts';
import { idleView } from '../../renderer/training/training-model.ts';

const r = (name: string, blocks?: string[]) => ({ name, blocks });

test("the tree groups rows by their block chain, in the model's order, with counts", () => {
  const rows = [
    r('dense0_weight', ['sequential0', 'sequential1', 'dense0']),
    r('dense0_bias', ['sequential0', 'sequential1', 'dense0']),
    r('dense1_weight', ['sequential0', 'sequential1', 'dense1']),
    r('dense8_weight', ['sequential0', 'dense8']),
  ];
  const lines = treeLines(rows, new Set());
  const text = lines.map((l) => `${'  '.repeat(l.depth)}${l.kind === 'group' ? `${l.name} (${l.count})` : l.row.name}`);
  assert.deepEqual(text, [
    'sequential0 (4)',
    '  sequential1 (3)',
    '    dense0 (2)',
    '      dense0_weight',
    '      dense0_bias',
    '    dense1 (1)',
    '      dense1_weight',
    '  dense8 (1)',
    '    dense8_weight',
  ]);
  const folded = treeLines(rows, new Set(['sequential0/sequential1']));
  assert.deepEqual(
    folded.map((l) => (l.kind === 'group' ? `${l.key}${l.collapsed ? ' +' : ''}` : l.row.name)),
    ['sequential0', 'sequential0/sequential1 +', 'sequential0/dense8', 'dense8_weight'],
  );
  assert.deepEqual(groupKeys(rows), [
    'sequential0',
    'sequential0/sequential1',
    'sequential0/sequential1/dense0',
    'sequential0/sequential1/dense1',
    'sequential0/dense8',
  ]);
});

test("without the engine's block chain a row is grouped by its Gluon prefix", () => {
  assert.deepEqual(blockChain(r('dense0_weight')), ['dense0']);
  assert.deepEqual(blockChain(r('weight')), []);
  const lines = treeLines([r('dense0_weight'), r('weight')], new Set());
  assert.deepEqual(
    lines.map((l) => l.kind),
    ['group', 'param', 'param'],
  );
});

test('planes, slices and element indices for each rank', () => {
  assert.deepEqual(planeOf([]), { rows: 1, cols: 1, leading: [] });
  assert.deepEqual(planeOf([7]), { rows: 7, cols: 1, leading: [] });
  assert.deepEqual(planeOf([256, 20]), { rows: 256, cols: 20, leading: [] });
  const conv = planeOf([8, 3, 5, 5]);
  assert.deepEqual(conv, { rows: 5, cols: 5, leading: [8, 3] });
  assert.deepEqual(clampLeading(conv, [9, -1]), [7, 0]);
  assert.deepEqual(sliceFor([8, 3, 5, 5], [2, 1], [0, 5], [1, 3]), [
    { start: 2, stop: 3 },
    { start: 1, stop: 2 },
    { start: 0, stop: 5 },
    { start: 1, stop: 3 },
  ]);
  assert.deepEqual(sliceFor([7], [], [2, 4], [0, 1]), [{ start: 2, stop: 4 }]);
  assert.deepEqual(sliceFor([], [], [0, 1], [0, 1]), []);
  assert.deepEqual(elementIndex([8, 3, 5, 5], [2, 1], 4, 0), [2, 1, 4, 0]);
  assert.deepEqual(elementIndex([7], [], 3, 0), [3]);
  assert.equal(heatmapRows(planeOf([256, 784])), 20, '16384 values hold 20 whole rows of 784');
  assert.equal(heatmapRows(planeOf([256, 20])), 256);
});

test('pages of 20 rows × 10 columns, the last one short', () => {
  const plane = planeOf([256, 25]);
  assert.deepEqual(pageRanges(plane, { row: 0, col: 0 }), { rows: [0, 20], cols: [0, 10] });
  assert.deepEqual(pageRanges(plane, { row: 12, col: 2 }), { rows: [240, 256], cols: [20, 25] });
  // A page past the end (the parameter shrank) shows the last rows that exist.
  assert.deepEqual(pageRanges(planeOf([4, 3]), { row: 5, col: 5 }).rows, [3, 4]);
});

test("edited values are parsed for the parameter's dtype", () => {
  assert.deepEqual(parseValue(' 7 ', 'float32'), { ok: true, value: 7 });
  assert.deepEqual(parseValue('-1e-3', 'float64'), { ok: true, value: -0.001 });
  assert.match((parseValue('abc', 'float32') as { error: string }).error, /'abc' is not a finite number/);
  assert.match((parseValue('', 'float32') as { error: string }).error, /not a finite number/);
  assert.match((parseValue('1.5', 'int32') as { error: string }).error, /int32 needs a whole number/);
  assert.equal(parseValue('2', 'bool').ok, false);
});

test('heatmap colours: white at 0 between blue and red when the range spans 0, a ramp otherwise', () => {
  assert.deepEqual(heatColor(0, -1, 2), [246, 246, 246]);
  assert.deepEqual(heatColor(2, -1, 2), [214, 60, 52]);
  const negative = heatColor(-1, -1, 2);
  assert.ok(negative[2] > negative[0], 'negative values are blue');
  assert.deepEqual(heatColor(NaN, -1, 1), [0, 0, 0]);
  assert.deepEqual(heatColor(1, 1, 3), [250, 240, 200]);
  assert.deepEqual(heatColor(3, 1, 3), [120, 30, 110]);
  assert.deepEqual(heatColor(0, 0, 0), [246, 246, 246], 'all zeros are white');
  assert.deepEqual(valueRange([3, 'NaN', -2, 'Infinity']), { min: -2, max: 3 });
  assert.deepEqual(heatmapGrid([2, 3, 10]), { rows: 6, cols: 10 });
  assert.deepEqual(heatmapGrid([5]), { rows: 1, cols: 5 });
});

const row: ParameterRow = {
  name: 'dense0_weight',
  shape: [4, 2],
  dtype: 'float32',
  state: 'initialized',
  initializer: null,
  tiedTo: [],
  gradReq: 'write',
  stats: { count: 8, mean: 0, std: 0.1, min: -0.2, max: 0.2 },
};

function fakeClient(answers: Record<string, (params: Record<string, unknown>) => unknown>) {
  const calls: { method: string; params: Record<string, unknown> }[] = [];
  const client = {
    on: () => () => {},
    async call(method: string, params: Record<string, unknown>) {
      calls.push({ method, params });
      const answer = answers[method];
      if (!answer) throw new Error(`unexpected ${method}`);
      return answer(params);
    },
  };
  return { client: client as unknown as ServiceClient, calls };
}

test('setting an element sends the index and fetches the table again', async () => {
  const store = createEditorStore();
  let max = 0.2;
  const { client, calls } = fakeClient({
    setParameter: () => {
      max = 7;
      return { name: 'dense0_weight', shape: [4, 2], dtype: 'float32', stats: row.stats };
    },
    parameterTable: () => ({ parameters: [{ ...row, stats: { ...row.stats!, max } }] }),
  });
  await new ParameterService(store, client).setElement('dense0_weight', [1, 0], 7);
  assert.deepEqual(
    calls.map((c) => c.method),
    ['setParameter', 'parameterTable'],
  );
  assert.deepEqual(calls[0]!.params, { docId: 'editor', name: 'dense0_weight', index: [1, 0], value: { fill: 7 } });
  assert.equal(store.getState().parameters?.[0]?.stats?.max, 7);
});

test("a refused load keeps the engine's per-name report; a good one refreshes the table", async () => {
  const store = createEditorStore();
  const entries = [
    { name: 'dense0_weight', status: 'shape-mismatch', shape: [3, 2], expectedShape: [4, 2], message: 'the model expects (4, 2)' },
    { name: 'dense9_bias', status: 'extra', shape: [2] },
  ];
  const refused = Object.assign(new Error('E_LOAD_SHAPE: dense0_weight has shape (3, 2)'), {
    code: 'E_LOAD_SHAPE',
    details: { names: ['dense0_weight'], entries },
  });
  let fail = true;
  const { client, calls } = fakeClient({
    loadParameters: (p) => {
      if (fail) throw refused;
      return { path: p.path, format: 'npz', entries: [{ name: 'dense0_weight', status: 'loaded', shape: [4, 2] }] };
    },
    parameterTable: () => ({ parameters: [row] }),
  });
  const service = new ParameterService(store, client);
  const bad = await service.loadParameters('w.npz', { allowMissing: false, ignoreExtra: true });
  assert.equal(bad.error, 'E_LOAD_SHAPE: dense0_weight has shape (3, 2)');
  assert.deepEqual(
    bad.entries.map((e) => e.status),
    ['shape-mismatch', 'extra'],
  );
  assert.deepEqual(calls[0]!.params, { docId: 'editor', path: 'w.npz', allowMissing: false, ignoreExtra: true });
  assert.equal(store.getState().parameters, null, 'a refused load changes nothing');
  fail = false;
  const good = await service.loadParameters('w.npz', { allowMissing: true, ignoreExtra: false });
  assert.equal(good.error, null);
  assert.equal(good.entries[0]!.status, 'loaded');
  assert.deepEqual(store.getState().parameters, [row]);
});

test('Run reads its input from the chosen array file, and reuses the model of an unchanged document', async () => {
  const store = createEditorStore();
  const output = { shape: [2, 10], dtype: 'float32', data: new Array(20).fill(0), truncated: false };
  const { client, calls } = fakeClient({
    openDocument: () => ({ docId: 'editor', ok: true, problems: [], shapes: { edges: {}, nodes: {} } }),
    forward: (p) => ({
      outputs: [output],
      edgeShapes: {},
      parameters: [],
      device: 'cpu:0',
      seconds: 0.001,
      input: p.inputFile ? { source: 'file', shapes: [[2, 20]], ...(p.inputFile as object) } : undefined,
      parameterRows: p.parameterTable ? [row] : undefined,
    }),
  });
  const session = new EngineSession(store, client);
  new ParameterService(store, client).useAsRunInput({ path: '/tmp/x.npy', name: '0', shape: [2, 20] });
  await session.run();
  const forward = calls.find((c) => c.method === 'forward')!;
  assert.deepEqual(forward.params.inputFile, { path: '/tmp/x.npy', name: '0' });
  assert.equal(forward.params.rebuild, undefined, 'values set or loaded survive a Run of the same document');
  assert.match(store.getState().notice?.text ?? '', /with 0 from \/tmp\/x\.npy/);
  assert.deepEqual(store.getState().lastRun?.outputs[0]?.shape, [2, 10]);
  new ParameterService(store, client).useAsRunInput(null);
  await session.run();
  assert.equal(calls.filter((c) => c.method === 'forward')[1]!.params.inputFile, undefined);
});

test("sparklines follow the training events while a run is active, the table's histogram otherwise", () => {
  const own = { edges: [0, 1, 2], counts: [3, 5], nonFinite: 0 };
  const event = { edges: [-1, 0, 1], counts: [7, 1] };
  const withHist: ParameterRow = { ...row, histogram: own };
  const summary = { name: 'dense0_weight', shape: [4, 2], mean: 0, std: 1, norm: 1, gradNorm: 1, histogram: event };
  const running = { ...idleView(), phase: 'running' as const, parameters: { dense0_weight: summary } };
  assert.equal(histogramFor(withHist, running), event);
  assert.equal(histogramFor(withHist, { ...running, phase: 'paused' }), event);
  assert.equal(histogramFor(withHist, { ...running, phase: 'finished' }), own, 'after the run the refreshed table is current');
  assert.equal(histogramFor(withHist, idleView()), own);
  // A run without histograms (histogramBins 0) leaves the table's.
  assert.equal(histogramFor(withHist, { ...running, parameters: { dense0_weight: { ...summary, histogram: { edges: [], counts: [] } } } }), own);
  assert.equal(histogramFor(row, idleView()), null);
});
