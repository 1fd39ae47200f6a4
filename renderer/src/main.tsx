// Renderer entry: one store, one engine session (its connection watched), the file controller
// (autosave, recovery, window title), then the React app in #root.
import '@xyflow/react/dist/style.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectEngine } from '../services/engine-client.ts';
import { connectionMonitor } from '../services/connection-monitor.ts';
import { EngineSession } from '../services/engine-session.ts';
import { FileController, type DesktopDialogs } from '../services/file-controller.ts';
import { FilesProvider } from '../files/files-context.tsx';
import { EditorProvider } from '../store/editor-context.tsx';
import { createEditorStore } from '../store/editor-store.ts';
import { App } from './App.tsx';
import './styles.css';

const root = document.getElementById('root');
if (root === null) throw new Error('renderer: #root element missing from index.html');

const store = createEditorStore();
if (window.matchMedia?.('(prefers-color-scheme: dark)').matches) store.getState().setUi({ theme: 'dark' });
// The monitor needs the session, which needs the client: it looks the session up when it is called.
const built: { session?: EngineSession } = {};
const session = new EngineSession(store, connectEngine(connectionMonitor(store, () => built.session)));
built.session = session;
void session.start();

const desktop = (window as { api?: DesktopDialogs }).api ?? null;
const files = new FileController(store, session, { storage: window.localStorage, dialogs: desktop, confirm: (m) => window.confirm(m) });
files.start();
files.syncTitle(document);
// Leaving the page copies unsaved edits to the recovery slot; in a browser it also asks first
// (Electron would silently refuse to close the window instead, so it is not asked there).
window.addEventListener('pagehide', () => void files.pageClosing());
window.addEventListener('beforeunload', (event) => {
  if (files.pageClosing() && !desktop) event.preventDefault();
});

createRoot(root).render(
  <StrictMode>
    <EditorProvider store={store} session={session}>
      <FilesProvider controller={files}>
        <App />
      </FilesProvider>
    </EditorProvider>
  </StrictMode>,
);
