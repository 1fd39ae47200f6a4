// Transpose: permutes the axes (numpy's np.transpose(x, axes), the batch axis included), e.g.
// (N, T, C) → (N, C, T) with axes (0, 2, 1).

import type { NDArray } from '../../ndarray/ndarray.ts';
import { Block, type BlockOptions } from '../block.ts';
import type { HybridUnit } from '../hybrid-units.ts';
import { pyTuple } from '../model-errors.ts';
import { ONE_INPUT, ONE_OUTPUT, shapeRule, type LayerSpec } from './layer-spec.ts';

export function transposedShape(axes: readonly number[], x: readonly number[]): number[] {
  const sorted = [...axes].sort((a, b) => a - b);
  if (axes.length !== x.length || sorted.some((a, i) => a !== i)) {
    throw new Error(`Transpose's axes ${pyTuple(axes)} must be a permutation of 0..${x.length - 1} for an input of ${x.length} dims ${pyTuple(x)}`);
  }
  return axes.map((a) => x[a]!);
}

export class Transpose extends Block {
  static readonly spec: LayerSpec = {
    kind: 'Transpose',
    category: 'shape',
    doc: 'Permutes the axes (the batch axis is axis 0).',
    attrs: [{ name: 'axes', type: 'intList', default: [0, 2, 1], doc: 'the new order of the axes, a permutation of 0..rank-1' }],
    inputs: ONE_INPUT,
    outputs: ONE_OUTPUT,
    params: [],
    outputShape: (a, [x]) => transposedShape(a.axes as number[], x!),
    repr: (a) => `Transpose(${pyTuple(a.axes as number[])})`,
    onnx: (e) => e.node('Transpose', [e.inputs[0]!], { perm: e.attrs.axes as number[] }),
    onnxImport: {
      ops: ['Transpose'],
      read: (n) => {
        const rank = n.inputShape(0)?.length;
        const perm = n.attr<number[] | null>('perm', rank === undefined ? null : Array.from({ length: rank }, (_, i) => rank - 1 - i));
        return perm ? { attrs: { axes: [...perm] } } : { unsupported: 'no perm and an input of unknown rank' };
      },
    },
    code: {
      pytorch: { forward: (s) => `${s.inputs[0]!}.permute(${(s.attrs.axes as number[]).join(', ')})` },
      gluon: { forward: (s) => `nd.transpose(${s.inputs[0]!}, axes=${pyTuple(s.attrs.axes as number[])})` },
      typescript: { child: (s) => ({ type: 'Transpose', make: `new Transpose([${(s.attrs.axes as number[]).join(', ')}], { prefix: '${s.prefix}' })` }) },
    },
    create: (a, o) => new Transpose(a.axes as number[], o),
  };

  readonly axes: readonly number[];

  constructor(axes: readonly number[], options: BlockOptions = {}) {
    super(options);
    this.axes = [...axes];
  }

  override forward(x: NDArray): NDArray {
    shapeRule(this.name, () => transposedShape(this.axes, x.shape));
    return x.transpose(this.axes);
  }

  override hybridUnits(): HybridUnit[] | null {
    if (this.forward !== Transpose.prototype.forward) return null;
    return [{ kind: 'transpose', owner: this, axes: this.axes }];
  }

  override getConfig(): Record<string, unknown> {
    return { axes: [...this.axes] };
  }

  override toString(): string {
    return Transpose.spec.repr(this.getConfig());
  }
}
