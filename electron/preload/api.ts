// The type of `window.api`, the only thing the preload exposes to the page. Types only: the
// renderer imports it with `import type`.
import type { AppChannel, ChannelRequest, ChannelResult, EngineMessage, MenuCommand } from '../ipc/channel-names.ts';

export interface DesktopApi {
  /** Calls an allowlisted `app:` channel in the main process. */
  invoke<C extends AppChannel>(channel: C, payload?: ChannelRequest<C>): Promise<ChannelResult<C>>;
  /** Receives the engine's answers, progress and events; returns the unsubscribe function. */
  onEngineMessage(listener: (message: EngineMessage) => void): () => void;
  /** Receives the application menu's commands; returns the unsubscribe function. */
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
  /** Receives File › Open Recent's chosen path; returns the unsubscribe function. */
  onOpenRecent(listener: (path: string) => void): () => void;
}
