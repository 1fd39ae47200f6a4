// The engine's door: every message from outside is parsed here, every request's params are
// checked against the method's schema (service-api.ts) before a handler sees them, and every
// outcome becomes exactly one response. Cancels abort the request's signal; handlers of long work
// call ctx.checkpoint() between steps, so a cancel can land between two kernels.
import {
  isMethodName,
  serviceMethods,
  type EventData,
  type EventName,
  type MethodName,
  type MethodResult,
  type ParsedParams,
} from '../protocol/service-api.ts';
import { describeIssues, zClientMessage, type ServerMessage } from '../protocol/service-protocol.ts';
import { toErrorInfo } from './error-info.ts';
import { checkPaths } from './path-policy.ts';
import { CHANGES_PARAMETERS, scheduleCheckpoint } from './session-checkpoint.ts';
import type { Session } from './session.ts';
import { serviceErrors } from './service-errors.ts';

export interface RequestContext {
  readonly id: number;
  readonly session: Session;
  readonly signal: AbortSignal;
  /** Tells the caller how far along the request is. */
  progress(done: number, total: number): void;
  /** Yields to the event loop (so a cancel can arrive) and throws E_CANCELLED if it did. */
  checkpoint(): Promise<void>;
  /** Pushes an event to every client (work that outlives its request, e.g. a training run). */
  emit<E extends EventName>(event: E, data: EventData<E>): void;
}

export type Handler<M extends MethodName> = (params: ParsedParams<M>, ctx: RequestContext) => MethodResult<M> | Promise<MethodResult<M>>;

/** Handlers are loaded on first use: the engine starts fast, and a missing layer fails only its methods. */
export type HandlerLoaders = { [M in MethodName]: () => Promise<Handler<M>> };

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class Dispatcher {
  private readonly running = new Map<number, AbortController>();

  constructor(
    private readonly session: Session,
    private readonly loaders: HandlerLoaders,
    private readonly send: (message: ServerMessage) => void,
  ) {}

  /** Pushes an event to whoever listens on the other side. */
  emit<E extends EventName>(event: E, data: EventData<E>): void {
    this.send({ type: 'event', event, data });
  }

  /** Handles one raw message; never throws (a broken message gets an error response when it has an id). */
  receive(raw: unknown): void {
    const parsed = zClientMessage.safeParse(raw);
    if (!parsed.success) {
      const id = (raw as { id?: unknown } | null)?.id;
      if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) {
        this.reply(
          id,
          serviceErrors.malformedMessage(parsed.error.issues[0]?.message ?? 'invalid', { issues: describeIssues(parsed.error.issues, 'message') }),
        );
      }
      return;
    }
    const message = parsed.data;
    if (message.type === 'cancel') {
      this.running.get(message.id)?.abort();
      return;
    }
    void this.run(message.id, message.method, message.params);
  }

  /** Requests currently running. */
  get busy(): number {
    return this.running.size;
  }

  private async run(id: number, method: string, params: unknown): Promise<void> {
    if (this.running.has(id)) {
      this.reply(id, serviceErrors.requestRunning(id));
      return;
    }
    if (!isMethodName(method)) {
      this.reply(id, serviceErrors.unknownMethod(method));
      return;
    }
    const checked = serviceMethods[method].params.safeParse(params);
    if (!checked.success) {
      const issues = describeIssues(checked.error.issues);
      const first = issues[0];
      this.reply(id, serviceErrors.invalidParams(method, first, issues.length - 1, { issues }));
      return;
    }
    const controller = new AbortController();
    this.running.set(id, controller);
    let lastProgress = 0;
    const ctx: RequestContext = {
      id,
      session: this.session,
      signal: controller.signal,
      progress: (done, total) => {
        // At most ~10 events a second: a tight loop must not flood the channel.
        const now = performance.now();
        if (done < total && now - lastProgress < 100) return;
        lastProgress = now;
        this.emit('progress', { requestId: id, method, done, total });
      },
      checkpoint: async () => {
        await yieldToLoop();
        if (controller.signal.aborted) throw cancelled(method);
      },
      emit: (event, data) => this.emit(event, data),
    };
    try {
      await checkPaths(method, checked.data);
      const handler = await this.load(method);
      if (controller.signal.aborted) throw cancelled(method);
      const result = await (handler as Handler<MethodName>)(checked.data as ParsedParams<MethodName>, ctx);
      if (controller.signal.aborted) throw cancelled(method);
      this.send({ type: 'response', id, ok: true, result });
      // Values that changed are kept for a restarted engine (session-checkpoint.ts).
      const { docId, rebuild, seed } = checked.data as { docId?: unknown; rebuild?: unknown; seed?: unknown };
      const reused = method === 'forward' && rebuild !== true && seed === undefined;
      if (CHANGES_PARAMETERS.has(method) && typeof docId === 'string') scheduleCheckpoint(this.session, docId, 300, reused);
    } catch (error) {
      this.reply(id, controller.signal.aborted ? cancelled(method) : error);
    } finally {
      this.running.delete(id);
    }
  }

  private async load(method: MethodName): Promise<Handler<MethodName>> {
    try {
      return (await this.loaders[method]()) as Handler<MethodName>;
    } catch (error) {
      const missing = (error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND';
      throw missing ? serviceErrors.methodUnavailable(method, (error as Error).message) : error;
    }
  }

  private reply(id: number, error: unknown): void {
    this.send({ type: 'response', id, ok: false, error: toErrorInfo(error) });
  }
}

const cancelled = serviceErrors.cancelled;
