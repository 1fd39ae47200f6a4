// Access to `window.api`, which exists only inside the Electron window (see electron/preload).
import type { DesktopApi } from '../../electron/preload/api.ts';

declare global {
  interface Window {
    api?: DesktopApi;
  }
}

export function desktopApi(): DesktopApi | undefined {
  return window.api;
}
