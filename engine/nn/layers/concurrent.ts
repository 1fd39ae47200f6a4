// Concurrent (Gluon contrib): every child sees the same input and their outputs are
// concatenated along `axis` — the chapter's "parallel block" exercise.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { np } from '../../ndarray/np.ts';
import type { BlockOptions } from '../block.ts';
import type { HybridUnit } from '../hybrid-units.ts';
import { Sequential } from './sequential.ts';
import { ONE_INPUT, ONE_OUTPUT, type LayerSpec } from './layer-spec.ts';

export class Concurrent extends Sequential {
  static override readonly spec: LayerSpec = {
    kind: 'Concurrent',
    category: 'structure',
    doc: 'Runs children on the same input and concatenates their outputs along an axis.',
    attrs: [{ name: 'axis', type: 'int', default: -1, doc: 'concatenation axis' }],
    inputs: ONE_INPUT,
    outputs: ONE_OUTPUT,
    params: [],
    outputShape: (_a, [x]) => [...x!],
    repr: () => 'Concurrent(\n\n)',
    onnx: { unsupported: 'documents draw branches with edges and join them with Concat' },
    code: {
      pytorch: { unsupported: 'documents draw branches with edges and join them with Concat' },
      gluon: { unsupported: 'documents draw branches with edges and join them with Concat' },
      typescript: { unsupported: 'documents draw branches with edges and join them with Concat' },
    },
    create: (a, o) => new Concurrent(a.axis as number, o),
  };

  readonly axis: number;

  constructor(axis = -1, options: BlockOptions = {}) {
    super(options);
    this.axis = axis;
  }

  override getConfig(): Record<string, unknown> {
    return { axis: this.axis };
  }

  override forward(x: NDArray): NDArray {
    const outs = [...this.children.values()].map((b) => b.call(x));
    return this.join(outs);
  }

  private join(outs: NDArray[]): NDArray {
    const axis = this.axis < 0 ? this.axis + outs[0]!.ndim : this.axis;
    return np.concat(outs, axis);
  }

  /** A graph for the compiled plan: each child on the input, then a concat step (eager: np.concat, as forward). */
  override hybridUnits(): HybridUnit[] | null {
    const kids = [...this.children.values()];
    if (this.forward !== Concurrent.prototype.forward || kids.length < 2) return null;
    return [
      {
        kind: 'graph',
        owner: this,
        steps: [
          ...kids.map((block) => ({ block, units: block.hybridUnits(), inputs: [{ input: 0 }] })),
          {
            block: this,
            units: [{ kind: 'concat', owner: this, axis: this.axis, run: (...xs: NDArray[]) => this.join(xs) }],
            inputs: kids.map((_, i) => ({ step: i, port: 0 })),
          },
        ],
        output: { step: kids.length, port: 0 },
      },
    ];
  }
}
