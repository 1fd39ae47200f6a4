// The client side of the web host's WebSocket: says hello with the token, waits for the welcome,
// then carries protocol messages as JSON text frames. Pure (it takes any WebSocket-shaped object),
// so the browser passes its native WebSocket and Node code passes one from the `ws` package.
//   const client = new ServiceClient(webSocketTransport(new WebSocket(url), token));
import type { ServiceTransport } from './service-client.ts';
import type { ClientMessage, ServerMessage } from './service-protocol.ts';

/** The subset of the WHATWG WebSocket both the browser and `ws` provide. */
export interface WebSocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  addEventListener(type: 'error', listener: (event: unknown) => void): void;
}

/** Close codes the web host uses (4000-4999 are the application's). */
export const WS_CLOSE = { unauthorized: 4401, badMessage: 4400, engineGone: 4500 } as const;

/** What a transport that outlives one socket (renderer/api/reconnecting-transport.ts) needs to hear. */
export interface WebSocketHooks {
  /** The host accepted the token; requests queued until then have just been sent. */
  onWelcome?(): void;
  /** The socket closed with this code and reason (WS_CLOSE.unauthorized: the token was refused). */
  onSocketClose?(code: number, reason: string): void;
}

export function webSocketTransport(socket: WebSocketLike, token: string, hooks: WebSocketHooks = {}): ServiceTransport {
  let welcomed = false;
  const queue: string[] = [];
  const messageListeners: ((m: ServerMessage) => void)[] = [];
  const closeListeners: ((reason: string) => void)[] = [];

  socket.addEventListener('open', () => socket.send(JSON.stringify({ type: 'hello', token })));
  socket.addEventListener('message', (event) => {
    let message: ServerMessage;
    try {
      message = JSON.parse(String(event.data)) as ServerMessage;
    } catch {
      return;
    }
    if (message.type === 'welcome') {
      welcomed = true;
      for (const frame of queue.splice(0)) socket.send(frame);
      hooks.onWelcome?.();
      return;
    }
    for (const listener of messageListeners) listener(message);
  });
  // Browsers fire 'error' before 'close', and `ws` throws an 'error' nobody listens to; the close
  // event that follows says what happened.
  socket.addEventListener('error', () => undefined);
  socket.addEventListener('close', (event) => {
    hooks.onSocketClose?.(event.code, event.reason);
    const why =
      event.code === WS_CLOSE.unauthorized
        ? `the web host refused the connection: ${event.reason || 'unauthorized'}`
        : `the connection to the web host closed (${event.code}${event.reason ? `: ${event.reason}` : ''})`;
    for (const listener of closeListeners) listener(why);
  });

  return {
    send(message: ClientMessage) {
      const frame = JSON.stringify(message);
      // Until the host has accepted the token, requests wait here (the host would drop them).
      if (welcomed) socket.send(frame);
      else queue.push(frame);
    },
    onMessage: (listener) => void messageListeners.push(listener),
    onClose: (listener) => void closeListeners.push(listener),
    close: () => socket.close(1000, 'client closed'),
  };
}
