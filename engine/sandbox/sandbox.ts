// The engine thread's side of the sandbox: one worker thread (its own V8 isolate, with a heap and
// stack limit) that runs code blocks, spoken to synchronously through a SharedArrayBuffer so a
// block's forward stays an ordinary synchronous call under autograd. While the worker runs code,
// this thread waits, serving its engine requests (engine-api.ts); a call that overruns its time
// (a loop, or a worker stopped by its memory limit) ends the worker, and the next call starts a
// fresh one. See docs/code-blocks.md for why a worker plus vm contexts.

import { Worker } from 'node:worker_threads';
import { API_NAMES, CallTable, runApi, type ApiRequest } from './engine-api.ts';
import { WORKER_SOURCE } from './worker-source.ts';

export interface SandboxLimits {
  /** Wall-clock limit of one call (module load, shape or forward), in ms. */
  timeMs: number;
  /** The worker's V8 heap (old generation), in MB. */
  heapMb: number;
  /** Elements of engine arrays one call may make. */
  elements: number;
}

export const DEFAULT_LIMITS: SandboxLimits = { timeMs: 2000, heapMb: 64, elements: 1 << 26 };

const TO_WORKER = 1;
const TO_MAIN = 2;
const BUFFER_BYTES = 1 << 20;
const START_MS = 30_000;

/** What went wrong in a sandbox call: `code` says which limit or failure, `stack` is the code's. */
export class SandboxFailure extends Error {
  constructor(
    readonly code: 'exception' | 'timeout' | 'stopped' | 'load',
    message: string,
    readonly stack_: string = '',
  ) {
    super(message);
  }
}

export interface SandboxCall {
  type: 'load' | 'describe' | 'shape' | 'forward';
  id: string;
  [k: string]: unknown;
}

export class Sandbox {
  private worker: Worker | null = null;
  private ctrl!: Int32Array;
  private bytes!: Uint8Array;
  private readonly loaded = new Set<string>();
  private readonly enc = new TextEncoder();
  private readonly dec = new TextDecoder();
  /** Workers started so far (tests read it to see a runaway call replaced the worker). */
  starts = 0;

  constructor(readonly limits: SandboxLimits = DEFAULT_LIMITS) {}

  private start(): void {
    const sab = new SharedArrayBuffer(8 + BUFFER_BYTES);
    this.ctrl = new Int32Array(sab, 0, 2);
    this.bytes = new Uint8Array(sab, 8);
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { sab, names: JSON.stringify(API_NAMES) },
      resourceLimits: { maxOldGenerationSizeMb: this.limits.heapMb, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
      stdout: true,
      stderr: true,
      env: {},
    });
    // The worker's end (out of memory, terminated) is known here through the deadline; the event
    // must still have a listener, or Node would throw it on this thread.
    worker.on('error', () => undefined);
    worker.unref();
    this.worker = worker;
    this.loaded.clear();
    this.starts++;
    const ready = this.await(START_MS, null);
    if (!(ready as { ready?: boolean }).ready) throw new SandboxFailure('stopped', 'the code sandbox did not start');
  }

  /** Ends the worker (a runaway call); the next call starts another. */
  stop(): void {
    void this.worker?.terminate();
    this.worker = null;
    this.loaded.clear();
  }

  private write(obj: unknown): void {
    const b = this.enc.encode(JSON.stringify(obj));
    if (b.length > this.bytes.length) throw new SandboxFailure('exception', `a sandbox message is larger than ${this.bytes.length} bytes`);
    this.bytes.set(b);
    Atomics.store(this.ctrl, 1, b.length);
    Atomics.store(this.ctrl, 0, TO_WORKER);
    Atomics.notify(this.ctrl, 0);
  }

  /** Waits for the worker's next message, serving engine requests from `table` meanwhile. */
  private await(ms: number, table: CallTable | null): unknown {
    let deadline = Date.now() + ms;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) {
        this.stop();
        throw new SandboxFailure(
          'stopped',
          `the code did not finish within ${this.limits.timeMs} ms, or went past the ` + `sandbox's memory limit of ${this.limits.heapMb} MB, and was stopped`,
        );
      }
      const state = Atomics.load(this.ctrl, 0);
      if (state !== TO_MAIN) {
        Atomics.wait(this.ctrl, 0, state, Math.min(left, 250));
        continue;
      }
      const msg = JSON.parse(this.dec.decode(this.bytes.slice(0, Atomics.load(this.ctrl, 1)))) as Record<string, unknown>;
      Atomics.store(this.ctrl, 0, 0);
      if (!('op' in msg) || !table) return msg;
      let reply: unknown;
      try {
        reply = { value: runApi(msg.op as ApiRequest, table) };
      } catch (e) {
        reply = { error: e instanceof Error ? e.message : String(e) };
      }
      this.write(reply);
      // The engine's own time does not count against the code.
      deadline = Math.max(deadline, Date.now() + this.limits.timeMs + 1000);
    }
  }

  /** Runs one call in the worker; `js` loads the module first when this worker has not seen it. */
  call(req: SandboxCall, js: string, table: CallTable = new CallTable(this.limits.elements)): unknown {
    if (!this.worker) this.start();
    const msg = { ...req, limits: { timeMs: this.limits.timeMs } } as Record<string, unknown>;
    if (!this.loaded.has(req.id)) {
      msg.type = 'load';
      msg.js = js;
      msg.then = req.type;
    }
    this.write(msg);
    const out = this.await(this.limits.timeMs + 1500, table) as {
      done?: { value?: unknown; error?: { message: string; stack: string } };
      error?: { message: string; stack: string; code: string };
    };
    if (out.error) {
      if (out.error.code === 'timeout') throw new SandboxFailure('timeout', `the code ran past its time limit of ${this.limits.timeMs} ms and was stopped`);
      if (out.error.code === 'lost') {
        this.loaded.delete(req.id);
        return this.call(req, js, table);
      }
      throw new SandboxFailure('load', out.error.message, out.error.stack);
    }
    this.loaded.add(req.id);
    const done = out.done!;
    if (done.error) throw new SandboxFailure('exception', done.error.message, done.error.stack);
    return done.value;
  }
}

let shared: Sandbox | null = null;
/** The engine's sandbox (one worker for every code block). */
export function sandbox(): Sandbox {
  return (shared ??= new Sandbox());
}
