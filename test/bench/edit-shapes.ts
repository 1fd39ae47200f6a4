// Edit → updated shapes on a 1000-node document, at the service level: the editor's own
// EngineSession and store, a real engine process behind the real web host and WebSocket, one
// attribute edit at a time (the debounce skipped: flush sends at once), timed from the commit to
// the shapes in the store. Chromium's rendering is not included (the editor suite measures it).
// Nothing is asserted; the goal is the bench's own.
//   npm run bench -- --only=edit-shapes
import type { NativeAddon } from '../../engine/backend/native-addon.ts';
import { EngineSession } from '../../renderer/services/engine-session.ts';
import { setAttr } from '../../renderer/graph/document-ops.ts';
import { selectBody } from '../../renderer/store/block-slice.ts';
import { createEditorStore } from '../../renderer/store/editor-store.ts';
import { startTestHost } from '../service/service-helpers.ts';
import { benchDocument, NODES } from './editor.ts';
import type { BenchOptions } from './options.ts';
import { verdict, type Row } from './report.ts';

/** Goal: shapes back within a frame budget a person does not notice after typing (100 ms). */
const GOAL_MS = 100;

export async function runEditShapesSuite(_addon: NativeAddon, options: BenchOptions, log: (s: string) => void): Promise<{ rows: Row[]; figures: unknown }> {
  const host = await startTestHost();
  try {
    const store = createEditorStore();
    const session = new EngineSession(store, host.connect());
    await session.start();
    const doc = benchDocument(NODES);
    session.openJson(doc, 'bench.json');
    await session.flush();
    if (!store.getState().shapes) throw new Error('no shapes after opening the bench document');
    const dense = doc.nodes.filter((n) => n.kind === 'Dense').map((n) => n.id);
    const reps = options.quick ? 10 : 40;
    const times: number[] = [];
    for (let i = 0; i < reps + options.warmup; i++) {
      const id = dense[(i * 37) % dense.length]!;
      const started = performance.now();
      store.getState().commitBody(setAttr(selectBody(store.getState()), id, 'units', 32 + (i % 2) + 1));
      await session.flush();
      const elapsed = performance.now() - started;
      if (!store.getState().shapes?.nodes[id]) throw new Error(`no shapes for ${id} after the edit`);
      if (i >= options.warmup) times.push(elapsed);
    }
    times.sort((a, b) => a - b);
    const median = times[times.length >> 1]!;
    const p95 = times[Math.min(times.length - 1, Math.floor(times.length * 0.95))]!;
    log(
      `edit → shapes, ${doc.nodes.length} nodes: median ${median.toFixed(1)} ms, best ${times[0]!.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms (${times.length} edits)`,
    );
    const row = (benchmark: string, value: number, goal: string, ok: boolean | null, best?: number): Row => ({
      suite: 'edit-shapes',
      benchmark,
      value,
      ...(best === undefined ? {} : { best }),
      unit: 'ms',
      peerName: '',
      peerValue: null,
      ratio: null,
      ratioStyle: 'times',
      goal,
      verdict: ok === null ? 'info' : verdict(ok),
    });
    return {
      rows: [
        row(`edit → shapes, ${doc.nodes.length} nodes (service)`, median, `< ${GOAL_MS} ms*`, median < GOAL_MS, times[0]),
        row(`edit → shapes p95, ${doc.nodes.length} nodes (service)`, p95, '', null),
      ],
      figures: { nodes: doc.nodes.length, edges: doc.edges.length, times },
    };
  } finally {
    await host.close();
  }
}
