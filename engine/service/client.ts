// Node-side ways to get a typed service client: a private engine process (CLI, tests), or the
// web host's WebSocket. The client itself is pure and lives in engine/protocol/service-client.ts,
// where the renderer imports it from.
//   const engine = await startLocalEngine();
//   const devices = await engine.client.call('listDevices', {});
//   await engine.close();
import WebSocket from 'ws';
import { ServiceClient } from '../protocol/service-client.ts';
import { webSocketTransport, type WebSocketLike } from '../protocol/websocket-transport.ts';
import { EngineHost, type EngineHostOptions } from './engine-host.ts';
import { forkLauncher, type ForkLauncherOptions } from './fork-launcher.ts';

export { ServiceClient } from '../protocol/service-client.ts';
export type { CallOptions, ServiceTransport } from '../protocol/service-client.ts';
export { ServiceError } from '../protocol/service-protocol.ts';

export interface LocalEngine {
  client: ServiceClient;
  host: EngineHost;
  close(): Promise<void>;
}

/** Forks an engine process, waits until it is ready and connects a client to it. */
export async function startLocalEngine(options: EngineHostOptions & ForkLauncherOptions = {}): Promise<LocalEngine> {
  const host = new EngineHost(forkLauncher(options), options);
  await host.start();
  const client = new ServiceClient(host.connect());
  return { client, host, close: () => host.close() };
}

export interface WebSocketClientOptions {
  /** Sent as the Origin header (browsers always send one; Node sends none unless told). */
  origin?: string;
  /** Overrides the Host header (tests of the web host's checks). */
  hostHeader?: string;
}

/** A client over the web host's /api WebSocket; calls wait until the token is accepted. */
export function connectWebSocket(apiUrl: string, token: string, options: WebSocketClientOptions = {}): ServiceClient {
  const headers: Record<string, string> = {};
  if (options.hostHeader) headers.Host = options.hostHeader;
  const socket = new WebSocket(apiUrl, { headers, ...(options.origin ? { origin: options.origin } : {}) });
  // An 'error' event without a listener would crash the process; the close event reports it.
  socket.on('error', () => undefined);
  return new ServiceClient(webSocketTransport(socket as unknown as WebSocketLike, token));
}
