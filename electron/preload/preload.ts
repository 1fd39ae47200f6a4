// Preload for the sandboxed window: exposes `window.api` (invoke on allowlisted `app:` channels)
// and nothing else — no ipcRenderer, no Node, no engine (style.md convention 14).
import { contextBridge, ipcRenderer } from 'electron';
import { isAppChannel } from '../ipc/channel-names.ts';
import type { DesktopApi } from './api.ts';

const api: DesktopApi = {
  invoke(channel, payload) {
    if (!isAppChannel(channel)) {
      return Promise.reject(new Error(`window.api: unknown channel ${String(channel)}`));
    }
    return ipcRenderer.invoke(channel, payload);
  },
};

contextBridge.exposeInMainWorld('api', api);
