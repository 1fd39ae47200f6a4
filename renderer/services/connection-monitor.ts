// Turns the socket's state changes into what the person sees and what the session does: a
// persistent "connection lost" notice while it is down (the document stays in the store and edits
// go on), and on reconnect the notice cleared and the document sent again.
import type { EditorStore } from '../store/editor-store.ts';
import type { ConnectionState } from './reconnecting-transport.ts';

export const CONNECTION_LOST_TEXT = 'Engine connection lost — reconnecting…';

interface Reconnectable {
  reconnected(): Promise<void>;
}

/** The listener to give connectEngine; `session` is looked up late because it is built on the client. */
export function connectionMonitor(store: EditorStore, session: () => Reconnectable | undefined): (state: ConnectionState) => void {
  let wasDown = false;
  return (state) => {
    const { setEngine, connectionLost, engineStatus } = store.getState();
    // Offline disables Run and training; 'connecting' (catalog not loaded yet) stays as it is.
    if (state.kind !== 'up' && engineStatus !== 'connecting') setEngine({ engineStatus: 'offline' });
    if (state.kind === 'down') {
      wasDown = true;
      const seconds = Math.max(1, Math.round(state.retryInMs / 1000));
      setEngine({
        connectionLost: {
          text: `${CONNECTION_LOST_TEXT} (attempt ${state.attempt}, next in ${seconds} s; your edits are kept)`,
          since: connectionLost?.since ?? Date.now(),
        },
      });
    } else if (state.kind === 'refused') {
      setEngine({
        connectionLost: {
          text: `Engine connection lost: ${state.reason}. Your edits are kept; save them with Download.`,
          since: connectionLost?.since ?? Date.now(),
        },
      });
    } else if (wasDown) {
      wasDown = false;
      setEngine({
        connectionLost: null,
        notice: { kind: 'info', text: 'Engine connection restored; the document was sent again.' },
        ...(store.getState().engineStatus === 'offline' ? { engineStatus: 'ready' as const } : {}),
      });
      void session()?.reconnected();
    }
  };
}
