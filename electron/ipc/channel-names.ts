// The allowlist of IPC channels between the window and the main process, with each channel's
// request and result types. Plain types and arrays, no runtime dependencies, so the sandboxed
// preload can import it; the zod schemas that check payloads live in channels.ts (main only).
import type { ClientMessage, ServerMessage } from '../../engine/protocol/service-protocol.ts';

/** Every channel the window may call. Names start with `app:` (Electron checklist #17). */
export const APP_CHANNELS = ['app:version', 'app:engine-send', 'app:open-file', 'app:save-file', 'app:add-recent-document', 'app:set-recent-files'] as const;

export type AppChannel = (typeof APP_CHANNELS)[number];

/** What a file dialog may offer: a title and extension filters. */
export interface FileDialogRequest {
  title?: string;
  filters?: { name: string; extensions: string[] }[];
  defaultPath?: string;
}

/** Request and result types of each channel. */
export interface AppChannelMap {
  /** The application's version string, e.g. "0.1.0". */
  'app:version': { request: undefined; result: string };
  /** A protocol message for the engine (request or cancel); answers come on app:engine-message. */
  'app:engine-send': { request: ClientMessage; result: void };
  /** Shows an open dialog; the chosen path, or null when cancelled. */
  'app:open-file': { request: FileDialogRequest; result: string | null };
  /** Shows a save dialog; the chosen path, or null when cancelled. */
  'app:save-file': { request: FileDialogRequest; result: string | null };
  /** A document was opened or saved: the OS's recent documents list (Dock / Jump List) gets it. */
  'app:add-recent-document': { request: { path: string }; result: void };
  /** The editor's recent files, newest first: the File menu's Open Recent lists them. */
  'app:set-recent-files': { request: { paths: string[] }; result: void };
}

export type ChannelRequest<C extends AppChannel> = AppChannelMap[C]['request'];
export type ChannelResult<C extends AppChannel> = AppChannelMap[C]['result'];

/** Main → window: every answer, progress and event from the engine, on one channel. */
export const ENGINE_MESSAGE_CHANNEL = 'app:engine-message';
export type EngineMessage = ServerMessage;

/** Main → window: a menu item the user chose, by name; the window runs the matching action. */
export const MENU_COMMAND_CHANNEL = 'app:menu-command';
export const MENU_COMMANDS = [
  'new',
  'open',
  'save',
  'saveAs',
  'exportModel',
  'importModel',
  'undo',
  'redo',
  'deleteSelection',
  'duplicateSelection',
  'selectAll',
  'run',
  'toggleTheme',
  'shortcuts',
  'exportTrainingJob',
] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

/** Main → window: File › Open Recent chose this path; the window opens it as its own recent list would. */
export const OPEN_RECENT_CHANNEL = 'app:menu-open-recent';

export function isMenuCommand(name: unknown): name is MenuCommand {
  return typeof name === 'string' && (MENU_COMMANDS as readonly string[]).includes(name);
}

export function isAppChannel(name: unknown): name is AppChannel {
  return typeof name === 'string' && (APP_CHANNELS as readonly string[]).includes(name);
}
