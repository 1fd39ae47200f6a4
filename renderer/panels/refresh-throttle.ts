// A trailing throttle for views that follow a stream of changes (the tensor view while a run
// trains: the parameter table changes with every training event, up to 10 a second). The first
// change runs at once; later ones within the interval collapse into one call at its end, with the
// latest callback, so the last change (the run's final state) is never dropped. React-free.

/** The tensor view refetches at most this often while the table keeps changing. */
export const TENSOR_REFRESH_MS = 500;

export interface ThrottleClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: ThrottleClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class RefreshThrottle {
  private last = Number.NEGATIVE_INFINITY;
  private timer: unknown = null;
  private pending: (() => void) | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly clock: ThrottleClock = realClock,
  ) {}

  /** Runs `fn` now when the last run is at least the interval ago; else once at the interval's end (latest `fn` wins). */
  run(fn: () => void): void {
    const wait = this.last + this.intervalMs - this.clock.now();
    if (wait <= 0 && this.timer === null) {
      this.fire(fn);
      return;
    }
    this.pending = fn;
    if (this.timer === null) {
      this.timer = this.clock.setTimeout(
        () => {
          this.timer = null;
          const next = this.pending;
          this.pending = null;
          if (next) this.fire(next);
        },
        Math.max(0, wait),
      );
    }
  }

  /** Drops a waiting call (the view went away). */
  cancel(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.pending = null;
  }

  private fire(fn: () => void): void {
    this.last = this.clock.now();
    fn();
  }
}
