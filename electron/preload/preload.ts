// Preload for the sandboxed window: exposes `window.api` (invoke on allowlisted `app:` channels,
// and a listener for the engine's messages) and nothing else — no ipcRenderer, no Node, no engine
// (style.md convention 14).
import { contextBridge, ipcRenderer } from 'electron';
import { ENGINE_MESSAGE_CHANNEL, MENU_COMMAND_CHANNEL, OPEN_RECENT_CHANNEL, isAppChannel, isMenuCommand, type EngineMessage } from '../ipc/channel-names.ts';
import type { DesktopApi } from './api.ts';

const api: DesktopApi = {
  invoke(channel, payload) {
    if (!isAppChannel(channel)) {
      return Promise.reject(new Error(`window.api: unknown channel ${String(channel)}`));
    }
    return ipcRenderer.invoke(channel, payload);
  },
  onEngineMessage(listener) {
    // The page never sees the IpcRendererEvent (it would expose ipcRenderer.sender).
    const wrapped = (_event: unknown, message: EngineMessage) => listener(message);
    ipcRenderer.on(ENGINE_MESSAGE_CHANNEL, wrapped);
    return () => void ipcRenderer.removeListener(ENGINE_MESSAGE_CHANNEL, wrapped);
  },
  onMenuCommand(listener) {
    const wrapped = (_event: unknown, command: unknown) => {
      if (isMenuCommand(command)) listener(command);
    };
    ipcRenderer.on(MENU_COMMAND_CHANNEL, wrapped);
    return () => void ipcRenderer.removeListener(MENU_COMMAND_CHANNEL, wrapped);
  },
  onOpenRecent(listener) {
    const wrapped = (_event: unknown, path: unknown) => {
      if (typeof path === 'string' && path.length > 0) listener(path);
    };
    ipcRenderer.on(OPEN_RECENT_CHANNEL, wrapped);
    return () => void ipcRenderer.removeListener(OPEN_RECENT_CHANNEL, wrapped);
  },
};

contextBridge.exposeInMainWorld('api', api);
