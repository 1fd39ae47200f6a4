// The type of `window.api`, the only thing the preload exposes to the page. Types only: the
// renderer imports it with `import type`.
import type { AppChannel, ChannelRequest, ChannelResult } from '../ipc/channel-names.ts';

export interface DesktopApi {
  /** Calls an allowlisted `app:` channel in the main process. */
  invoke<C extends AppChannel>(channel: C, payload?: ChannelRequest<C>): Promise<ChannelResult<C>>;
}
