// The desktop app's menu (electron/main/app-menu.ts) sends command names; this maps each one onto
// the action the toolbar or a shortcut already performs. In a browser there is no menu and this
// does nothing. The renderer may not import electron/, so the command names are repeated here and
// a test checks they match the main process's list.
import { runCommand } from '../commands/index.ts';
import type { EngineSession } from '../services/engine-session.ts';
import type { FileController } from '../services/file-controller.ts';
import type { EditorStore } from '../store/editor-store.ts';
import { EXPORT_JOB_EVENT } from '../training/job-model.ts';

type MenuAction = (store: EditorStore, session: EngineSession, files: FileController) => void;

export const MENU_ACTIONS = {
  new: (_store, _session, files) => files.newDocument(),
  open: (_store, _session, files) => void files.open(),
  save: (_store, _session, files) => void files.save(),
  saveAs: (_store, _session, files) => void files.saveAs(),
  exportModel: (_store, _session, files) => files.openExport(),
  importModel: (_store, _session, files) => void files.importModel(),
  undo: (store: EditorStore) => void runCommand(store, 'undo'),
  redo: (store: EditorStore) => void runCommand(store, 'redo'),
  deleteSelection: (store: EditorStore) => void runCommand(store, 'deleteSelection'),
  duplicateSelection: (store: EditorStore) => void runCommand(store, 'duplicateSelection'),
  selectAll: (store: EditorStore) => void runCommand(store, 'selectAll'),
  run: (_store: EditorStore, session: EngineSession) => void session.run(),
  toggleTheme: (store: EditorStore) => store.getState().setUi({ theme: store.getState().theme === 'light' ? 'dark' : 'light' }),
  shortcuts: (store: EditorStore) => store.getState().setUi({ helpOpen: true }),
  // The Training tab's PyTorch job section, once the tab has rendered.
  exportTrainingJob: (store: EditorStore) => {
    store.getState().setUi({ bottomTab: 'training' });
    setTimeout(() => window.dispatchEvent(new Event(EXPORT_JOB_EVENT)), 0);
  },
} satisfies Record<string, MenuAction>;

interface MenuApi {
  onMenuCommand?(listener: (command: string) => void): () => void;
  /** File › Open Recent (a shell from before it existed has none). */
  onOpenRecent?(listener: (path: string) => void): () => void;
}

/** Subscribes to the desktop menu when there is one; returns the unsubscribe function. */
export function listenToMenu(store: EditorStore, session: EngineSession, files: FileController): () => void {
  const api = (window as { api?: MenuApi }).api;
  if (!api?.onMenuCommand) return () => undefined;
  const stopCommands = api.onMenuCommand((command) => {
    const action: MenuAction | undefined = MENU_ACTIONS[command as keyof typeof MENU_ACTIONS];
    if (action) action(store, session, files);
  });
  const stopRecent = api.onOpenRecent?.((path) => void files.openPath(path)) ?? (() => undefined);
  return () => {
    stopCommands();
    stopRecent();
  };
}
