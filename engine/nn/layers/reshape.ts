// Reshape: each sample to a new shape, the batch axis kept — (N, 784) → (N, 1, 28, 28). One
// dimension may be -1 (inferred from the others), as in numpy.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { Block, type BlockOptions } from '../block.ts';
import type { HybridUnit } from '../hybrid-units.ts';
import { pyTuple } from '../model-errors.ts';
import { ONE_INPUT, ONE_OUTPUT, product, shapeRule, type LayerSpec } from './layer-spec.ts';

/** (N, ...shape) with the -1 resolved; refuses sizes that cannot hold the sample's elements. */
export function reshapedShape(target: readonly number[], x: readonly number[]): number[] {
  if (target.length === 0) throw new Error("Reshape needs a target shape (the sample's dims, without the batch axis)");
  if (target.some((d) => !Number.isInteger(d) || (d < 1 && d !== -1))) throw new Error(`Reshape's shape ${pyTuple(target)} may hold positive sizes and one -1`);
  const free = target.filter((d) => d === -1).length;
  if (free > 1) throw new Error(`Reshape's shape ${pyTuple(target)} has more than one -1`);
  const sample = product(x.slice(1));
  const known = target.reduce((p, d) => (d === -1 ? p : p * d), 1);
  if (sample < 0) return [x[0]!, ...target];
  if (free === 0 ? known !== sample : sample % known !== 0) {
    throw new Error(`cannot reshape a sample of ${pyTuple(x.slice(1))} (${sample} elements) to ${pyTuple(target)}`);
  }
  return [x[0]!, ...target.map((d) => (d === -1 ? sample / known : d))];
}

export class Reshape extends Block {
  static readonly spec: LayerSpec = {
    kind: 'Reshape',
    category: 'shape',
    doc: 'Reshapes each sample (the batch axis is kept); one dimension may be -1.',
    attrs: [{ name: 'shape', type: 'intList', default: [-1], doc: "the sample's new shape, without the batch axis (one -1 = inferred)" }],
    inputs: ONE_INPUT,
    outputs: ONE_OUTPUT,
    params: [],
    outputShape: (a, [x]) => reshapedShape(a.shape as number[], x!),
    repr: (a) => `Reshape(${pyTuple(a.shape as number[])})`,
    // ONNX Reshape: 0 copies the input's batch size, -1 is inferred.
    onnx: (e) => e.node('Reshape', [e.inputs[0]!, e.ints([0, ...(e.attrs.shape as number[])])]),
    onnxImport: {
      ops: ['Reshape'],
      read: (n) => {
        const shape = n.constant(1);
        if (!shape) return { unsupported: 'the new shape is computed at run time, not a constant' };
        const dims = [...shape.values];
        const batch = n.inputShape(0)?.[0];
        // The kind keeps the batch axis: the target must copy it (0) or name its size.
        if (dims[0] !== 0 && dims[0] !== batch) return { unsupported: `the new shape (${dims.join(', ')}) changes the batch axis` };
        if (n.attr('allowzero', 0) === 1 && dims.slice(1).includes(0)) return { unsupported: 'allowzero with a 0 in the new shape' };
        const input = n.inputShape(0);
        const rest = dims.slice(1).map((d, i) => (d === 0 ? (input?.[i + 1] ?? 0) : d));
        return rest.includes(0) ? { unsupported: 'a 0 (copy) dimension of unknown size' } : { attrs: { shape: rest } };
      },
    },
    code: {
      pytorch: { forward: (s) => `${s.inputs[0]!}.reshape(${s.inputs[0]!}.shape[0], ${(s.attrs.shape as number[]).join(', ')})` },
      gluon: { forward: (s) => `${s.inputs[0]!}.reshape(${pyTuple([0, ...(s.attrs.shape as number[])])})` },
      typescript: { child: (s) => ({ type: 'Reshape', make: `new Reshape([${(s.attrs.shape as number[]).join(', ')}], { prefix: '${s.prefix}' })` }) },
    },
    create: (a, o) => new Reshape(a.shape as number[], o),
  };

  readonly shape: readonly number[];

  constructor(shape: readonly number[], options: BlockOptions = {}) {
    super(options);
    shapeRule(this.name, () => reshapedShape(shape, [1, -1])); // checks the target's own form now
    this.shape = [...shape];
  }

  override forward(x: NDArray): NDArray {
    return x.reshape(shapeRule(this.name, () => reshapedShape(this.shape, x.shape)));
  }

  override hybridUnits(): HybridUnit[] | null {
    if (this.forward !== Reshape.prototype.forward) return null;
    return [{ kind: 'reshape', owner: this, shape: (x) => reshapedShape(this.shape, x) }];
  }

  override getConfig(): Record<string, unknown> {
    return { shape: [...this.shape] };
  }

  override toString(): string {
    return Reshape.spec.repr(this.getConfig());
  }
}
