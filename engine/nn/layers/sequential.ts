// Sequential: children run one after the other, each output feeding the next child.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { Block } from '../block.ts';
import { Intermediates } from '../intermediates.ts';
import type { HybridUnit } from '../hybrid.ts';
import { ONE_INPUT, ONE_OUTPUT, type LayerSpec } from './layer-spec.ts';

export class Sequential extends Block {
  static readonly spec: LayerSpec = {
    kind: 'Sequential',
    category: 'structure',
    doc: 'Stacks blocks sequentially; children are keyed 0, 1, ...',
    attrs: [],
    inputs: ONE_INPUT,
    outputs: ONE_OUTPUT,
    params: [],
    outputShape: (_a, [x]) => [...x!],
    repr: () => 'Sequential(\n\n)',
    create: (_a, o) => new Sequential(o),
  };

  /** Appends blocks in execution order: `net.add(new Dense(256, {activation: 'relu'}), new Dense(10))`. */
  add(...blocks: Block[]): this {
    for (const b of blocks) this.registerChild(b);
    return this;
  }

  get length(): number {
    return this.children.size;
  }

  override forward(x: NDArray): NDArray {
    const arrays = Intermediates.of(this, [x]);
    for (const block of this.children.values()) {
      const y = block.call(x);
      arrays?.hold(y);
      arrays?.release(x); // the previous child's output, read by this one alone
      x = y;
    }
    return x;
  }

  /** A document's named container (engine/graph/build.ts) is a subclass that keeps this forward. */
  override keepsNoArrays(): boolean {
    return this.forward === Sequential.prototype.forward ? this.childrenKeepNoArrays() : super.keepsNoArrays();
  }

  /** The children's units in order (nested Sequentials inlined); a child the plan does not know runs eagerly. */
  override hybridUnits(): HybridUnit[] | null {
    if (this.forward !== Sequential.prototype.forward) return null; // Concurrent and other subclasses
    const units: HybridUnit[] = [{ kind: 'container', owner: this }];
    for (const child of this.children.values()) units.push(...(child.hybridUnits() ?? [{ kind: 'eager', owner: child }]));
    return units;
  }
}
