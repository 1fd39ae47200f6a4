// The toolbar: file (new, examples, open, save), undo/redo, run, theme, and the status line.
import { useRef, type ChangeEvent } from 'react';
import { useAutoLayout } from '../canvas/use-auto-layout.ts';
import { ShortcutHelp } from './ShortcutHelp.tsx';
import { runCommand } from '../commands/index.ts';
import { emptyDocument } from '../graph/document-ops.ts';
import { useEditor, useEditorHandles } from '../store/editor-context.tsx';
import { openDocumentFile, saveDocument } from './file-actions.ts';

export function Toolbar() {
  const { store, session } = useEditorHandles();
  const canUndo = useEditor((s) => s.past.length > 0);
  const canRedo = useEditor((s) => s.future.length > 0);
  const examples = useEditor((s) => s.exampleNames);
  const status = useEditor((s) => s.engineStatus);
  const notice = useEditor((s) => s.notice);
  const theme = useEditor((s) => s.theme);
  const title = useEditor((s) => s.document.title ?? 'untitled');
  const dirty = useEditor((s) => s.dirty);
  const help = useEditor((s) => s.helpOpen);
  const fileInput = useRef<HTMLInputElement>(null);
  const layout = useAutoLayout();
  const selectionSize = useEditor((s) => s.selectedNodes.length);

  const save = () => saveDocument(store);
  const open = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file) await openDocumentFile(store, session, file);
  };

  return (
    <header className="toolbar">
      <span className="brand">Blocksmith</span>
      <span className="doc-title" data-testid="doc-title">{title}{dirty ? ' •' : ''}</span>
      <button type="button" onClick={() => store.getState().replaceDocument(emptyDocument())}>New</button>
      <select aria-label="Open example" value="" onChange={(e) => e.target.value && void session.openExample(e.target.value)}>
        <option value="">Examples…</option>
        {examples.map((n) => <option key={n} value={n}>{n}</option>)}
      </select>
      <button type="button" onClick={() => fileInput.current?.click()}>Open…</button>
      <input ref={fileInput} type="file" accept=".json,application/json" hidden onChange={(e) => void open(e)} data-testid="open-file" />
      <button type="button" onClick={save}>Save</button>
      <span className="sep" />
      <button type="button" onClick={() => runCommand(store, 'undo')} disabled={!canUndo} title="Ctrl+Z">Undo</button>
      <button type="button" onClick={() => runCommand(store, 'redo')} disabled={!canRedo} title="Ctrl+Shift+Z">Redo</button>
      <button type="button" onClick={() => void layout()} title="Auto-layout the selection (two or more nodes) or the whole graph">
        {selectionSize > 1 ? 'Layout selection' : 'Layout'}
      </button>
      <span className="sep" />
      <button type="button" className="primary" onClick={() => void session.run()} disabled={status !== 'ready'} title="Ctrl+Enter">Run</button>
      <span className={`notice ${notice?.kind ?? ''}`} role="status" data-testid="notice">{notice?.text ?? (status === 'connecting' ? 'Connecting to the engine…' : '')}</span>
      <button type="button" onClick={() => store.getState().setUi({ theme: theme === 'light' ? 'dark' : 'light' })} aria-label="Toggle theme">
        {theme === 'light' ? 'Dark' : 'Light'}
      </button>
      <button type="button" onClick={() => store.getState().setUi({ helpOpen: true })} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">?</button>
      {help && <ShortcutHelp onClose={() => store.getState().setUi({ helpOpen: false })} />}
    </header>
  );
}
