// The Parameters tab's view state in the store (it outlives the tab's components, so switching
// tabs keeps it), what opening another document resets, and the tensor view's refresh throttle
// against a fake clock (a stream of changes at most every interval, the last one never dropped).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyDocument } from '../../renderer/graph/document-ops.ts';
import { RefreshThrottle, type ThrottleClock } from '../../renderer/panels/refresh-throttle.ts';
import { createEditorStore } from '../../renderer/store/editor-store.ts';

test('the view choices, the open tensor view and the Files form stay in the store across tab switches', () => {
  const store = createEditorStore();
  const s = () => store.getState();
  s().setUi({ bottomTab: 'parameters' });
  s().setPanel({ paramView: 'tree', paramFilter: '.*weight', collapsedGroups: ['mlp0/dense0'], paramFilesOpen: true });
  s().openTensor('dense0_weight');
  s().setTensor({ page: { row: 2, col: 1 }, mode: 'gradient' });
  s().setParamFiles({ path: '/tmp/x.params', allowMissing: true });
  s().setPanel({ paramFilesReport: { action: 'saved', path: '/tmp/x.params', format: 'mxnet', entries: [], error: null } });
  s().setUi({ bottomTab: 'problems' });
  s().setUi({ bottomTab: 'parameters' });
  assert.equal(s().paramView, 'tree');
  assert.equal(s().paramFilter, '.*weight');
  assert.deepEqual(s().collapsedGroups, ['mlp0/dense0']);
  assert.deepEqual(s().tensor, { name: 'dense0_weight', page: { row: 2, col: 1 }, picked: [], mode: 'gradient' });
  assert.equal(s().paramFiles.path, '/tmp/x.params');
  assert.equal(s().paramFiles.allowMissing, true);
  assert.equal(s().paramFiles.fullNames, true, 'a patch keeps the other fields');
  assert.equal(s().paramFilesReport?.action, 'saved');
});

test('another parameter opens at its first page of values; setTensor without a view does nothing', () => {
  const store = createEditorStore();
  const s = () => store.getState();
  s().setTensor({ mode: 'gradient' });
  assert.equal(s().tensor, null);
  s().openTensor('dense0_weight');
  s().setTensor({ page: { row: 3, col: 0 }, picked: [1], mode: 'gradient' });
  s().openTensor('dense1_weight');
  assert.deepEqual(s().tensor, { name: 'dense1_weight', page: { row: 0, col: 0 }, picked: [], mode: 'values' });
  s().openTensor(null);
  assert.equal(s().tensor, null);
});

test('opening another document closes the tensor view and drops the file report, keeping the choices', () => {
  const store = createEditorStore();
  const s = () => store.getState();
  s().setPanel({ paramView: 'tree', paramFilesOpen: true });
  s().openTensor('dense0_weight');
  s().setParamFiles({ path: '/tmp/x.params' });
  s().setPanel({ paramFilesReport: { action: 'loaded', path: '/tmp/x.params', format: 'mxnet', entries: [], error: null } });
  s().replaceDocument(emptyDocument(), 'other.json');
  assert.equal(s().tensor, null);
  assert.equal(s().paramFilesReport, null);
  assert.equal(s().paramView, 'tree');
  assert.equal(s().paramFilesOpen, true);
  assert.equal(s().paramFiles.path, '/tmp/x.params');
});

/** A clock whose timers run when the test moves time on. */
function fakeClock(): ThrottleClock & { advance(ms: number): void } {
  let now = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let ids = 0;
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = ++ids;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout(id) {
      timers = timers.filter((t) => t.id !== id);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const next = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!next) break;
        timers = timers.filter((t) => t !== next);
        now = next.at;
        next.fn();
      }
      now = end;
    },
  };
}

test('the refresh throttle: the first change at once, a stream at most every interval, the last one delivered', () => {
  const clock = fakeClock();
  const throttle = new RefreshThrottle(500, clock);
  const seen: [number, number][] = [];
  const change = (v: number) => throttle.run(() => seen.push([clock.now(), v]));
  change(0);
  assert.deepEqual(seen, [[0, 0]], 'a single change is not delayed');
  // Training events every 100 ms for 2 s: fetched at 500, 1000, 1500, 2000 with the latest version.
  for (let v = 1; v <= 20; v++) {
    clock.advance(100);
    change(v);
  }
  clock.advance(1000);
  assert.deepEqual(seen, [
    [0, 0],
    [500, 4],
    [1000, 9],
    [1500, 14],
    [2000, 19],
    [2500, 20],
  ]);
  // The run ended at v = 20: that final state was fetched, and nothing is left waiting.
  clock.advance(5000);
  assert.equal(seen.length, 6);
  // Quiet for longer than the interval: the next change is immediate again.
  change(21);
  assert.deepEqual(seen.at(-1), [8000, 21]);
});

test('cancel drops the waiting call (the view was closed)', () => {
  const clock = fakeClock();
  const throttle = new RefreshThrottle(500, clock);
  const seen: number[] = [];
  throttle.run(() => seen.push(1));
  throttle.run(() => seen.push(2));
  throttle.cancel();
  clock.advance(1000);
  assert.deepEqual(seen, [1]);
});
