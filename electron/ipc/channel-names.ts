// The allowlist of IPC channels between the window and the main process, with each channel's
// request and result types. Plain types and one array, no runtime dependencies, so the sandboxed
// preload can import it; the zod schemas that check payloads live in channels.ts (main only).

/** Every channel the window may call. Names start with `app:` (Electron checklist #17). */
export const APP_CHANNELS = ['app:version'] as const;

export type AppChannel = (typeof APP_CHANNELS)[number];

/** Request and result types of each channel. */
export interface AppChannelMap {
  /** The application's version string, e.g. "0.1.0". */
  'app:version': { request: undefined; result: string };
}

export type ChannelRequest<C extends AppChannel> = AppChannelMap[C]['request'];
export type ChannelResult<C extends AppChannel> = AppChannelMap[C]['result'];

export function isAppChannel(name: unknown): name is AppChannel {
  return typeof name === 'string' && (APP_CHANNELS as readonly string[]).includes(name);
}
