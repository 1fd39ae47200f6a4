// Supervises the engine process. Clients connect through links (one per window, WebSocket or
// CLI), each with its own request ids; the host maps them onto the engine's, routes answers and
// progress back, and broadcasts events. When the engine dies, requests in flight fail with
// E_ENGINE_RESTARTED (or E_CANCELLED when a cancel had to kill it), a fresh engine starts, and every
// link gets 'engine-restarted'. Requests sent meanwhile wait for the fresh engine.
import type { EventData } from '../protocol/service-api.ts';
import {
  ServiceError,
  zReadyMessage,
  zResponseMessage,
  zEventMessage,
  type ClientMessage,
  type RequestMessage,
  type ServerMessage,
} from '../protocol/service-protocol.ts';
import type { ServiceTransport } from '../protocol/service-client.ts';
import { hostErrors as E } from './host-errors.ts';
import { serviceErrors } from './service-errors.ts';
import { currentLimits, jsonDeeperThan } from '../protocol/limits.ts';

/** One running engine process, whatever started it (fork, Electron's utilityProcess). */
export interface EngineProcess {
  readonly pid: number | null;
  send(message: ClientMessage): void;
  kill(signal?: NodeJS.Signals): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the process is gone, with the tail of what it printed on stderr. */
  onExit(listener: (code: number | null, signal: string | null, stderrTail: string) => void): void;
}
export type EngineLauncher = () => EngineProcess;

export interface EngineHostOptions {
  /** How long a cancelled request may keep running before the engine is killed (default 3 s). */
  cancelGraceMs?: number;
  /** How long a fresh engine may take to say it is ready (default 60 s). */
  startTimeoutMs?: number;
  /** Engines that die before becoming ready this many times in a row stop the restarts (default 3). */
  maxFailedStarts?: number;
  /** How long the engine may take to answer the probe that decides whether a stuck request needs a kill (default 1 s). */
  probeMs?: number;
}

interface InFlight {
  link: HostLink;
  clientId: number;
  message: RequestMessage;
  sent: boolean;
  cancelling: boolean;
  timer?: NodeJS.Timeout;
}
interface Running {
  proc: EngineProcess;
  ready: boolean;
  startTimer: NodeJS.Timeout;
  dead: boolean;
}

export class EngineHost {
  private engine: Running | null = null;
  private readonly inFlight = new Map<number, InFlight>();
  private readonly links = new Set<HostLink>();
  private nextId = 1;
  private failedStarts = 0;
  private unavailable: string | null = null;
  private closed = false;
  private readyWaiters: (() => void)[] = [];
  /** Pings of our own (engine request id → resolve), to see whether the engine's event loop is free. */
  private readonly probes = new Map<number, (answered: boolean) => void>();
  private readonly probeMs: number;
  private readonly cancelGraceMs: number;
  private readonly startTimeoutMs: number;
  private readonly maxFailedStarts: number;

  constructor(
    private readonly launcher: EngineLauncher,
    options: EngineHostOptions = {},
  ) {
    this.cancelGraceMs = options.cancelGraceMs ?? 3000;
    this.startTimeoutMs = options.startTimeoutMs ?? 60000;
    this.maxFailedStarts = options.maxFailedStarts ?? 3;
    this.probeMs = options.probeMs ?? 1000;
  }

  /** Starts the engine (if not running) and resolves once it is ready. */
  start(): Promise<void> {
    if (this.engine?.ready) return Promise.resolve();
    if (!this.engine) this.spawn();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** The engine's process id, or null while none is running. */
  get pid(): number | null {
    return this.engine && !this.engine.dead ? this.engine.proc.pid : null;
  }

  /** A new client connection with its own request ids. */
  connect(): ServiceTransport {
    const link = new HostLink(this);
    this.links.add(link);
    return link;
  }

  /** Stops the engine for good; requests in flight fail with E_NOT_CONNECTED. */
  async close(): Promise<void> {
    this.closed = true;
    for (const link of [...this.links]) link.end('the engine host was closed');
    const engine = this.engine;
    this.engine = null;
    if (engine && !engine.dead) {
      await new Promise<void>((resolve) => {
        engine.proc.onExit(() => resolve());
        engine.proc.kill('SIGTERM');
        setTimeout(() => {
          engine.proc.kill('SIGKILL');
          resolve();
        }, 2000).unref();
      });
    }
  }

  /** @internal A link forwards what its client sends. */
  forward(link: HostLink, message: ClientMessage): void {
    if (message.type === 'request') {
      // JSON nested this deep cannot be serialized to the engine (the stack runs out): refuse it here.
      const depth = currentLimits().maxJsonDepth;
      if (jsonDeeperThan(message.params, depth)) {
        link.deliver(failure(message.id, E.tooDeep(message.method, depth)));
        return;
      }
      const id = this.nextId++;
      this.inFlight.set(id, { link, clientId: message.id, message: { ...message, id }, sent: false, cancelling: false });
      this.flush();
      return;
    }
    const found = [...this.inFlight].find(([, e]) => e.link === link && e.clientId === message.id);
    if (found) this.cancel(...found);
  }

  /** @internal A closing link's requests are cancelled. */
  drop(link: HostLink): void {
    this.links.delete(link);
    for (const [id, entry] of this.inFlight) if (entry.link === link) this.cancel(id, entry);
  }

  private cancel(id: number, entry: InFlight): void {
    if (!entry.sent) {
      this.inFlight.delete(id);
      entry.link.deliver(failure(entry.clientId, serviceErrors.cancelled(entry.message.method)));
      return;
    }
    if (entry.cancelling) return;
    entry.cancelling = true;
    const engine = this.engine;
    try {
      engine?.proc.send({ type: 'cancel', id });
    } catch {
      /* the exit handler answers */
    }
    // A request stuck inside one long kernel cannot see the cancel: after the grace period the
    // engine is killed, which is the only way to stop native code, and a fresh one starts. But a
    // request that waits (on a file, a pipe) leaves the engine answering: then it is abandoned
    // and the engine, with every other client's documents, keeps running.
    entry.timer = setTimeout(() => {
      if (this.inFlight.get(id) !== entry || engine !== this.engine || !engine) return;
      void this.probe(engine).then((answered) => {
        if (this.inFlight.get(id) !== entry || engine !== this.engine) return;
        if (!answered) {
          engine.proc.kill('SIGKILL');
          return;
        }
        this.inFlight.delete(id);
        entry.link.deliver(failure(entry.clientId, E.abandoned(entry.message.method, this.cancelGraceMs)));
      });
    }, this.cancelGraceMs);
    entry.timer.unref();
  }

  /** True when the engine answers a ping within probeMs: its event loop is free. */
  private probe(engine: Running): Promise<boolean> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.probes.delete(id);
        resolve(false);
      }, this.probeMs);
      timer.unref();
      this.probes.set(id, (answered) => {
        clearTimeout(timer);
        this.probes.delete(id);
        resolve(answered);
      });
      try {
        engine.proc.send({ type: 'request', id, method: 'ping', params: {} });
      } catch {
        this.probes.get(id)?.(false);
      }
    });
  }

  private spawn(): void {
    if (this.closed || this.unavailable) return;
    let proc: EngineProcess;
    try {
      proc = this.launcher();
    } catch (error) {
      this.giveUp(E.cannotStart((error as Error).message));
      return;
    }
    const running: Running = { proc, ready: false, dead: false, startTimer: setTimeout(() => proc.kill('SIGKILL'), this.startTimeoutMs) };
    running.startTimer.unref();
    this.engine = running;
    proc.onMessage((raw) => this.receive(running, raw));
    proc.onExit((code, signal, tail) => this.exited(running, code, signal, tail));
  }

  private flush(): void {
    if (this.unavailable) {
      for (const [id, entry] of this.inFlight) {
        this.inFlight.delete(id);
        entry.link.deliver(failure(entry.clientId, E.unavailable(this.unavailable)));
      }
      return;
    }
    if (!this.engine) this.spawn();
    const engine = this.engine;
    if (!engine?.ready) return;
    for (const [id, entry] of this.inFlight) {
      if (entry.sent) continue;
      entry.sent = true;
      try {
        engine.proc.send(entry.message);
      } catch (error) {
        // A message the channel cannot serialize (RangeError: too deep; TypeError: a cycle) is
        // this request's fault and the exit handler would never answer it; any other failure is
        // an engine going away, which the exit handler answers.
        if (!(error instanceof RangeError || error instanceof TypeError)) continue;
        this.inFlight.delete(id);
        entry.link.deliver(failure(entry.clientId, E.notSendable(entry.message.method, (error as Error).message ?? String(error))));
      }
    }
  }

  private receive(running: Running, raw: unknown): void {
    if (running !== this.engine) return;
    if (zReadyMessage.safeParse(raw).success) {
      running.ready = true;
      clearTimeout(running.startTimer);
      this.failedStarts = 0;
      for (const resolve of this.readyWaiters.splice(0)) resolve();
      this.flush();
      return;
    }
    const response = zResponseMessage.safeParse(raw);
    if (response.success) {
      const probe = this.probes.get(response.data.id);
      if (probe) {
        probe(true);
        return;
      }
      const entry = this.inFlight.get(response.data.id);
      if (!entry) return;
      this.inFlight.delete(response.data.id);
      clearTimeout(entry.timer);
      entry.link.deliver({ ...response.data, id: entry.clientId });
      return;
    }
    const event = zEventMessage.safeParse(raw);
    if (!event.success) return;
    if (event.data.event === 'progress') {
      const data = event.data.data as EventData<'progress'>;
      const entry = this.inFlight.get(data.requestId);
      entry?.link.deliver({ type: 'event', event: 'progress', data: { ...data, requestId: entry.clientId } });
      return;
    }
    for (const link of this.links) link.deliver(event.data);
  }

  private exited(running: Running, code: number | null, signal: string | null, tail: string): void {
    if (running.dead) return;
    running.dead = true;
    clearTimeout(running.startTimer);
    if (running !== this.engine) return;
    this.engine = null;
    const lost = [...this.inFlight].filter(([, e]) => e.sent);
    if (this.closed) return;
    const cancelled = lost.some(([, e]) => e.cancelling);
    const reason = cancelled ? 'cancel-timeout' : signal ? 'killed' : code === 0 ? 'exited' : 'crashed';
    const how = E.exitPhrase(code, signal);
    for (const [id, entry] of lost) {
      this.inFlight.delete(id);
      clearTimeout(entry.timer);
      const method = entry.message.method;
      const error = entry.cancelling
        ? E.cancelRestarted(method, this.cancelGraceMs)
        : E.restarted(method, how, { exitCode: code, signal, stderr: tail.slice(-1000) });
      entry.link.deliver(failure(entry.clientId, error));
    }
    if (!running.ready && ++this.failedStarts >= this.maxFailedStarts) {
      this.giveUp(E.gaveUp(how, this.failedStarts, tail));
      return;
    }
    this.spawn();
    const data: EventData<'engine-restarted'> = { reason, exitCode: code, signal, failedRequests: lost.length, pid: this.pid };
    for (const link of this.links) link.deliver({ type: 'event', event: 'engine-restarted', data });
    this.flush();
  }

  private giveUp(why: string): void {
    this.unavailable = why;
    for (const resolve of this.readyWaiters.splice(0)) resolve();
    this.flush();
  }

  /** Why the engine cannot run, or null. */
  get unavailableReason(): string | null {
    return this.unavailable;
  }
}

function failure(id: number, error: ServiceError): ServerMessage {
  return { type: 'response', id, ok: false, error: error.toInfo() };
}

/** One client's connection to the host: a ServiceTransport with its own id space. */
class HostLink implements ServiceTransport {
  private messageListeners: ((message: ServerMessage) => void)[] = [];
  private closeListeners: ((reason: string) => void)[] = [];
  private ended = false;

  constructor(private readonly host: EngineHost) {}

  send(message: ClientMessage): void {
    if (this.ended) throw E.closed();
    this.host.forward(this, message);
  }
  onMessage(listener: (message: ServerMessage) => void): void {
    this.messageListeners.push(listener);
  }
  onClose(listener: (reason: string) => void): void {
    this.closeListeners.push(listener);
  }
  close(): void {
    this.end('the connection was closed');
  }
  /** @internal */
  deliver(message: ServerMessage): void {
    if (!this.ended) for (const listener of this.messageListeners) listener(message);
  }
  /** @internal */
  end(reason: string): void {
    if (this.ended) return;
    this.host.drop(this);
    this.ended = true;
    for (const listener of this.closeListeners) listener(reason);
  }
}
