// Recording state and the tape: while recording, every differentiable op whose inputs need a
// gradient attaches a TapeNode to its output. The graph is the nodes reachable from an output,
// so "freeing the tape" is dropping those links (no global list to prune).

import type { NDArray } from '../ndarray/ndarray-core.ts';

export interface TapeNode {
  /** Row name in the op table (engine/ops/table.ts). */
  readonly op: string;
  /** Array inputs, in the order the op's backward returns gradients for them. */
  readonly inputs: readonly NDArray[];
  /** Op-specific attributes the backward needs (axes, shapes, scalar operands...). */
  readonly attrs: unknown;
  /** The op's result (weakly "saved": backward may read it, e.g. softmax). */
  readonly output: NDArray;
}

export const recordingState = { recording: false, training: false };

/** True when `x` takes part in a gradient: attached with gradReq != 'null', or computed from one. */
export function tracksGrad(x: NDArray): boolean {
  return x._node !== null || x._gradReq !== 'null';
}

/** Records `output = op(inputs)` if recording and some input tracks a gradient. */
export function recordOp(op: string, inputs: readonly NDArray[], output: NDArray, attrs: unknown = null): void {
  if (!recordingState.recording) return;
  let any = false;
  for (let i = 0; i < inputs.length; i++)
    if (tracksGrad(inputs[i]!)) {
      any = true;
      break;
    }
  if (!any) return;
  output._node = { op, inputs, attrs, output };
}

/** Runs fn with recording set to `on`, restoring the previous state afterwards. */
export function withRecording<T>(on: boolean, training: boolean, fn: () => T): T {
  const prev = recordingState.recording;
  const prevTraining = recordingState.training;
  recordingState.recording = on;
  recordingState.training = training;
  try {
    return fn();
  } finally {
    recordingState.recording = prev;
    recordingState.training = prevTraining;
  }
}
