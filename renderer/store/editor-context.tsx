// React access to the one editor store and engine session: <EditorProvider> at the root, then
// useEditor(selector) in components (re-rendering only when the selected value changes).
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { EngineSession } from '../services/engine-session.ts';
import type { EditorState } from './editor-state.ts';
import type { EditorStore } from './editor-store.ts';

interface EditorHandles {
  store: EditorStore;
  session: EngineSession;
}

const EditorContext = createContext<EditorHandles | null>(null);

export function EditorProvider({ store, session, children }: EditorHandles & { children: ReactNode }) {
  return <EditorContext.Provider value={{ store, session }}>{children}</EditorContext.Provider>;
}

export function useEditorHandles(): EditorHandles {
  const handles = useContext(EditorContext);
  if (!handles) throw new Error('useEditor must be used inside <EditorProvider>');
  return handles;
}

export function useEditor<T>(selector: (state: EditorState) => T): T {
  return useStore(useEditorHandles().store, selector);
}
