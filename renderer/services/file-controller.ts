// Files for the editor: new, open and save by path through the engine (readDocumentFile /
// writeDocumentFile, so the same paths work in the browser and in Electron), save as, the
// recent-files list, autosave with recovery at start, download / upload as the browser's extra way,
// and the window title. React-free: the toolbar, the menu and the dialogs call it; its own small
// store holds what they show (recent files, the path prompt, the recovery offer).
import { createStore, type StoreApi } from 'zustand/vanilla';
import { zGraphDocument, type GraphDocument } from '../../engine/protocol/graph-document.ts';
import { DOC_ID, type EngineSession } from './engine-session.ts';
import { emptyDocument } from '../graph/document-ops.ts';
import type { EditorStore } from '../store/editor-store.ts';
import { readSafetensorsModel } from '../files/safetensors-model.ts';
import { baseName, readRecentFiles, touchRecentFile, type RecentFile, type StorageLike } from '../files/recent-files.ts';
import { Autosaver, clearRecovery, recoveryToOffer, type RecoveryEntry } from '../files/recovery.ts';

/** What the browser's path dialog is asking for; resolve(null) is Cancel. */
export interface PathPrompt {
  mode: 'open' | 'save';
  initial: string;
  resolve(path: string | null): void;
}

export interface FilesState {
  recent: RecentFile[];
  pathPrompt: PathPrompt | null;
  recoveryOffer: RecoveryEntry | null;
  /** When the document was last copied to the recovery slot (null: not since it was clean). */
  lastAutosave: number | null;
  /** File › Export… is showing. */
  exportOpen: boolean;
}

/** The desktop shell's native dialogs (electron/preload exposes them as app:open-file / app:save-file). */
export interface DesktopDialogs {
  invoke(
    channel: 'app:open-file' | 'app:save-file',
    request: { title?: string; defaultPath?: string; filters?: { name: string; extensions: string[] }[] },
  ): Promise<string | null>;
  /** Also tells the OS's recent documents list (electron/main: app.addRecentDocument). */
  invoke(channel: 'app:add-recent-document', request: { path: string }): Promise<void>;
  /** The File menu's Open Recent (electron/main/app-menu.ts) lists these. */
  invoke(channel: 'app:set-recent-files', request: { paths: string[] }): Promise<void>;
}

export interface FileEnvironment {
  storage: StorageLike;
  /** Native dialogs in Electron; null in a browser (the page's path dialog is used). */
  dialogs: DesktopDialogs | null;
  /** Asks before unsaved changes are dropped (window.confirm in the page). */
  confirm(message: string): boolean;
  now?: () => number;
}

const JSON_FILTERS = [
  { name: 'Blocksmith graph', extensions: ['json'] },
  { name: 'All files', extensions: ['*'] },
];
const ONNX_FILTERS = [
  { name: 'ONNX model', extensions: ['onnx'] },
  { name: 'All files', extensions: ['*'] },
];
const OPEN_FILTERS = [{ name: 'Blocksmith graph or model', extensions: ['json', 'safetensors'] }, ...JSON_FILTERS];

/** "• mlp.json — Blocksmith" while unsaved, "mlp.json — Blocksmith" once saved. */
export function windowTitle(fileName: string, dirty: boolean): string {
  return `${dirty ? '• ' : ''}${fileName} — Blocksmith`;
}

function errorText(error: unknown): string {
  return (error as { message?: string } | undefined)?.message ?? String(error);
}

/**
 * `models/mlp` → `models/mlp.json`: a name typed without an extension gets the document's, so the
 * file shows up as JSON in the file manager and in Open's filter; any typed extension is kept.
 */
export function withDocumentExtension(path: string): string {
  const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  return name.includes('.') ? path : `${path}.json`;
}

export class FileController {
  readonly files: StoreApi<FilesState>;
  private readonly autosaver: Autosaver;
  private readonly now: () => number;

  constructor(
    private readonly store: EditorStore,
    private readonly session: EngineSession,
    private readonly env: FileEnvironment,
  ) {
    this.now = env.now ?? Date.now;
    this.files = createStore<FilesState>()(() => ({
      recent: readRecentFiles(env.storage),
      pathPrompt: null,
      recoveryOffer: null,
      lastAutosave: null,
      exportOpen: false,
    }));
    this.autosaver = new Autosaver(
      store,
      env.storage,
      (at) => this.files.setState({ lastAutosave: at }),
      (text) => this.notice('error', text),
    );
  }

  /** Offers a recovery left by an earlier session (autosave waits until it is answered), then autosaves. */
  start(): void {
    const offer = recoveryToOffer(this.env.storage, this.files.getState().recent);
    if (offer) {
      this.autosaver.hold = true;
      this.files.setState({ recoveryOffer: offer });
    } else {
      // A stale copy (older than the last save of its file) is of no use to anyone.
      clearRecovery(this.env.storage);
    }
    this.autosaver.start();
    // The desktop menu's Open Recent follows the list (now, and on every change).
    const tellShell = (recent: readonly RecentFile[]) =>
      this.env.dialogs?.invoke('app:set-recent-files', { paths: recent.map((r) => r.path) }).catch(() => undefined);
    tellShell(this.files.getState().recent);
    this.files.subscribe((state, previous) => {
      if (state.recent !== previous.recent) tellShell(state.recent);
    });
    this.store.subscribe((state, previous) => {
      if (!state.dirty && previous.dirty) this.files.setState({ lastAutosave: null });
    });
  }

  /** Keeps `target.title` (the page's, hence the window's) in step with the file name and dirty mark. */
  syncTitle(target: { title: string }): () => void {
    const apply = () => {
      const { fileName, dirty } = this.store.getState();
      target.title = windowTitle(fileName, dirty);
    };
    apply();
    return this.store.subscribe((s, p) => {
      if (s.fileName !== p.fileName || s.dirty !== p.dirty) apply();
    });
  }

  /** The page is going away: copy unsaved changes now. Returns true when there were some. */
  pageClosing(): boolean {
    this.autosaver.flush();
    return this.store.getState().dirty;
  }

  restoreRecovery(): void {
    const offer = this.files.getState().recoveryOffer;
    if (!offer) return;
    this.store.getState().replaceDocument(offer.document, offer.fileName, offer.filePath);
    // The recovered edits were never saved: the document stays marked as changed.
    this.store.setState({ dirty: true });
    this.files.setState({ recoveryOffer: null });
    this.autosaver.release();
    this.notice('info', `Recovered unsaved changes from ${new Date(offer.savedAt).toLocaleString()}${offer.filePath ? ` (${offer.filePath})` : ''}`);
  }

  discardRecovery(): void {
    this.files.setState({ recoveryOffer: null });
    clearRecovery(this.env.storage);
    this.autosaver.release();
  }

  /** File › Export… (the dialog does the rest: files/ExportDialog.tsx). */
  openExport(): void {
    this.files.setState({ exportOpen: true });
  }

  closeExport(): void {
    this.files.setState({ exportOpen: false });
  }

  newDocument(): void {
    if (!this.confirmDiscard()) return;
    this.store.getState().replaceDocument(emptyDocument());
  }

  /** Asks for a path (native dialog or the page's), then opens it. */
  async open(): Promise<void> {
    if (!this.confirmDiscard()) return;
    const path = await this.askPath('open');
    if (path) await this.openPath(path, { confirmed: true });
  }

  /** Opens a document file by path; on failure the current document and the recent list stay as they were. */
  async openPath(path: string, options: { confirmed?: boolean } = {}): Promise<boolean> {
    if (!options.confirmed && !this.confirmDiscard()) return false;
    let read;
    try {
      read = await this.session.client.call('readDocumentFile', { path });
    } catch (error) {
      this.notice('error', `Cannot open: ${errorText(error)}`);
      return false;
    }
    const parsed = zGraphDocument.safeParse(read.document);
    if (!parsed.success) {
      this.notice(
        'error',
        `Cannot open ${read.path}: the engine read a document this editor does not understand (${parsed.error.issues[0]?.message ?? 'schema'})`,
      );
      return false;
    }
    if (read.parametersFile) return this.openedModel(parsed.data, read.path, () => this.loadValuesFrom(read.parametersFile!));
    this.store.getState().replaceDocument(parsed.data, baseName(read.path), read.path);
    this.remember(read.path, false);
    // The upgrade comes first: the status line is narrow and a long path would hide it.
    this.notice(
      'info',
      read.migratedFrom !== null ? `Upgraded from version ${read.migratedFrom} to 2 and opened ${read.path}; Save writes version 2` : `Opened ${read.path}`,
    );
    return true;
  }

  /**
   * A model file (.safetensors with its document) was read: its document is shown under the
   * file's name as .json with no path (Save asks where, so the weight file is never overwritten
   * with JSON), the model is built, and `load` puts the file's values into it; Run then shows them.
   */
  private async openedModel(doc: GraphDocument, path: string, load: () => Promise<number>): Promise<boolean> {
    const jsonName = baseName(path).replace(/\.safetensors$/i, '.json');
    this.store.getState().replaceDocument(doc, jsonName, null);
    this.remember(path, false);
    try {
      await this.session.flush();
      await this.session.client.call('forward', { docId: DOC_ID, maxValues: 0 });
      const count = await load();
      await this.session.run();
      this.notice('info', `Opened the model in ${path} with its ${count} parameter value(s); Save writes its graph as ${jsonName}`);
      return true;
    } catch (error) {
      this.notice('error', `Opened the graph of ${path}, but not its values: ${errorText(error)}`);
      return false;
    }
  }

  private async loadValuesFrom(path: string): Promise<number> {
    const report = await this.session.client.call('loadParameters', { docId: DOC_ID, path });
    return report.entries.filter((e) => e.status === 'loaded').length;
  }

  /** Opens a .safetensors model file from bytes (a dropped or uploaded file, which has no path the engine can read). */
  async openModelBytes(name: string, bytes: Uint8Array): Promise<boolean> {
    let model;
    try {
      model = readSafetensorsModel(bytes, name);
    } catch (error) {
      this.notice('error', errorText(error));
      return false;
    }
    let opened;
    try {
      opened = await this.session.client.call('openDocument', { docId: DOC_ID, document: model.document, returnDocument: true });
    } catch (error) {
      this.notice('error', `${name}: its document does not open: ${errorText(error)}`);
      return false;
    }
    const parsed = zGraphDocument.safeParse(opened.document);
    if (!parsed.success) {
      this.notice('error', `${name}: the engine answered a document this editor does not understand`);
      return false;
    }
    return this.openedModel(parsed.data, name, async () => {
      for (const a of model.arrays) {
        const data = a.data.map((v) => (Number.isFinite(v) ? v : (String(v) as 'NaN' | 'Infinity' | '-Infinity')));
        await this.session.client.call('setParameter', { docId: DOC_ID, name: a.name, value: { shape: a.shape, dtype: a.dtype, data } });
      }
      return model.arrays.length;
    });
  }

  /** File › Import model…: an ONNX file the engine imports as a document (blocks, shapes) and its values. */
  async importModel(): Promise<void> {
    if (!this.confirmDiscard()) return;
    const path = await this.askPath('import');
    if (path) await this.importModelFrom(path);
  }

  /** Imports by path, or (a dropped file, which has no path) from its bytes; the values load from the file the engine wrote. */
  async importModelFrom(path: string, bytes?: Uint8Array): Promise<boolean> {
    let r;
    try {
      r = await this.session.client.call('importModel', { path, ...(bytes ? { data: toBase64(bytes) } : {}) });
    } catch (error) {
      this.notice('error', `Cannot import ${path}: ${errorText(error)}`);
      return false;
    }
    const parsed = zGraphDocument.safeParse(r.document);
    if (!parsed.success || !r.parametersFile) return (this.notice('error', `Cannot import ${path}: the engine answered no document`), false);
    return this.openedModel(parsed.data, r.parametersFile, () => this.loadValuesFrom(r.parametersFile!));
  }

  /** A file from this computer (dropped on the editor, or Upload…): an ONNX model, a .safetensors model or a JSON document. */
  async openLocalFile(file: File): Promise<boolean> {
    if (file.name.toLowerCase().endsWith('.onnx')) return this.confirmDiscard() && this.importModelFrom(file.name, new Uint8Array(await file.arrayBuffer()));
    if (!file.name.toLowerCase().endsWith('.safetensors')) return this.upload(file);
    if (!this.confirmDiscard()) return false;
    return this.openModelBytes(file.name, new Uint8Array(await file.arrayBuffer()));
  }

  /** Saves to the document's path, or asks for one first (Save As) when it has none. */
  async save(): Promise<boolean> {
    const { filePath } = this.store.getState();
    return filePath ? this.writeTo(filePath) : this.saveAs();
  }

  async saveAs(): Promise<boolean> {
    const { filePath, fileName } = this.store.getState();
    const path = await this.askPath('save', filePath ?? `${this.recentFolder()}${fileName}`);
    return path ? this.writeTo(withDocumentExtension(path)) : false;
  }

  /** The browser's extra way out: the document as a downloaded JSON file (no path, so it stays unsaved). */
  download(): void {
    const { document: doc, fileName } = this.store.getState();
    const url = URL.createObjectURL(new Blob([`${JSON.stringify(doc, null, 2)}\n`], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  /** Opens a file chosen in the browser's picker: the engine parses and migrates it, like a path. */
  async upload(file: File): Promise<boolean> {
    if (!this.confirmDiscard()) return false;
    let json: unknown;
    try {
      json = JSON.parse(await file.text());
    } catch (error) {
      this.notice('error', `${file.name} is not JSON: ${errorText(error)}`);
      return false;
    }
    let opened;
    try {
      opened = await this.session.client.call('openDocument', { docId: DOC_ID, document: json, returnDocument: true });
    } catch (error) {
      // Without the engine only current-version files can be read (the page has no migrations).
      if ((error as { code?: string }).code === 'E_NOT_CONNECTED') return this.session.openJson(json, file.name);
      this.notice('error', `${file.name} is not a Blocksmith graph: ${errorText(error)}`);
      return false;
    }
    const parsed = zGraphDocument.safeParse(opened.document);
    if (!parsed.success) {
      this.notice('error', `${file.name}: the engine answered a document this editor does not understand`);
      return false;
    }
    this.store.getState().replaceDocument(parsed.data, file.name);
    this.notice('info', opened.migratedFrom ? `Upgraded from version ${opened.migratedFrom} to 2 and opened ${file.name}` : `Opened ${file.name}`);
    return true;
  }

  private async writeTo(path: string): Promise<boolean> {
    const doc: GraphDocument = this.store.getState().document;
    let written;
    try {
      // Saving is the person's choice of this path (the save dialog asked about replacing it).
      written = await this.session.client.call('writeDocumentFile', { path, document: doc, overwrite: true });
    } catch (error) {
      this.notice('error', `Not saved: ${errorText(error)}`);
      return false;
    }
    const to = { filePath: written.path, fileName: baseName(written.path) };
    // An edit made while the file was being written is not in the file: the document stays unsaved.
    if (this.store.getState().document === doc) this.store.getState().markSaved(to);
    else this.store.setState(to);
    this.remember(written.path, true);
    this.notice('info', `Saved ${written.path}`);
    return true;
  }

  private remember(path: string, saved: boolean): void {
    this.files.setState({ recent: touchRecentFile(this.env.storage, path, this.now(), saved) });
    // The OS's list is a convenience: a shell that refuses it costs nothing here.
    this.env.dialogs?.invoke('app:add-recent-document', { path }).catch(() => undefined);
  }

  /** True when there is nothing unsaved, or the person agrees to drop it (before opening something else). */
  confirmDiscard(): boolean {
    const { dirty, fileName } = this.store.getState();
    return !dirty || this.env.confirm(`Discard the unsaved changes to ${fileName}?`);
  }

  private askPath(how: 'open' | 'save' | 'import', initial = ''): Promise<string | null> {
    const mode = how === 'save' ? 'save' : 'open';
    if (this.env.dialogs) {
      return this.env.dialogs.invoke(mode === 'open' ? 'app:open-file' : 'app:save-file', {
        title: how === 'import' ? 'Import model (ONNX)' : mode === 'open' ? 'Open graph document' : 'Save graph document',
        filters: how === 'import' ? ONNX_FILTERS : mode === 'open' ? OPEN_FILTERS : JSON_FILTERS,
        ...(initial ? { defaultPath: initial } : {}),
      });
    }
    const start = initial || this.recentFolder();
    return new Promise((resolve) => {
      this.files.setState({
        pathPrompt: {
          mode,
          initial: start,
          resolve: (path) => {
            this.files.setState({ pathPrompt: null });
            resolve(path?.trim() ? path.trim() : null);
          },
        },
      });
    });
  }

  /** The folder of the most recent file ('' when there is none): where a new path most likely goes. */
  private recentFolder(): string {
    const latest = this.files.getState().recent[0];
    return latest ? latest.path.slice(0, latest.path.length - baseName(latest.path).length) : '';
  }

  private notice(kind: 'info' | 'error', text: string): void {
    this.store.getState().setEngine({ notice: { kind, text } });
  }
}

/** Bytes as base64 for the service (chunked: String.fromCharCode takes a bounded argument list). */
function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}
