// Saving and opening documents as files, shared by the toolbar and the desktop menu.
import type { EngineSession } from '../api/engine-session.ts';
import type { EditorStore } from '../store/editor-store.ts';

function download(fileName: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function saveDocument(store: EditorStore): void {
  const { document, fileName, markSaved } = store.getState();
  download(fileName, `${JSON.stringify(document, null, 2)}\n`);
  markSaved();
}

/** Reads a chosen file as a document; a file that is not JSON becomes a notice, not a crash. */
export async function openDocumentFile(store: EditorStore, session: EngineSession, file: File): Promise<void> {
  try {
    session.openJson(JSON.parse(await file.text()), file.name);
  } catch (error) {
    store.getState().setEngine({ notice: { kind: 'error', text: `${file.name} is not JSON: ${(error as Error).message}` } });
  }
}

/** Asks for a file with the browser's picker, then opens it. */
export function pickAndOpenDocument(store: EditorStore, session: EngineSession): void {
  const input = document.createElement('input');
  input.type = 'file';
  input.accept = '.json,application/json';
  input.onchange = () => {
    const file = input.files?.[0];
    if (file) void openDocumentFile(store, session, file);
  };
  input.click();
}
