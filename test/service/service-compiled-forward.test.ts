// The service's forward (the editor's Run) on the compiled plan: the first run of a built model is
// eager (it observes every edge's shape), later runs at the same input signature go through the
// model's cached native plan — the outputs match the eager run's, the edge shapes are the same,
// and the plan is traced once and then reused (its counters). A rebuilt model starts eager again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { np } from '../../engine/index.ts';
import { loadExample, parseDocument } from '../../engine/graph/index.ts';
import { compiledStats } from '../../engine/graph/compiled-run.ts';
import type { RequestContext } from '../../engine/service/dispatcher.ts';
import { forward } from '../../engine/service/methods/forward.ts';
import { Session } from '../../engine/service/session.ts';

function context(session: Session): RequestContext {
  return { id: 1, session, signal: new AbortController().signal, progress() {}, checkpoint: async () => {}, emit() {} };
}

const toNumbers = (data: readonly (number | string)[]): number[] => data.map(Number);

for (const example of ['lenet', 'resnet']) {
  test(`${example}: forward runs eagerly once, then through the reused compiled plan with the same result`, async () => {
    const session = new Session();
    const doc = loadExample(example);
    session.open(parseDocument(doc).document!, 'd');
    const shape = [2, ...doc.input.shape.slice(1)];
    const x = np.random.uniform(-1, 1, shape, { seed: 5 });
    const input = [{ shape, data: Array.from(x.toTyped() as Float32Array) }];
    const ctx = context(session);
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await forward({ docId: 'd', input }, ctx));
    const model = session.get('d').model!;
    assert.deepEqual(compiledStats(model), { builds: 1, replays: 1, nativeRuns: 2 });
    const eager = toNumbers(runs[0]!.outputs[0]!.data);
    const scale = Math.max(...eager.map(Math.abs));
    for (const r of runs.slice(1)) {
      assert.deepEqual(r.edgeShapes, runs[0]!.edgeShapes);
      const got = toNumbers(r.outputs[0]!.data);
      assert.equal(got.length, eager.length);
      const diff = Math.max(...got.map((v, i) => Math.abs(v - eager[i]!)));
      assert.ok(diff <= 2e-5 * scale, `compiled forward differs from eager by ${diff} (scale ${scale})`);
    }
    // A rebuilt model (new parameters) runs eagerly first again.
    await forward({ docId: 'd', input, rebuild: true }, ctx);
    assert.deepEqual(compiledStats(session.get('d').model!), { builds: 0, replays: 0, nativeRuns: 0 });
  });
}

test('char-transformer: int32 ids go through the compiled plan, which covers every layer (one native plan)', async () => {
  const session = new Session();
  const doc = loadExample('char-transformer');
  session.open(parseDocument(doc).document!, 'd');
  const shape = [2, 32];
  const input = [{ shape, dtype: 'int32' as const, data: Array.from({ length: 64 }, (_, i) => (i * 5) % 28) }];
  const ctx = context(session);
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await forward({ docId: 'd', input }, ctx));
  const model = session.get('d').model!;
  assert.deepEqual(compiledStats(model), { builds: 1, replays: 1, nativeRuns: 2 });
  assert.deepEqual(model.net.hybridCache!.describe().length, 1);
  assert.match(model.net.hybridCache!.describe()[0]!, /^native plan: .*multiheadattention1/);
  const eager = toNumbers(runs[0]!.outputs[0]!.data);
  const scale = Math.max(...eager.map(Math.abs));
  for (const r of runs.slice(1)) {
    assert.deepEqual(r.edgeShapes, runs[0]!.edgeShapes);
    const got = toNumbers(r.outputs[0]!.data);
    const diff = Math.max(...got.map((v, i) => Math.abs(v - eager[i]!)));
    assert.ok(diff <= 1e-5 * scale, `compiled forward differs from eager by ${diff} (scale ${scale})`);
  }
  // Attention maps need the layers run eagerly: the model steps back from its plan for that pass.
  const withMaps = await forward({ docId: 'd', input, attention: true }, ctx);
  assert.equal(withMaps.attention?.length, 2);
});
