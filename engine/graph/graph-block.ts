// GraphBlock: a block whose children form a DAG (branches, several inputs or outputs), run in
// topological order. Straight chains are built as Sequential instead, as a person would write them.

import type { NDArray } from '../ndarray/ndarray.ts';
import { Block, type BlockOptions } from '../nn/block.ts';
import { Intermediates } from '../nn/intermediates.ts';
import type { HybridSource, HybridUnit } from '../nn/hybrid-units.ts';
import { modelErrors } from '../nn/model-errors.ts';
import { ParameterDict } from '../nn/parameter-dict.ts';
import type { Parameter } from '../nn/parameter.ts';

/** Where a step takes an input from: a graph input (by index), a port of an earlier step, or nothing (an optional port left open). */
export type StepSource = { input: number } | { step: number; port: number } | { absent: true };

export interface GraphStep {
  /** Child key (node key or name) for reprs and structural parameter names. */
  key: string;
  block: Block;
  inputs: StepSource[];
  /** Output ports; a block with several (a nested GraphBlock, a recurrent layer, a code block declaring outputs) is run through callOutputs. */
  outputCount: number;
}

export class GraphBlock extends Block {
  private readonly steps: GraphStep[];
  private readonly outputs: StepSource[];
  private readonly inputCount: number;
  /**
   * Per step, the result slots done with once it has run (freed then in an eager run,
   * intermediates.ts): those it is the last reader of, and its own ports no step reads and no
   * output is.
   */
  private readonly doneAfter: { step: number; port: number }[][];

  constructor(steps: GraphStep[], inputCount: number, outputs: StepSource[], options: BlockOptions = {}) {
    super(options);
    this.steps = steps;
    this.inputCount = inputCount;
    this.outputs = outputs;
    const lastReader = new Map<string, number>(); // "step:port" → its last reader's index (Infinity: an output)
    steps.forEach((s, i) => s.inputs.forEach((x) => 'step' in x && lastReader.set(`${x.step}:${x.port}`, i)));
    for (const x of outputs) if ('step' in x) lastReader.set(`${x.step}:${x.port}`, Infinity);
    this.doneAfter = steps.map((s, i) =>
      Array.from({ length: s.outputCount }, (_, port) => ({ step: i, port })).filter((slot) => !lastReader.has(`${i}:${slot.port}`)),
    );
    for (const [slot, i] of lastReader) {
      if (i === Infinity) continue;
      const [step, port] = slot.split(':').map(Number);
      this.doneAfter[i]!.push({ step: step!, port: port! });
    }
    // A block used by two steps (a shared instance) is one child: it holds one set of parameters.
    const registered = new Set<Block>();
    for (const s of steps)
      if (!registered.has(s.block)) {
        registered.add(s.block);
        this.registerChild(s.block, s.key);
      }
  }

  get numOutputs(): number {
    return this.outputs.length;
  }

  /** Every output, in the order of the graph's Output nodes. */
  forwardAll(...inputs: NDArray[]): NDArray[] {
    if (inputs.length !== this.inputCount) {
      throw modelErrors.block(this.name, `expects ${this.inputCount} input(s) (one per Input node), got ${inputs.length}.`);
    }
    const results: NDArray[][] = [];
    // An absent optional input reaches the layer as undefined (its forward declares it optional).
    const read = (s: StepSource): NDArray => ('input' in s ? inputs[s.input]! : 'absent' in s ? (undefined as unknown as NDArray) : results[s.step]![s.port]!);
    const arrays = Intermediates.of(this, inputs);
    this.steps.forEach((step, i) => {
      const args = step.inputs.map(read);
      const ys = step.outputCount > 1 ? step.block.callOutputs(...args) : [step.block.call(...args)];
      results.push(ys);
      if (!arrays) return;
      ys.forEach((y) => arrays.hold(y));
      for (const s of this.doneAfter[i]!) arrays.release(results[s.step]![s.port]);
    });
    return this.outputs.map(read);
  }

  /** A graph run by this class's forward (a document's named graph is a subclass that keeps it) whose steps all keep no arrays. */
  override keepsNoArrays(): boolean {
    const own = this.forward === GraphBlock.prototype.forward && this.forwardAll === GraphBlock.prototype.forwardAll;
    return own && this.childrenKeepNoArrays();
  }

  /** call() for every output: finishes deferred init of own parameters, then forwardAll. */
  callAll(...inputs: NDArray[]): NDArray[] {
    this.ensureInitialized(...inputs);
    return this.forwardAll(...inputs);
  }

  override callOutputs(...inputs: NDArray[]): NDArray[] {
    return this.callAll(...inputs);
  }

  /** Keyed by Parameter name: a parameter tied into a layer under that layer's key is listed once. */
  override collectParams(select?: string): ParameterDict {
    const all = super.collectParams(select);
    return new ParameterDict(all.prefix).update(all.values().map((p) => [p.name, p] as [string, Parameter]));
  }

  /** A graph with one input and one output compiles as a whole into a hybridized plan (hybrid-net.ts). */
  override hybridUnits(): HybridUnit[] | null {
    if (this.inputCount !== 1 || this.outputs.length !== 1 || this.forward !== GraphBlock.prototype.forward) return null;
    // A step of several outputs compiles when its block describes itself: read at its first output
    // only (the units yield it), or a recurrent layer (its final states hn / cn are plan values
    // too, hybrid-net.ts); other blocks of several outputs keep the graph eager. An optional port
    // left open before a connected one stays eager too; open trailing ports (an attention layer's
    // key, value and mask) are left out, as a call omits them.
    const present = (x: StepSource): x is HybridSource => !('absent' in x);
    const output = this.outputs[0]!;
    const sources = [...this.steps.flatMap((s) => s.inputs), output];
    const laterPortRead = (i: number): boolean => sources.some((x) => 'step' in x && x.step === i && x.port > 0);
    const compiles = (s: GraphStep, i: number): boolean => {
      const units = s.block.hybridUnits();
      return units !== null && (!laterPortRead(i) || (units.length === 1 && units[0]!.kind === 'recurrent'));
    };
    if (this.steps.some((s, i) => s.outputCount > 1 && !compiles(s, i))) return null;
    const gapped = (ins: StepSource[]): boolean => ins.some((x, i) => !present(x) && ins.slice(i + 1).some(present));
    if (!present(output) || this.steps.some((s) => gapped(s.inputs))) return null;
    return [
      {
        kind: 'graph',
        owner: this,
        steps: this.steps.map((s) => ({ block: s.block, units: s.block.hybridUnits(), inputs: s.inputs.filter(present) })),
        output,
      },
    ];
  }

  /** The first output (a graph with one Output node has just that). */
  override forward(...inputs: NDArray[]): NDArray {
    return this.forwardAll(...inputs)[0]!;
  }
}
