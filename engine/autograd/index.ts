// The autograd namespace, shaped like mxnet.autograd:
//   autograd.record(() => { y = net(x) });  y.backward();  x.grad
// record/pause take a callback (TS has no `with`) and return its result.

import type { NDArray } from '../ndarray/ndarray-core.ts';
import { recordingState, withRecording } from './tape.ts';
import { backward, type BackwardOptions } from './backward.ts';

export type { GradReq, BackwardOptions } from './backward.ts';

export const autograd = {
  /** Runs fn while recording ops for backward (train mode by default, as MXNet's record). */
  record<T>(fn: () => T, options: { trainMode?: boolean } = {}): T {
    return withRecording(true, options.trainMode ?? true, fn);
  },
  /** Runs fn with recording off (e.g. for metrics inside a recorded step). */
  pause<T>(fn: () => T, options: { trainMode?: boolean } = {}): T {
    return withRecording(false, options.trainMode ?? false, fn);
  },
  /** Runs fn in train mode without changing recording (MXNet train_mode). */
  trainMode<T>(fn: () => T): T {
    return withRecording(recordingState.recording, true, fn);
  },
  /** Runs fn in predict mode without changing recording (MXNet predict_mode). */
  predictMode<T>(fn: () => T): T {
    return withRecording(recordingState.recording, false, fn);
  },
  isRecording(): boolean {
    return recordingState.recording;
  },
  isTraining(): boolean {
    return recordingState.training;
  },
  /** Same as y.backward(headGrad). */
  backward(y: NDArray, headGrad?: NDArray | number, options?: BackwardOptions): void {
    backward(y, headGrad, options);
  },
};
