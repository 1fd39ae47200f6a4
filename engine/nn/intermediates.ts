// Eager containers (Sequential, GraphBlock) free each intermediate array once its last reader has
// run, as MXNet's reference counting does, instead of leaving it to the garbage collector: each
// array's native storage counts against V8's external memory, so a forward that drops a few MB per
// layer set off a major collection every call or two (the ResNet example at batch 16, eager: 17 %
// of the samples in V8's marker and sweeper, median 25–34 ms; with this, 18 ms).
//
// Only where nothing else can hold them: no autograd recording (the tape keeps its inputs for
// backward), and every block of the container keeps no reference past its call
// (Block.keepsNoArrays: the engine's own layer kinds). Arrays are counted by storage, so a view
// (Flatten, Reshape) or a block that returns its input (Dropout in prediction) keeps the storage
// alive while any holder is live; the container's inputs and outputs are never freed.

import { recordingState } from '../autograd/tape.ts';
import type { NativeBuffer } from '../backend/native-addon.ts';
import type { NDArray } from '../ndarray/ndarray.ts';
import type { Block } from './block.ts';

export class Intermediates {
  private readonly holders = new Map<NativeBuffer, number>();
  private readonly kept = new Set<NativeBuffer>();

  private constructor(inputs: readonly (NDArray | undefined)[]) {
    for (const x of inputs) if (x) this.kept.add(x._storage);
  }

  /** The tracker for one forward of `container` on `inputs`, or null where it may free nothing. */
  static of(container: Block, inputs: readonly (NDArray | undefined)[]): Intermediates | null {
    if (recordingState.recording || !container.keepsNoArrays()) return null;
    return new Intermediates(inputs);
  }

  /** A new holder of `x` (a step's result slot). */
  hold(x: NDArray | undefined): void {
    if (x) this.holders.set(x._storage, (this.holders.get(x._storage) ?? 0) + 1);
  }

  /** A holder of `x` is done with it: its storage is freed when no holder is left and it is not an input. */
  release(x: NDArray | undefined): void {
    if (!x) return;
    const storage = x._storage;
    const left = (this.holders.get(storage) ?? 1) - 1;
    if (left > 0) {
      this.holders.set(storage, left);
      return;
    }
    this.holders.delete(storage);
    if (!this.kept.has(storage)) x.dispose();
  }
}
