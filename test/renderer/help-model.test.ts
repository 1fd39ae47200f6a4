// The help overlay's model: every registered command listed once with a line on what it does,
// grouped File › Edit › Blocks › View › Run with the toolbar's actions; the search over labels,
// keys, descriptions and gestures; ↑/↓ through the matches; which entries Enter would run now.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandNamed, registeredCommands } from '../../renderer/commands/index.ts';
import { addNode } from '../../renderer/graph/document-ops.ts';
import { createEditorStore } from '../../renderer/store/editor-store.ts';
import {
  APP_ACTIONS,
  GESTURES,
  HELP_GROUPS,
  commandEntries,
  entryEnabled,
  helpView,
  matchesQuery,
  moveActive,
  type HelpEntry,
} from '../../renderer/toolbar/help-model.ts';
import { catalog } from './catalog-fixture.ts';

const all = (): HelpEntry[] => [...APP_ACTIONS, ...commandEntries(registeredCommands())];
const labels = (entries: readonly HelpEntry[]) => entries.map((e) => e.label);

test('every registered command is listed once, with a doc line, under one of the five groups', () => {
  const view = helpView(all(), GESTURES, '');
  const commands = view.entries.filter((e) => e.source === 'command');
  assert.deepEqual(
    commands.map((e) => e.id).sort(),
    registeredCommands()
      .map((c) => c.name)
      .sort(),
  );
  for (const e of view.entries) {
    assert.ok(e.doc.length > 10, `${e.id} has a doc line`);
    assert.ok(HELP_GROUPS.includes(e.group), `${e.id}: ${e.group}`);
  }
  assert.deepEqual(
    view.sections.map((s) => s.group),
    ['File', 'Edit', 'Blocks', 'View', 'Run'],
  );
  // The flat order (what ↑/↓ walk) is the drawn order: group by group.
  assert.deepEqual(
    view.entries,
    view.sections.flatMap((s) => s.entries),
  );
  assert.deepEqual(labels(view.sections[0]!.entries), ['New', 'Open…', 'Save', 'Save as…', 'Import model…', 'Export…', 'Download']);
  assert.equal(view.entries.find((e) => e.id === 'makeBlock')?.shortcut, 'Ctrl+G');
  assert.equal(view.gestures.length, GESTURES.length);
});

test('search: every word must appear in the label, keys, description or group, case-insensitive', () => {
  assert.ok(matchesQuery('Blocks Make block Ctrl+G', 'make  BLOCK'));
  assert.ok(!matchesQuery('Edit Undo Ctrl+Z', 'undo block'));
  assert.ok(matchesQuery('anything', '   '));

  const block = helpView(all(), GESTURES, 'block');
  assert.ok(labels(block.entries).includes('Make block'));
  assert.ok(!labels(block.entries).includes('Undo'));
  assert.ok(block.sections.some((s) => s.group === 'Blocks'));
  assert.deepEqual(
    block.gestures.map((g) => g.gesture).filter((g) => /block/i.test(g)),
    ['Double-click a block or repeat'],
  );
  assert.ok(block.gestures.every((g) => matchesQuery(`${g.gesture} ${g.doc}`, 'block')));

  // By keys: Ctrl+G is Make block only (Unmake is Ctrl+Shift+G).
  assert.deepEqual(labels(helpView(all(), GESTURES, 'ctrl+g').entries), ['Make block']);
  assert.deepEqual(labels(helpView(all(), GESTURES, 'paste links').entries), ['Paste with links']);
  assert.deepEqual(labels(helpView(all(), GESTURES, 'ctrl+enter').entries), ['Run']);
  const none = helpView(all(), GESTURES, 'no such thing');
  assert.deepEqual([none.sections, none.entries, none.gestures], [[], [], []]);
  assert.deepEqual(
    helpView(all(), GESTURES, 'box select').gestures.map((g) => g.gesture),
    ['Shift+drag'],
  );
});

test("↑ and ↓ move through the matches and wrap; other keys are the search field's", () => {
  assert.equal(moveActive('ArrowDown', 0, 3), 1);
  assert.equal(moveActive('ArrowDown', 2, 3), 0);
  assert.equal(moveActive('ArrowUp', 0, 3), 2);
  // The active index may be past a list the search just shortened.
  assert.equal(moveActive('ArrowUp', 7, 3), 1);
  assert.equal(moveActive('Home', 2, 3), null);
  assert.equal(moveActive('ArrowDown', 0, 0), null);
});

test("enabled: what each entry would do now — the command's own check, the toolbar's for Run and Layout", () => {
  const store = createEditorStore();
  store.getState().setEngine({ catalog });
  const entry = (id: string) => all().find((e) => e.id === id)!;
  const enabled = (id: string) => entryEnabled(entry(id), store.getState(), commandNamed);
  assert.deepEqual(['undo', 'redo', 'makeBlock', 'paste', 'leaveBlock', 'openBlock', 'layout', 'run'].map(enabled), Array(8).fill(false));
  assert.deepEqual(['selectAll', 'new', 'save', 'toggleTheme'].map(enabled), [true, true, true, true]);
  const added = addNode(store.getState().document, catalog, 'Dense', { x: 0, y: 0 });
  store.getState().commit(added.doc);
  store.getState().select([added.id]);
  store.getState().setEngine({ engineStatus: 'ready' });
  assert.deepEqual(['undo', 'makeBlock', 'copySelection', 'deleteSelection', 'layout', 'run'].map(enabled), Array(6).fill(true));
  assert.equal(enabled('openBlock'), false, 'a layer has no definition to open');
  store.getState().setEngine({ connectionLost: { text: 'gone', since: 0 } });
  assert.equal(enabled('run'), false);
});
