// The typed client of the engine service, independent of the transport (WebSocket in the browser
// and tests, the engine host in the CLI, Electron IPC in the desktop app). Pure: no Node imports,
// so the renderer uses this very file.
//   const client = new ServiceClient(transport);
//   const { outputs } = await client.call('forward', { docId: 'a', inputShape: [2, 20] });
import type { EventData, EventName, MethodName, MethodParams, MethodResult } from './service-api.ts';
import { ServiceError, zServerMessage, type ClientMessage, type ServerMessage } from './service-protocol.ts';

/** What a client needs from a transport: send a message, hear messages, hear the end. */
export interface ServiceTransport {
  send(message: ClientMessage): void;
  /** Registers the listener for everything the other side sends. */
  onMessage(listener: (message: ServerMessage) => void): void;
  /** Registers the listener for the connection closing (for good). */
  onClose(listener: (reason: string) => void): void;
  close(): void;
}

export interface CallOptions {
  /** Aborting sends a cancel; the call then rejects with E_CANCELLED. */
  signal?: AbortSignal;
  /** Receives the request id as soon as it is sent (to cancel it by id). */
  onSent?: (id: number) => void;
  onProgress?: (done: number, total: number) => void;
}

interface Pending {
  method: string;
  resolve: (value: unknown) => void;
  reject: (error: ServiceError) => void;
  onProgress: ((done: number, total: number) => void) | undefined;
}

type Listener = (data: unknown) => void;

export class ServiceClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private closedReason: string | null = null;

  constructor(private readonly transport: ServiceTransport) {
    transport.onMessage((message) => this.receive(message));
    transport.onClose((reason) => this.fail(reason));
  }

  /** Calls a method; rejects with a ServiceError carrying the engine's code. */
  call<M extends MethodName>(method: M, params: MethodParams<M>, options: CallOptions = {}): Promise<MethodResult<M>> {
    if (this.closedReason !== null) {
      return Promise.reject(new ServiceError('E_NOT_CONNECTED', `cannot call ${method}: ${this.closedReason}`));
    }
    if (options.signal?.aborted) return Promise.reject(new ServiceError('E_CANCELLED', `${method} was cancelled before it was sent`));
    const id = this.nextId++;
    return new Promise<MethodResult<M>>((resolve, reject) => {
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, onProgress: options.onProgress });
      options.signal?.addEventListener('abort', () => this.cancel(id), { once: true });
      try {
        this.transport.send({ type: 'request', id, method, params });
      } catch (error) {
        this.pending.delete(id);
        reject(new ServiceError('E_NOT_CONNECTED', `cannot send ${method}: ${(error as Error).message}`));
        return;
      }
      options.onSent?.(id);
    });
  }

  /** Asks the engine to stop request `id`; its call rejects with E_CANCELLED. */
  cancel(id: number): void {
    if (!this.pending.has(id) || this.closedReason !== null) return;
    this.transport.send({ type: 'cancel', id });
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (data: EventData<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  }

  /** Requests still waiting for their answer. */
  get inFlight(): number {
    return this.pending.size;
  }

  close(): void {
    this.transport.close();
    this.fail('the client was closed');
  }

  private receive(raw: ServerMessage): void {
    const parsed = zServerMessage.safeParse(raw);
    if (!parsed.success) return; // not ours to answer; a broken peer shows up as timeouts in its caller
    const message = parsed.data;
    if (message.type === 'response') {
      const entry = this.pending.get(message.id);
      if (!entry) return;
      this.pending.delete(message.id);
      if (message.ok) entry.resolve(message.result);
      else entry.reject(ServiceError.fromInfo(message.error));
    } else if (message.type === 'event') {
      if (message.event === 'progress') {
        const data = message.data as { requestId?: number; done?: number; total?: number };
        const entry = data.requestId === undefined ? undefined : this.pending.get(data.requestId);
        entry?.onProgress?.(data.done ?? 0, data.total ?? 0);
      }
      for (const listener of this.listeners.get(message.event) ?? []) listener(message.data);
    }
  }

  private fail(reason: string): void {
    if (this.closedReason !== null) return;
    this.closedReason = reason;
    for (const [id, entry] of this.pending) {
      this.pending.delete(id);
      entry.reject(new ServiceError('E_NOT_CONNECTED', `${entry.method} failed: ${reason}`));
    }
  }
}
