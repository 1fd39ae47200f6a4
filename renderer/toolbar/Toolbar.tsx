// The toolbar: the File menu (new, open, recent, save, save as, download, upload), examples,
// undo/redo, layout, run, theme, and the status line.
import { useEffect, useRef, type ChangeEvent } from 'react';
import { useAutoLayout } from '../canvas/use-auto-layout.ts';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { FileMenu } from './FileMenu.tsx';
import { ShortcutHelp } from './ShortcutHelp.tsx';
import { runCommand } from '../commands/index.ts';
import { useFileController, useFiles } from '../files/files-context.tsx';
import { useEditor, useEditorHandles } from '../store/editor-context.tsx';

/** An information message leaves the status line after this long; errors stay until dismissed or replaced. */
const INFO_NOTICE_MS = 10_000;

/** Clears an info notice once it has been shown for a while (unless another one replaced it). */
function useNoticeTimeout() {
  const { store } = useEditorHandles();
  const notice = useEditor((s) => s.notice);
  useEffect(() => {
    if (notice?.kind !== 'info') return undefined;
    const timer = setTimeout(() => {
      if (store.getState().notice === notice) store.getState().setEngine({ notice: null });
    }, INFO_NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice, store]);
}

export function Toolbar() {
  const { store, session } = useEditorHandles();
  const files = useFileController();
  const canUndo = useEditor((s) => s.past.length > 0);
  const canRedo = useEditor((s) => s.future.length > 0);
  const examples = useEditor((s) => s.exampleNames);
  const status = useEditor((s) => s.engineStatus);
  const notice = useEditor((s) => s.notice);
  const theme = useEditor((s) => s.theme);
  // The file's name, as the window title shows it (Save as renames it); the document's own title on hover.
  const fileName = useEditor((s) => s.fileName);
  const docTitle = useEditor((s) => s.document.title);
  const dirty = useEditor((s) => s.dirty);
  const filePath = useEditor((s) => s.filePath);
  const help = useEditor((s) => s.helpOpen);
  const lastAutosave = useFiles((s) => s.lastAutosave);
  const fileInput = useRef<HTMLInputElement>(null);
  const layout = useAutoLayout();
  const selectionSize = useEditor((s) => s.selectedNodes.length);
  useNoticeTimeout();

  const upload = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file) await files.openLocalFile(file);
  };

  return (
    <header className="toolbar">
      <span className="brand">Blocksmith</span>
      <span className="doc-title" data-testid="doc-title" title={`${filePath ?? 'not saved to a file yet'}${docTitle ? ` · title: ${docTitle}` : ''}`}>
        {fileName}
        {dirty ? ' •' : ''}
      </span>
      <FileMenu onUpload={() => fileInput.current?.click()} />
      <select aria-label="Open example" value="" onChange={(e) => e.target.value && files.confirmDiscard() && void session.openExample(e.target.value)}>
        <option value="">Examples…</option>
        {examples.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
      <input ref={fileInput} type="file" accept=".json,.safetensors,.onnx,application/json" hidden onChange={(e) => void upload(e)} data-testid="open-file" />
      <span className="sep" />
      <button type="button" onClick={() => runCommand(store, 'undo')} disabled={!canUndo} title="Ctrl+Z">
        Undo
      </button>
      <button type="button" onClick={() => runCommand(store, 'redo')} disabled={!canRedo} title="Ctrl+Shift+Z">
        Redo
      </button>
      <button type="button" onClick={() => void layout()} title="Auto-layout the selection (two or more nodes) or the whole graph">
        {selectionSize > 1 ? 'Layout selection' : 'Layout'}
      </button>
      <span className="sep" />
      <button type="button" className="primary" onClick={() => void session.run()} disabled={status !== 'ready'} title="Ctrl+Enter">
        Run
      </button>
      <span className={`notice ${notice?.kind ?? ''}`} role="status" data-testid="notice" title={notice?.text}>
        {notice?.text ?? (status === 'connecting' ? 'Connecting to the engine…' : '')}
        {notice?.kind === 'error' && (
          <button type="button" className="notice-dismiss" aria-label="Dismiss the message" onClick={() => store.getState().setEngine({ notice: null })}>
            ×
          </button>
        )}
      </span>
      {lastAutosave !== null && (
        <span className="autosave muted" data-testid="autosave-status">
          autosaved {new Date(lastAutosave).toLocaleTimeString()}
        </span>
      )}
      <button type="button" onClick={() => store.getState().setUi({ theme: theme === 'light' ? 'dark' : 'light' })} aria-label="Toggle theme">
        {theme === 'light' ? 'Dark' : 'Light'}
      </button>
      <button type="button" onClick={() => store.getState().setUi({ helpOpen: true })} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">
        ?
      </button>
      {help && <ShortcutHelp onClose={() => store.getState().setUi({ helpOpen: false })} />}
      <ConnectionBanner />
    </header>
  );
}
