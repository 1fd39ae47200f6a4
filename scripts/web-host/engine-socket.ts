// The engine's WebSocket at /api: a relay with no logic of its own. It admits a connection only
// with an allowed Host and Origin (checked before the upgrade) and the token in the first
// message, then forwards protocol messages between the socket and one link to the engine host.
// Hostile bytes cost nothing: until the token is checked a message may be only a few kilobytes
// (engine/protocol/limits.ts), a frame that breaks the protocol closes that socket (every socket has
// an 'error' listener, so ws never throws), and params nested too deep are refused by the host.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EngineHost } from '../../engine/service/engine-host.ts';
import { zClientMessage, zHelloMessage } from '../../engine/protocol/service-protocol.ts';
import { WS_CLOSE } from '../../engine/protocol/websocket-transport.ts';
import { currentLimits, type Limits } from '../../engine/protocol/limits.ts';
import { hostAllowed, originAllowed, tokenMatches } from './request-guard.ts';

export const API_PATH = '/api';
/** A connection that has not sent its token by then is closed. */
const HELLO_TIMEOUT_MS = 5000;

export interface EngineSocketOptions {
  engine: EngineHost;
  token: string;
  allowedHosts: ReadonlySet<string>;
  /** Message sizes (default: currentLimits()). */
  limits?: Pick<Limits, 'maxMessageBytes' | 'maxHelloBytes'>;
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
}

export function attachEngineSocket(server: Server, options: EngineSocketOptions): WebSocketServer {
  const limits = options.limits ?? currentLimits();
  // maxPayload is the pre-token cap; an admitted socket's receiver gets the full one (raiseCap).
  // No permessage-deflate: a compressed message would be a decompression bomb to inflate.
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxHelloBytes, perMessageDeflate: false });
  wss.on('error', () => undefined); // errors of the listening side are the http server's to report
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== API_PATH) return refuse(socket, 404, 'Not Found');
    if (!hostAllowed(request.headers.host, options.allowedHosts)) return refuse(socket, 403, 'Forbidden: Host');
    if (!originAllowed(request.headers.origin, options.allowedHosts)) return refuse(socket, 403, 'Forbidden: Origin');
    socket.on('error', () => socket.destroy()); // a reset during the handshake is the peer's business
    wss.handleUpgrade(request, socket, head, (ws) => admit(ws, { ...options, limits }));
  });
  return wss;
}

/**
 * Lets an admitted socket receive messages up to `bytes`. ws has one maxPayload per server, set to
 * the pre-token cap; its receiver keeps the limit in `_maxPayload` (ws 8), so the socket's own is
 * raised here. test/tooling/web-host-hostile.test.ts checks that a large message still passes.
 */
function raiseCap(ws: WebSocket, bytes: number): void {
  const receiver = (ws as unknown as { _receiver?: { _maxPayload?: number } })._receiver;
  if (receiver && typeof receiver._maxPayload === 'number') receiver._maxPayload = bytes;
}

function admit(ws: WebSocket, options: EngineSocketOptions & { limits: Pick<Limits, 'maxMessageBytes' | 'maxHelloBytes'> }): void {
  // Protocol errors (unmasked frames, bad UTF-8, RSV bits, unknown opcodes, oversized messages)
  // arrive here; ws then closes the socket with the matching code. Without a listener they throw.
  ws.on('error', () => ws.terminate());
  const timer = setTimeout(() => ws.close(WS_CLOSE.unauthorized, 'no token'), HELLO_TIMEOUT_MS);
  ws.once('close', () => clearTimeout(timer));
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
    raiseCap(ws, options.limits.maxMessageBytes);
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
