// The engine's WebSocket at /api: a relay with no logic of its own. It admits a connection only
// with an allowed Host and Origin (checked before the upgrade) and the token in the first
// message, then forwards protocol messages between the socket and one link to the engine host.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EngineHost } from '../../engine/service/engine-host.ts';
import { zClientMessage, zHelloMessage } from '../../engine/schema/service-protocol.ts';
import { WS_CLOSE } from '../../engine/schema/websocket-transport.ts';
import { hostAllowed, originAllowed, tokenMatches } from './request-guard.ts';

export const API_PATH = '/api';
/** The largest message a client may send (inline tensors included). */
const MAX_PAYLOAD = 64 * 2 ** 20;
/** A connection that has not sent its token by then is closed. */
const HELLO_TIMEOUT_MS = 5000;

export interface EngineSocketOptions {
  engine: EngineHost;
  token: string;
  allowedHosts: ReadonlySet<string>;
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
}

export function attachEngineSocket(server: Server, options: EngineSocketOptions): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== API_PATH) return refuse(socket, 404, 'Not Found');
    if (!hostAllowed(request.headers.host, options.allowedHosts)) return refuse(socket, 403, 'Forbidden: Host');
    if (!originAllowed(request.headers.origin, options.allowedHosts)) return refuse(socket, 403, 'Forbidden: Origin');
    wss.handleUpgrade(request, socket, head, (ws) => admit(ws, options));
  });
  return wss;
}

function admit(ws: WebSocket, options: EngineSocketOptions): void {
  const timer = setTimeout(() => ws.close(WS_CLOSE.unauthorized, 'no token'), HELLO_TIMEOUT_MS);
  ws.once('message', (data) => {
    clearTimeout(timer);
    let hello: unknown;
    try {
      hello = JSON.parse(String(data));
    } catch {
      hello = null;
    }
    const parsed = zHelloMessage.safeParse(hello);
    if (!parsed.success || !tokenMatches(options.token, parsed.data.token)) {
      ws.close(WS_CLOSE.unauthorized, parsed.success ? 'wrong token' : 'the first message must be {type: "hello", token}');
      return;
    }
    relay(ws, options.engine);
  });
}

function relay(ws: WebSocket, engine: EngineHost): void {
  const link = engine.connect();
  link.onMessage((message) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  });
  link.onClose((reason) => ws.close(WS_CLOSE.engineGone, reason.slice(0, 120)));
  ws.on('message', (data) => {
    let message: unknown;
    try {
      message = JSON.parse(String(data));
    } catch {
      ws.close(WS_CLOSE.badMessage, 'messages are JSON');
      return;
    }
    const parsed = zClientMessage.safeParse(message);
    // The engine validates params; the relay only needs an envelope it can route.
    if (!parsed.success) {
      ws.close(WS_CLOSE.badMessage, 'not a request or cancel message');
      return;
    }
    link.send(parsed.data);
  });
  ws.on('close', () => link.close());
  ws.send(JSON.stringify({ type: 'welcome', protocol: 1 }));
}
