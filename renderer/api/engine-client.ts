// The one way the renderer reaches the engine: the typed ServiceClient over the desktop relay
// (inside Electron, window.api) or the web host's /api WebSocket (in a browser, with the token
// from the page's URL).
import type { DesktopEngineApi } from '../../engine/schema/desktop-transport.ts';
import { desktopTransport } from '../../engine/schema/desktop-transport.ts';
import { ServiceClient } from '../../engine/schema/service-client.ts';
import { webSocketTransport } from '../../engine/schema/websocket-transport.ts';

export function connectEngine(): ServiceClient {
  const api = (window as { api?: unknown }).api;
  if (api !== undefined) return new ServiceClient(desktopTransport(api as DesktopEngineApi));
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return new ServiceClient(webSocketTransport(new WebSocket(`${scheme}://${window.location.host}/api`), token));
}
