// Ctrl+S (save), Ctrl+Shift+S (save as), Ctrl+Shift+E (export), Ctrl+O (open) in the page. In Electron the File menu's
// accelerators already send these commands, so the page leaves the keys to it.
import { useEffect } from 'react';
import type { FileController } from '../services/file-controller.ts';

export function useFileShortcuts(files: FileController): void {
  useEffect(() => {
    if ((window as { api?: unknown }).api !== undefined) return undefined;
    const onKey = (event: KeyboardEvent) => {
      // A path dialog already open is answered first (Ctrl+S there would stack another one).
      if (!(event.ctrlKey || event.metaKey) || event.altKey || files.files.getState().pathPrompt) return;
      const key = event.key.toLowerCase();
      if (key === 's') {
        event.preventDefault();
        void (event.shiftKey ? files.saveAs() : files.save());
      } else if (key === 'e' && event.shiftKey) {
        event.preventDefault();
        files.openExport();
      } else if (key === 'o' && !event.shiftKey) {
        event.preventDefault();
        void files.open();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [files]);
}
