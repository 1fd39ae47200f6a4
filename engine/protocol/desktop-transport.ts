// The client side of the Electron relay: protocol messages go out through window.api.invoke
// ('app:engine-send') and come back through window.api.onEngineMessage. Pure; it takes the
// window.api object (structurally typed, so this file imports nothing from electron/).
import type { ServiceTransport } from './service-client.ts';
import type { ClientMessage, ServerMessage } from './service-protocol.ts';

export interface DesktopEngineApi {
  invoke(channel: 'app:engine-send', payload: ClientMessage): Promise<unknown>;
  onEngineMessage(listener: (message: ServerMessage) => void): () => void;
}

export function desktopTransport(api: DesktopEngineApi): ServiceTransport {
  const messageListeners: ((m: ServerMessage) => void)[] = [];
  const closeListeners: ((reason: string) => void)[] = [];
  let closed = false;
  const unsubscribe = api.onEngineMessage((message) => {
    if (!closed) for (const listener of messageListeners) listener(message);
  });
  const close = (reason: string) => {
    if (closed) return;
    closed = true;
    unsubscribe();
    for (const listener of closeListeners) listener(reason);
  };
  return {
    send(message) {
      // A rejected invoke means the main process refused the envelope or is gone: no answer will come.
      api.invoke('app:engine-send', message).catch((error: unknown) => close(`the desktop shell refused a message: ${(error as Error).message}`));
    },
    onMessage: (listener) => void messageListeners.push(listener),
    onClose: (listener) => void closeListeners.push(listener),
    close: () => close('the client was closed'),
  };
}
