// The application menu as data: File, Edit, View, Training, Window, Help. Items that act on the document send
// a named command to the focused window (the renderer runs it exactly as its toolbar or shortcut
// would), so the menu adds no second implementation of any action. Pure: testable without Electron.
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../ipc/channel-names.ts';

export interface MenuContext {
  appName: string;
  isMac: boolean;
  /** Sends a command to the focused window. */
  send(command: MenuCommand): void;
  /** Shows the About box. */
  about(): void;
  /** The window's recent files, newest first (sent by the renderer on app:set-recent-files). */
  recent?: readonly string[];
  /** Asks the focused window to open one of them. */
  openRecent?(path: string): void;
}

export function menuTemplate(ctx: MenuContext): MenuItemConstructorOptions[] {
  const item = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    click: () => ctx.send(command),
    ...(accelerator ? { accelerator } : {}),
  });
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      item('New', 'new', 'CmdOrCtrl+N'),
      item('Open…', 'open', 'CmdOrCtrl+O'),
      {
        label: 'Open Recent',
        submenu: ctx.recent?.length
          ? ctx.recent.map((path) => ({ label: path, click: () => ctx.openRecent?.(path) }))
          : [{ label: 'No Recent Files', enabled: false }],
      },
      item('Save', 'save', 'CmdOrCtrl+S'),
      item('Save As…', 'saveAs', 'Shift+CmdOrCtrl+S'),
      { type: 'separator' },
      item('Import Model…', 'importModel'),
      item('Export…', 'exportModel', 'Shift+CmdOrCtrl+E'),
      { type: 'separator' },
      ctx.isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  // Undo and redo act on the graph's own history, not on the focused text field, hence commands
  // rather than roles; cut/copy/paste stay roles so they keep working in the inspector's fields.
  const edit: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      item('Undo', 'undo', 'CmdOrCtrl+Z'),
      item('Redo', 'redo', 'Shift+CmdOrCtrl+Z'),
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { type: 'separator' },
      item('Duplicate', 'duplicateSelection', 'CmdOrCtrl+D'),
      item('Delete', 'deleteSelection'),
      item('Select All Nodes', 'selectAll'),
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      item('Run Forward Pass', 'run', 'CmdOrCtrl+Enter'),
      item('Toggle Dark Theme', 'toggleTheme'),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      { role: 'toggleDevTools' },
    ],
  };
  const training: MenuItemConstructorOptions = {
    label: 'Training',
    submenu: [item('Export Training Job…', 'exportTrainingJob')],
  };
  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [item('Keyboard Shortcuts', 'shortcuts'), { label: `About ${ctx.appName}`, click: () => ctx.about() }],
  };
  const app: MenuItemConstructorOptions[] = ctx.isMac ? [{ label: ctx.appName, role: 'appMenu' }] : [];
  return [...app, file, edit, view, training, { role: 'windowMenu' }, help];
}
