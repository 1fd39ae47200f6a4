// The one way the renderer reaches the engine: the typed ServiceClient over the desktop relay
// (inside Electron, window.api) or the web host's /api WebSocket (in a browser, with the token
// from the page's URL). The WebSocket reconnects by itself when the web host goes away and comes
// back; onConnection hears each change so the page can say so and re-send its document.
import type { DesktopEngineApi } from '../../engine/protocol/desktop-transport.ts';
import { desktopTransport } from '../../engine/protocol/desktop-transport.ts';
import { ServiceClient } from '../../engine/protocol/service-client.ts';
import { reconnectingTransport, type ConnectionState } from './reconnecting-transport.ts';

export type { ConnectionState } from './reconnecting-transport.ts';

export function connectEngine(onConnection: (state: ConnectionState) => void = () => undefined): ServiceClient {
  const api = (window as { api?: unknown }).api;
  // The desktop relay is IPC inside one app: it does not drop the way a socket does.
  if (api !== undefined) return new ServiceClient(desktopTransport(api as DesktopEngineApi));
  const token = new URLSearchParams(window.location.search).get('token') ?? '';
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const url = `${scheme}://${window.location.host}/api`;
  return new ServiceClient(reconnectingTransport(() => new WebSocket(url), token, onConnection));
}
