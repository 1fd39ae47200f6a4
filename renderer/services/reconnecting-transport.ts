// The browser's transport to the web host's /api WebSocket, surviving drops: when the socket closes
// (web host stopped, network gone) every request in flight fails with E_NOT_CONNECTED at once, new
// requests fail fast instead of hanging, and the transport reconnects with backoff. The client on
// top (ServiceClient) never sees the socket change, so its event subscriptions survive; the owner
// hears each state change (down / up again) to show a notice and re-send the document.
import type { ServiceTransport } from '../../engine/protocol/service-client.ts';
import type { ClientMessage, ServerMessage } from '../../engine/protocol/service-protocol.ts';
import { WS_CLOSE, webSocketTransport, type WebSocketLike } from '../../engine/protocol/websocket-transport.ts';

export type ConnectionState =
  /** Connected (the host accepted the token); reconnected: it had been connected before. */
  | { kind: 'up'; reconnected: boolean }
  /** The socket closed; the next attempt starts in retryInMs. */
  | { kind: 'down'; reason: string; attempt: number; retryInMs: number }
  /** The host refused the token (a restarted host has a new one): retrying cannot help. */
  | { kind: 'refused'; reason: string };

/** Waits between attempts: quick at first (a host restarting), then every 5 s. */
export const RECONNECT_BACKOFF_MS = [250, 500, 1000, 2000, 4000, 5000] as const;

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const browserTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export function reconnectingTransport(
  open: () => WebSocketLike,
  token: string,
  onState: (state: ConnectionState) => void,
  timers: Timers = browserTimers,
): ServiceTransport {
  const messageListeners: ((m: ServerMessage) => void)[] = [];
  const closeListeners: ((reason: string) => void)[] = [];
  /** Requests sent and not answered yet (queued ones too): they fail at once when the socket drops. */
  const inFlight = new Map<number, string>();
  /** The current socket's transport (it says hello and queues requests until the welcome). */
  let current: ServiceTransport | null = null;
  let welcomed = false;
  let everUp = false;
  let finished = false;
  let attempt = 0;
  let lastReason = '';
  let retryTimer: unknown = null;

  const deliver = (message: ServerMessage) => {
    if (message.type === 'response') inFlight.delete(message.id);
    for (const listener of messageListeners) listener(message);
  };
  const failure = (id: number, method: string): ServerMessage => ({
    type: 'response',
    id,
    ok: false,
    error: { code: 'E_NOT_CONNECTED', message: `${method} failed: the engine connection is lost (${lastReason}); reconnecting` },
  });
  const failInFlight = () => {
    for (const [id, method] of [...inFlight]) deliver(failure(id, method));
  };
  const finish = (reason: string) => {
    if (finished) return;
    finished = true;
    if (retryTimer !== null) timers.clearTimeout(retryTimer);
    for (const listener of closeListeners) listener(reason);
  };

  function connect(): void {
    let ws: WebSocketLike;
    try {
      ws = open();
    } catch (error) {
      dropped(`cannot open the socket: ${(error as Error).message}`, 0);
      return;
    }
    // Events of a socket already replaced (or closed by close()) are ignored.
    const transport: ServiceTransport = webSocketTransport(ws, token, {
      onWelcome: () => {
        if (transport !== current) return;
        welcomed = true;
        attempt = 0;
        onState({ kind: 'up', reconnected: everUp });
        everUp = true;
      },
      onSocketClose: (code, reason) => {
        if (transport === current) dropped(reason ? `${code}: ${reason}` : `code ${code}`, code);
      },
    });
    transport.onMessage((message) => {
      if (transport === current) deliver(message);
    });
    current = transport;
    welcomed = false;
  }

  function dropped(reason: string, code: number): void {
    current = null;
    welcomed = false;
    if (finished) return;
    lastReason = reason;
    failInFlight();
    if (code === WS_CLOSE.unauthorized) {
      onState({ kind: 'refused', reason: `the web host refused the connection (${reason}); open the address the web host printed` });
      finish(`the web host refused the connection: ${reason}`);
      return;
    }
    const retryInMs = RECONNECT_BACKOFF_MS[Math.min(attempt, RECONNECT_BACKOFF_MS.length - 1)]!;
    attempt += 1;
    onState({ kind: 'down', reason, attempt, retryInMs });
    retryTimer = timers.setTimeout(() => {
      retryTimer = null;
      if (!finished) connect();
    }, retryInMs);
  }

  connect();

  return {
    send(message: ClientMessage) {
      if (finished) return;
      if (message.type === 'request') inFlight.set(message.id, message.method);
      // Before the first welcome the socket's transport queues the request; once the connection
      // has been up, a request while it is down is answered now (asynchronously, as a real
      // answer would come) rather than left hanging.
      if (current && (welcomed || !everUp)) {
        current.send(message);
      } else if (message.type === 'request') {
        const answer = failure(message.id, message.method);
        void Promise.resolve().then(() => deliver(answer));
      }
    },
    onMessage: (listener) => void messageListeners.push(listener),
    onClose: (listener) => void closeListeners.push(listener),
    close: () => {
      const closing = current;
      finish('the client was closed');
      current = null;
      closing?.close();
    },
  };
}
