// React access to the one FileController: <FilesProvider> at the root, then useFiles(selector) for
// what the file UI shows and useFileController() for its actions.
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { FileController, FilesState } from '../services/file-controller.ts';

const FilesContext = createContext<FileController | null>(null);

export function FilesProvider({ controller, children }: { controller: FileController; children: ReactNode }) {
  return <FilesContext.Provider value={controller}>{children}</FilesContext.Provider>;
}

export function useFileController(): FileController {
  const controller = useContext(FilesContext);
  if (!controller) throw new Error('useFileController must be used inside <FilesProvider>');
  return controller;
}

export function useFiles<T>(selector: (state: FilesState) => T): T {
  return useStore(useFileController().files, selector);
}
