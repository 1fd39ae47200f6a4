// The editor's file logic without a browser: the recent-files list, autosave into the recovery
// slot and the offer at start, and the FileController's open / save / save as against a fake
// engine client (failures keep the document and the list; an edit during a save keeps it dirty).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EngineSession } from '../../renderer/services/engine-session.ts';
import { FileController, windowTitle, withDocumentExtension, type DesktopDialogs } from '../../renderer/services/file-controller.ts';
import { MAX_RECENT_FILES, RECENT_FILES_KEY, baseName, readRecentFiles, touchRecentFile, type StorageLike } from '../../renderer/files/recent-files.ts';
import { AUTOSAVE_DELAY_MS, Autosaver, RECOVERY_KEY, readRecovery, recoveryToOffer } from '../../renderer/files/recovery.ts';
import { addNode, emptyDocument } from '../../renderer/graph/document-ops.ts';
import { createEditorStore, type EditorStore } from '../../renderer/store/editor-store.ts';
import { ServiceError } from '../../engine/protocol/service-protocol.ts';
import { catalog } from './catalog-fixture.ts';

class MemoryStorage implements StorageLike {
  readonly map = new Map<string, string>();
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.map.set(k, v);
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
}

function manualTimers() {
  const pending: { fn: () => void; ms: number }[] = [];
  return {
    pending,
    timers: {
      setTimeout: (fn: () => void, ms: number) => {
        const t = { fn, ms };
        pending.push(t);
        return t;
      },
      clearTimeout: (t: unknown) => {
        const i = pending.indexOf(t as never);
        if (i >= 0) pending.splice(i, 1);
      },
    },
    fire() {
      const t = pending.shift();
      assert.ok(t, 'a timer is pending');
      t.fn();
      return t.ms;
    },
  };
}

function edit(store: EditorStore, kind = 'Dense') {
  store.getState().setEngine({ catalog });
  store.getState().commit(addNode(store.getState().document, catalog, kind, { x: 0, y: 0 }).doc);
}

test('recent files: newest first, no duplicates, at most ten, garbage in storage ignored', () => {
  const storage = new MemoryStorage();
  for (let i = 0; i < 12; i++) touchRecentFile(storage, `/m/f${i}.json`, i);
  let list = readRecentFiles(storage);
  assert.equal(list.length, MAX_RECENT_FILES);
  assert.equal(list[0]!.path, '/m/f11.json');
  list = touchRecentFile(storage, '/m/f5.json', 100, true);
  assert.deepEqual(
    list.slice(0, 2).map((r) => r.path),
    ['/m/f5.json', '/m/f11.json'],
  );
  assert.equal(list.filter((r) => r.path === '/m/f5.json').length, 1);
  assert.equal(list[0]!.savedAt, 100);
  // Opening it later keeps the time it was saved.
  assert.equal(touchRecentFile(storage, '/m/f5.json', 200)[0]!.savedAt, 100);
  storage.setItem(RECENT_FILES_KEY, '{not json');
  assert.deepEqual(readRecentFiles(storage), []);
  storage.setItem(RECENT_FILES_KEY, JSON.stringify([{ path: 3 }, { path: '/ok.json', usedAt: 1 }]));
  assert.deepEqual(
    readRecentFiles(storage).map((r) => r.path),
    ['/ok.json'],
  );
  assert.equal(baseName('C:\\models\\mlp.json'), 'mlp.json');
  assert.equal(windowTitle('mlp.json', true), '• mlp.json — Blocksmith');
});

test('autosave: copies an unsaved document after the delay, empties the slot once it is saved, writes nothing while held', () => {
  const store = createEditorStore();
  const storage = new MemoryStorage();
  const t = manualTimers();
  const saves: number[] = [];
  const autosaver = new Autosaver(
    store,
    storage,
    (at) => saves.push(at),
    (m) => assert.fail(m),
    t.timers,
    () => 1234,
  );
  autosaver.start();
  edit(store);
  edit(store, 'Activation');
  assert.equal(t.pending.length, 1, 'a stream of edits shares one pending copy');
  assert.equal(t.fire(), AUTOSAVE_DELAY_MS);
  const entry = readRecovery(storage);
  assert.equal(entry?.savedAt, 1234);
  assert.equal(entry?.document.nodes.length, 2);
  assert.deepEqual(saves, [1234]);

  store.getState().markSaved({ filePath: '/m/a.json', fileName: 'a.json' });
  assert.equal(storage.getItem(RECOVERY_KEY), null);

  autosaver.hold = true;
  edit(store);
  assert.equal(t.pending.length, 0);
  autosaver.flush();
  assert.equal(storage.getItem(RECOVERY_KEY), null);
  autosaver.release();
  t.fire();
  assert.equal(readRecovery(storage)?.document.nodes.length, 3);
});

test('a recovery is offered only when newer than the last save of its file', () => {
  const storage = new MemoryStorage();
  const document = emptyDocument();
  storage.setItem(RECOVERY_KEY, JSON.stringify({ savedAt: 500, fileName: 'a.json', filePath: '/m/a.json', document }));
  assert.equal(recoveryToOffer(storage, [{ path: '/m/a.json', usedAt: 600, savedAt: 600 }]), null);
  assert.equal(recoveryToOffer(storage, [{ path: '/m/a.json', usedAt: 600, savedAt: 400 }])?.fileName, 'a.json');
  assert.equal(recoveryToOffer(storage, [])?.savedAt, 500);
  storage.setItem(RECOVERY_KEY, JSON.stringify({ savedAt: 500, fileName: 'a.json', document: { format: 'nope' } }));
  assert.equal(recoveryToOffer(storage, []), null, 'a copy that is not a document is not offered');
});

interface Call {
  method: string;
  params: Record<string, unknown>;
}

function controller(answers: Record<string, (params: Record<string, unknown>) => unknown>, prompt: string | null = null) {
  const store = createEditorStore();
  const storage = new MemoryStorage();
  const calls: Call[] = [];
  const session = {
    client: {
      call: async (method: string, params: Record<string, unknown>) => {
        calls.push({ method, params });
        const answer = answers[method];
        if (!answer) throw new Error(`unexpected call ${method}`);
        return answer(params);
      },
    },
    openJson: () => false,
  } as unknown as EngineSession;
  const osRecent: string[] = [];
  const menuRecent: string[][] = [];
  const invoke = async (channel: string, request: { path?: string; paths?: string[] }) => {
    if (channel === 'app:set-recent-files') {
      menuRecent.push(request.paths!);
      return undefined;
    }
    if (channel !== 'app:add-recent-document') return prompt;
    osRecent.push(request.path!);
    return undefined;
  };
  const files = new FileController(store, session, {
    storage,
    confirm: () => true,
    now: () => 42,
    dialogs: { invoke: invoke as DesktopDialogs['invoke'] },
  });
  return { store, storage, calls, files, osRecent, menuRecent };
}

test("open by path: the engine's (migrated) document replaces the current one; a failure keeps everything", async () => {
  const v2 = { ...emptyDocument(), title: 'old' };
  const { store, files, calls } = controller({
    readDocumentFile: (p) => {
      if (p.path === '/m/gone.json') throw new ServiceError('E_FILE_NOT_FOUND', '/m/gone.json does not exist (it was moved, renamed or deleted)');
      return { path: p.path, document: v2, migratedFrom: 1, problems: [], modifiedMs: 1 };
    },
  });
  assert.equal(await files.openPath('/m/old.json'), true);
  assert.equal(store.getState().filePath, '/m/old.json');
  assert.equal(store.getState().fileName, 'old.json');
  assert.match(store.getState().notice?.text ?? '', /^Upgraded from version 1 to 2 and opened \/m\/old\.json; Save writes version 2$/);
  assert.deepEqual(
    files.files.getState().recent.map((r) => r.path),
    ['/m/old.json'],
  );

  edit(store);
  store.getState().markSaved();
  const before = store.getState().document;
  assert.equal(await files.openPath('/m/gone.json'), false);
  assert.equal(store.getState().document, before);
  assert.equal(store.getState().filePath, '/m/old.json');
  assert.match(store.getState().notice?.text ?? '', /^Cannot open: \/m\/gone\.json does not exist/);
  assert.deepEqual(
    files.files.getState().recent.map((r) => r.path),
    ['/m/old.json'],
  );
  assert.deepEqual(
    calls.map((c) => c.method),
    ['readDocumentFile', 'readDocumentFile'],
  );
});

test('save asks for a path the first time, then writes there; an edit made during the write keeps the mark', async () => {
  let release: () => void = () => undefined;
  let slow = false;
  const { store, files, calls, osRecent } = controller(
    {
      writeDocumentFile: async (p) => {
        if (slow)
          await new Promise<void>((r) => {
            release = r;
          });
        return { path: p.path, bytes: 10, modifiedMs: 1 };
      },
    },
    '/m/new.json',
  );
  edit(store);
  assert.equal(await files.save(), true);
  assert.deepEqual(
    calls.map((c) => c.params.path),
    ['/m/new.json'],
  );
  assert.equal(store.getState().dirty, false);
  assert.equal(store.getState().fileName, 'new.json');
  assert.equal(files.files.getState().recent[0]?.savedAt, 42);
  assert.deepEqual(osRecent, ['/m/new.json'], "the desktop shell hears it for the OS's recent list");

  edit(store, 'Activation');
  slow = true;
  const saving = files.save();
  await new Promise((r) => setTimeout(r, 0));
  edit(store, 'Dropout');
  release();
  assert.equal(await saving, true);
  assert.equal(calls.at(-1)?.params.path, '/m/new.json', 'Save reuses the path');
  assert.equal(store.getState().dirty, true);
});

test('a failed save says why and leaves the document unsaved', async () => {
  const { store, files } = controller(
    {
      writeDocumentFile: () => {
        throw new ServiceError('E_FILE_NOT_FOUND', 'cannot save /nowhere/x.json: the folder /nowhere does not exist');
      },
    },
    '/nowhere/x.json',
  );
  edit(store);
  assert.equal(await files.saveAs(), false);
  assert.equal(store.getState().dirty, true);
  assert.equal(store.getState().filePath, null);
  assert.match(store.getState().notice?.text ?? '', /^Not saved: cannot save \/nowhere\/x\.json/);
  assert.deepEqual(files.files.getState().recent, []);
});

test('at start a recovery is offered and autosave waits; Restore brings the document back unsaved', () => {
  const { store, storage, files } = controller({});
  const recovered = { ...emptyDocument(), title: 'lost work' };
  storage.setItem(RECOVERY_KEY, JSON.stringify({ savedAt: 7, fileName: 'lost.json', filePath: null, document: recovered }));
  files.start();
  assert.equal(files.files.getState().recoveryOffer?.fileName, 'lost.json');
  edit(store);
  store.getState().markSaved();
  assert.notEqual(storage.getItem(RECOVERY_KEY), null, 'the offered copy is kept until the person decides');
  files.restoreRecovery();
  assert.equal(store.getState().document.title, 'lost work');
  assert.equal(store.getState().dirty, true);
  assert.equal(files.files.getState().recoveryOffer, null);
  const title = { title: '' };
  files.syncTitle(title);
  assert.equal(title.title, '• lost.json — Blocksmith');
});

test("the desktop menu's Open Recent gets the recent list at start and after every change", async () => {
  const { store, files, menuRecent } = controller(
    {
      writeDocumentFile: (p) => ({ path: p.path, bytes: 10, modifiedMs: 1 }),
      readDocumentFile: (p) => ({ path: p.path, document: emptyDocument(), migratedFrom: null, problems: [], modifiedMs: 1 }),
    },
    '/m/new.json',
  );
  files.start();
  assert.deepEqual(menuRecent, [[]]);
  edit(store);
  assert.equal(await files.save(), true);
  assert.deepEqual(menuRecent.at(-1), ['/m/new.json']);
  assert.equal(await files.openPath('/m/other.json'), true);
  assert.deepEqual(menuRecent.at(-1), ['/m/other.json', '/m/new.json']);
});

test('save as adds .json to a name typed without an extension, and keeps one that was typed', () => {
  assert.equal(withDocumentExtension('/tmp/models/mlp'), '/tmp/models/mlp.json');
  assert.equal(withDocumentExtension('/tmp/models/mlp.json'), '/tmp/models/mlp.json');
  assert.equal(withDocumentExtension('/tmp/models/mlp.graph'), '/tmp/models/mlp.graph');
  assert.equal(withDocumentExtension('/tmp/v1.0/mlp'), '/tmp/v1.0/mlp.json');
  assert.equal(withDocumentExtension('C:\\models\\mlp'), 'C:\\models\\mlp.json');
});
