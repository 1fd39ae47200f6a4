// The desktop menu: every item that acts on the document sends a command the renderer knows, every
// command the renderer knows has a menu item, and a command arriving in the page runs the same
// action as the toolbar (checked on the real editor store).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MenuItemConstructorOptions } from 'electron';
import { menuTemplate } from '../../electron/main/app-menu.ts';
import { MENU_COMMANDS, isMenuCommand, type MenuCommand } from '../../electron/ipc/channel-names.ts';
import { MENU_ACTIONS, listenToMenu } from '../../renderer/src/menu-commands.ts';
import { addNode } from '../../renderer/graph/document-ops.ts';
import { createEditorStore } from '../../renderer/store/editor-store.ts';
import type { EngineSession } from '../../renderer/services/engine-session.ts';
import type { FileController } from '../../renderer/services/file-controller.ts';
import { catalog } from '../renderer/catalog-fixture.ts';

function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((m) => [m, ...(Array.isArray(m.submenu) ? items(m.submenu) : [])]);
}

function clickAll(isMac: boolean) {
  const sent: MenuCommand[] = [];
  let abouts = 0;
  const template = menuTemplate({ appName: 'Blocksmith', isMac, send: (c) => sent.push(c), about: () => abouts++ });
  for (const item of items(template)) {
    (item.click as ((...args: unknown[]) => void) | undefined)?.();
  }
  return { template, sent, abouts };
}

test('every menu command is one the renderer runs, and every renderer action has a menu item', () => {
  for (const isMac of [false, true]) {
    const { sent, abouts } = clickAll(isMac);
    assert.deepEqual([...sent].sort(), [...MENU_COMMANDS].sort());
    assert.equal(abouts, 1);
  }
  assert.deepEqual(Object.keys(MENU_ACTIONS).sort(), [...MENU_COMMANDS].sort());
  assert.equal(isMenuCommand('save'), true);
  assert.equal(isMenuCommand('rm -rf'), false);
});

test('File, Edit, View, Training, Window and Help, with the usual accelerators; macOS gets the app menu', () => {
  const labels = (t: MenuItemConstructorOptions[]) => t.map((m) => m.label ?? m.role);
  assert.deepEqual(labels(clickAll(false).template), ['File', 'Edit', 'View', 'Training', 'windowMenu', 'help']);
  assert.deepEqual(labels(clickAll(true).template), ['Blocksmith', 'File', 'Edit', 'View', 'Training', 'windowMenu', 'help']);
  const byLabel = new Map(items(clickAll(false).template).map((i) => [i.label, i]));
  assert.equal(byLabel.get('Save')?.accelerator, 'CmdOrCtrl+S');
  assert.equal(byLabel.get('Save As…')?.accelerator, 'Shift+CmdOrCtrl+S');
  assert.equal(byLabel.get('Undo')?.accelerator, 'CmdOrCtrl+Z');
  assert.equal(byLabel.get('Run Forward Pass')?.accelerator, 'CmdOrCtrl+Enter');
});

test("File › Open Recent lists the window's recent files and asks the window to open the chosen one", () => {
  const opened: string[] = [];
  const base = { appName: 'Blocksmith', isMac: false, send: () => undefined, about: () => undefined };
  const openRecent = (t: MenuItemConstructorOptions[]) => items(t).find((i) => i.label === 'Open Recent');
  const empty = openRecent(menuTemplate(base));
  assert.ok(Array.isArray(empty?.submenu));
  assert.deepEqual(
    empty.submenu.map((i) => [i.label, i.enabled]),
    [['No Recent Files', false]],
  );
  const full = openRecent(menuTemplate({ ...base, recent: ['/m/b.json', '/m/a.json'], openRecent: (p) => opened.push(p) }));
  assert.ok(Array.isArray(full?.submenu));
  assert.deepEqual(
    full.submenu.map((i) => i.label),
    ['/m/b.json', '/m/a.json'],
  );
  (full.submenu[1]!.click as () => void)();
  assert.deepEqual(opened, ['/m/a.json']);
});

test('Open Recent reaching the page opens that path; unsubscribing stops both listeners', () => {
  const opened: string[] = [];
  let deliver: (path: string) => void = () => undefined;
  const stopped: string[] = [];
  const g = globalThis as { window?: unknown };
  const previous = g.window;
  g.window = {
    api: {
      onMenuCommand: () => () => void stopped.push('commands'),
      onOpenRecent: (l: (p: string) => void) => {
        deliver = l;
        return () => void stopped.push('recent');
      },
    },
  };
  try {
    const files = {
      openPath: async (p: string) => {
        opened.push(p);
        return true;
      },
    } as unknown as FileController;
    const stop = listenToMenu(createEditorStore(), {} as EngineSession, files);
    deliver('/m/a.json');
    assert.deepEqual(opened, ['/m/a.json']);
    stop();
    assert.deepEqual(stopped.sort(), ['commands', 'recent']);
  } finally {
    g.window = previous;
  }
});

test('a menu command reaching the page runs the editor action (undo, theme, shortcuts)', () => {
  const store = createEditorStore();
  store.getState().setEngine({ catalog });
  store.getState().commit(addNode(store.getState().document, catalog, 'Dense', { x: 0, y: 0 }).doc);
  let deliver: (command: string) => void = () => undefined;
  let unsubscribed = false;
  const g = globalThis as { window?: unknown };
  const previous = g.window;
  g.window = {
    api: {
      onMenuCommand: (l: (c: string) => void) => {
        deliver = l;
        return () => void (unsubscribed = true);
      },
    },
  };
  try {
    const stop = listenToMenu(store, {} as EngineSession, {} as FileController);
    deliver('undo');
    assert.equal(store.getState().document.nodes.length, 0);
    const theme = store.getState().theme;
    deliver('toggleTheme');
    assert.notEqual(store.getState().theme, theme);
    deliver('shortcuts');
    assert.equal(store.getState().helpOpen, true);
    deliver('not-a-command'); // ignored, like anything the preload would not have passed on
    stop();
    assert.equal(unsubscribed, true);
  } finally {
    g.window = previous;
  }
});

test('in a browser (no window.api) the menu hook does nothing', () => {
  const g = globalThis as { window?: unknown };
  const previous = g.window;
  g.window = {};
  try {
    const stop = listenToMenu(createEditorStore(), {} as EngineSession, {} as FileController);
    stop();
  } finally {
    g.window = previous;
  }
});
