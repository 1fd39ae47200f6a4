// The editor's layout: toolbar on top, palette | canvas | inspector, problems and parameters below.
// Keyboard shortcuts run registered commands (not while typing in a field).
import { ReactFlowProvider } from '@xyflow/react';
import { useStore } from 'zustand';
import { useEffect, useSyncExternalStore, type CSSProperties, type DragEvent } from 'react';
import { Canvas } from '../canvas/Canvas.tsx';
import { commandForKey, runCommand } from '../commands/index.ts';
import { Palette } from '../palette/Palette.tsx';
import { BottomPanel } from '../panels/BottomPanel.tsx';
import { MIN_CANVAS_HEIGHT, clampHeight, panelSize } from '../panels/panel-size.ts';
import { Inspector } from '../panels/Inspector.tsx';
import { useEditor, useEditorHandles } from '../store/editor-context.tsx';
import { Toolbar } from '../toolbar/Toolbar.tsx';
import { useFileController } from '../files/files-context.tsx';
import { ExportDialog } from '../files/ExportDialog.tsx';
import { PathDialog } from '../files/PathDialog.tsx';
import { RecoveryOffer } from '../files/RecoveryOffer.tsx';
import { TrustPrompt } from '../files/TrustPrompt.tsx';
import { useFileShortcuts } from '../files/use-file-shortcuts.ts';
import { listenToMenu } from './menu-commands.ts';

/** Whether a key goes to a field; the code editor lives in a shadow root, so look at the event's innermost target. */
function isTyping(event: Event): boolean {
  const target = event.composedPath()[0] ?? event.target;
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

function useShortcuts() {
  const { store, session } = useEditorHandles();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isTyping(event)) return;
      if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') {
        event.preventDefault();
        void session.run();
        return;
      }
      if (event.key === '?') {
        // Not typed too: the help's search field takes the focus as it opens.
        event.preventDefault();
        store.getState().setUi({ helpOpen: !store.getState().helpOpen });
        return;
      }
      if (event.key === 'Escape') store.getState().setUi({ helpOpen: false });
      const command = commandForKey(event);
      if (!command) return;
      event.preventDefault();
      runCommand(store, command.name);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, session]);
}

function useDesktopMenu() {
  const { store, session } = useEditorHandles();
  const files = useFileController();
  useEffect(() => listenToMenu(store, session, files), [store, session, files]);
}

function onWindowResize(listener: () => void): () => void {
  window.addEventListener('resize', listener);
  return () => window.removeEventListener('resize', listener);
}

/** A file dragged from the desktop onto the editor opens like Upload… (a JSON document or a .safetensors model). */
function useFileDrop() {
  const files = useFileController();
  const hasFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
  const onDragOver = (event: DragEvent) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
  };
  const onDrop = (event: DragEvent) => {
    const file = event.dataTransfer?.files[0];
    if (!file) return;
    event.preventDefault();
    void files.openLocalFile(file);
  };
  return { onDragOver, onDrop };
}

export function App() {
  const theme = useEditor((s) => s.theme);
  const drop = useFileDrop();
  const { height, maximized, custom } = useStore(panelSize);
  // The bottom panel's row: the height dragged to (never more than the window allows), or all but a strip of canvas.
  const windowHeight = useSyncExternalStore(onWindowResize, () => window.innerHeight);
  const layout = `editor${custom ? ' custom-height' : ''}${maximized ? ' maximized' : ''}`;
  const rows = { '--bottom-height': `${clampHeight(height, windowHeight)}px`, '--canvas-strip': `${MIN_CANVAS_HEIGHT / 2}px` } as CSSProperties;
  useShortcuts();
  useDesktopMenu();
  useFileShortcuts(useFileController());
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return (
    <ReactFlowProvider>
      <div className={layout} style={rows} onDragOver={drop.onDragOver} onDrop={drop.onDrop}>
        <Toolbar />
        <Palette />
        <Canvas />
        <Inspector />
        <BottomPanel />
      </div>
      <PathDialog />
      <ExportDialog />
      <RecoveryOffer />
      <TrustPrompt />
    </ReactFlowProvider>
  );
}
