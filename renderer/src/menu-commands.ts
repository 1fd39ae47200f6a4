// The desktop app's menu (electron/main/app-menu.ts) sends command names; this maps each one onto
// the action the toolbar or a shortcut already performs. In a browser there is no menu and this
// does nothing. The renderer may not import electron/, so the command names are repeated here and
// a test checks they match the main process's list.
import { runCommand } from '../commands/index.ts';
import { emptyDocument } from '../graph/document-ops.ts';
import type { EngineSession } from '../api/engine-session.ts';
import type { EditorStore } from '../store/editor-store.ts';
import { saveDocument, pickAndOpenDocument } from '../toolbar/file-actions.ts';

export const MENU_ACTIONS = {
  new: (store: EditorStore) => store.getState().replaceDocument(emptyDocument()),
  open: (store: EditorStore, session: EngineSession) => pickAndOpenDocument(store, session),
  save: (store: EditorStore) => saveDocument(store),
  undo: (store: EditorStore) => void runCommand(store, 'undo'),
  redo: (store: EditorStore) => void runCommand(store, 'redo'),
  deleteSelection: (store: EditorStore) => void runCommand(store, 'deleteSelection'),
  duplicateSelection: (store: EditorStore) => void runCommand(store, 'duplicateSelection'),
  selectAll: (store: EditorStore) => void runCommand(store, 'selectAll'),
  run: (_store: EditorStore, session: EngineSession) => void session.run(),
  toggleTheme: (store: EditorStore) => store.getState().setUi({ theme: store.getState().theme === 'light' ? 'dark' : 'light' }),
  shortcuts: (store: EditorStore) => store.getState().setUi({ helpOpen: true }),
} satisfies Record<string, (store: EditorStore, session: EngineSession) => void>;

interface MenuApi {
  onMenuCommand?(listener: (command: string) => void): () => void;
}

/** Subscribes to the desktop menu when there is one; returns the unsubscribe function. */
export function listenToMenu(store: EditorStore, session: EngineSession): () => void {
  const api = (window as { api?: MenuApi }).api;
  if (!api?.onMenuCommand) return () => undefined;
  return api.onMenuCommand((command) => {
    const action = MENU_ACTIONS[command as keyof typeof MENU_ACTIONS];
    if (action) action(store, session);
  });
}
