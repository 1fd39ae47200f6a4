// Renderer entry: one store, one engine session, then the React app in #root.
import '@xyflow/react/dist/style.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectEngine } from '../api/engine-client.ts';
import { EngineSession } from '../api/engine-session.ts';
import { EditorProvider } from '../store/editor-context.tsx';
import { createEditorStore } from '../store/editor-store.ts';
import { App } from './App.tsx';
import './styles.css';

const root = document.getElementById('root');
if (root === null) throw new Error('renderer: #root element missing from index.html');

const store = createEditorStore();
if (window.matchMedia?.('(prefers-color-scheme: dark)').matches) store.getState().setUi({ theme: 'dark' });
const session = new EngineSession(store, connectEngine());
void session.start();

createRoot(root).render(
  <StrictMode>
    <EditorProvider store={store} session={session}>
      <App />
    </EditorProvider>
  </StrictMode>,
);
