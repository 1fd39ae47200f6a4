// The one way the editor turns a failure into text: a service error's message (which already
// carries its code and place), else the thrown value as a string.

/** The message of an error from the engine (or anything thrown). */
export function messageOf(error: unknown): string {
  return (error as { message?: string } | undefined)?.message ?? String(error);
}
