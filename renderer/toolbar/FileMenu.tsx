// The toolbar's File menu: New, Open…, Save, Save as…, Import model…, Export…, Download, Upload… and the recent files, in
// one dropdown so the toolbar fits a 1440 px window. A menu button (WAI-ARIA): Enter/Space/↓ opens
// it with the first item focused, ↑/↓/Home/End move, Escape and a click outside close it.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useFileController, useFiles } from '../files/files-context.tsx';
import { baseName } from '../files/recent-files.ts';
import { useEditor } from '../store/editor-context.tsx';

export function FileMenu({ onUpload }: { onUpload(): void }) {
  const files = useFileController();
  const recent = useFiles((s) => s.recent);
  const filePath = useEditor((s) => s.filePath);
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  const items = () => Array.from(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])') ?? []);
  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) trigger.current?.focus();
  };

  useEffect(() => {
    if (!open) return undefined;
    menu.current?.querySelector<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])')?.focus();
    // Pointer down anywhere else closes it, as a native menu does (the click still goes through).
    const outside = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open]);

  const onMenuKey = (event: KeyboardEvent) => {
    const list = items();
    const at = list.indexOf(document.activeElement as HTMLElement);
    const focus = (i: number) => list[(i + list.length) % list.length]?.focus();
    if (event.key === 'Escape') close(true);
    else if (event.key === 'ArrowDown') focus(at + 1);
    else if (event.key === 'ArrowUp') focus(at - 1);
    else if (event.key === 'Home') focus(0);
    else if (event.key === 'End') focus(list.length - 1);
    else if (event.key === 'Tab') setOpen(false);
    else return;
    // The editor's own shortcuts (Escape, ?) must not see keys the menu used.
    event.stopPropagation();
    if (event.key !== 'Tab') event.preventDefault();
  };

  const act = (action: () => void) => () => {
    close(true);
    action();
  };
  const item = (label: string, action: () => void, title?: string) => (
    <button type="button" role="menuitem" tabIndex={-1} title={title} onClick={act(action)}>
      {label}
    </button>
  );

  return (
    <div className="file-menu" ref={root}>
      <button
        type="button"
        ref={trigger}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? 'file-menu' : undefined}
        onClick={() => setOpen(!open)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && !open) {
            e.preventDefault();
            setOpen(true);
          }
        }}
      >
        File <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div className="menu" role="menu" id="file-menu" aria-label="File" ref={menu} onKeyDown={onMenuKey}>
          {item('New', () => files.newDocument())}
          {item('Open…', () => void files.open(), 'Open a document file (Ctrl+O)')}
          {item('Save', () => void files.save(), filePath ? `Save to ${filePath} (Ctrl+S)` : 'Save to a file (Ctrl+S)')}
          {item('Save as…', () => void files.saveAs(), 'Save to another file (Ctrl+Shift+S)')}
          <div role="separator" />
          {item(
            'Import model…',
            () => void files.importModel(),
            'Open an ONNX model as a document: layers, repeated units as blocks, its values (or drop the .onnx on the editor)',
          )}
          {item('Export…', () => files.openExport(), 'Write the model as ONNX, PyTorch / Gluon / TypeScript code or a parameter file (Ctrl+Shift+E)')}
          <div role="separator" />
          {item('Download', () => files.download(), 'Download the document as a JSON file')}
          {item('Upload…', onUpload, 'Open a JSON document or a .safetensors model from this computer')}
          <div role="separator" />
          <div role="group" aria-label="Open recent" className="menu-group">
            <div className="menu-heading muted" aria-hidden="true">
              Open recent
            </div>
            {recent.length === 0 ? (
              <button type="button" role="menuitem" tabIndex={-1} aria-disabled="true" disabled>
                No recent files yet
              </button>
            ) : (
              recent.map((r) => (
                <button
                  type="button"
                  role="menuitem"
                  tabIndex={-1}
                  key={r.path}
                  title={r.path}
                  data-path={r.path}
                  onClick={act(() => void files.openPath(r.path))}
                >
                  {baseName(r.path)} <span className="muted mono">{r.path}</span>
                </button>
              ))
            )}
          </div>
        </div>
      )}
    </div>
  );
}
