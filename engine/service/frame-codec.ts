// Framing for the stdio transport: one JSON message per line (JSON.stringify never emits a raw
// newline). Frames are bounded so a runaway peer cannot make the other side buffer without end.

/** The largest frame accepted: big enough for a few million numbers inline. */
export const MAX_FRAME_BYTES = 256 * 2 ** 20;

export function encodeFrame(message: unknown): string {
  return `${JSON.stringify(message)}\n`;
}

export class FrameError extends Error {
  override name = 'FrameError';
}

/** Accumulates chunks and yields each complete message. */
export class FrameDecoder {
  private buffered = '';

  constructor(private readonly maxBytes = MAX_FRAME_BYTES) {}

  push(chunk: string): unknown[] {
    this.buffered += chunk;
    const out: unknown[] = [];
    let newline: number;
    while ((newline = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, newline);
      this.buffered = this.buffered.slice(newline + 1);
      if (line.trim() === '') continue;
      try {
        out.push(JSON.parse(line));
      } catch (error) {
        throw new FrameError(`a frame is not JSON: ${(error as Error).message}`);
      }
    }
    if (this.buffered.length > this.maxBytes) {
      throw new FrameError(`a frame exceeds ${this.maxBytes} bytes without a newline`);
    }
    return out;
  }
}
