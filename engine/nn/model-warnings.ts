// Warnings of the model layer (re-initialization, unused shared keys). They go to console.warn
// unless a handler is installed, so tests and the UI can capture them instead.

export type WarningHandler = (message: string) => void;

let handler: WarningHandler = (m) => console.warn(m);

/** Installs a warning handler and returns the previous one (restore it when done). */
export function setWarningHandler(fn: WarningHandler): WarningHandler {
  const prev = handler;
  handler = fn;
  return prev;
}

/** Runs fn while collecting the warnings it raises; returns [result, warnings]. */
export function captureWarnings<T>(fn: () => T): [T, string[]] {
  const seen: string[] = [];
  const prev = setWarningHandler((m) => seen.push(m));
  try {
    return [fn(), seen];
  } finally {
    setWarningHandler(prev);
  }
}

export function warn(message: string): void {
  handler(message);
}
