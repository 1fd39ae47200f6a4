// Concat: joins its inputs along an axis, so a graph can merge branches (np.concatenate).

import type { NDArray } from '../../ndarray/ndarray.ts';
import { np } from '../../ndarray/np.ts';
import { Block, type BlockOptions } from '../block.ts';
import type { HybridUnit } from '../hybrid-units.ts';
import { ONE_OUTPUT, type LayerSpec } from './layer-spec.ts';

export class Concat extends Block {
  static readonly spec: LayerSpec = {
    kind: 'Concat',
    category: 'structure',
    doc: 'Concatenates its inputs (in edge order) along an axis.',
    attrs: [{ name: 'axis', type: 'int', default: -1, doc: 'the axis to join along (negative counts from the end)' }],
    inputs: [{ name: 'data', doc: 'the arrays to join, in edge order', variadic: true }],
    outputs: ONE_OUTPUT,
    params: [],
    outputShape: (a, xs) => {
      const first = xs[0]!;
      const axis = (a.axis as number) < 0 ? (a.axis as number) + first.length : (a.axis as number);
      if (axis < 0 || axis >= first.length) throw new Error(`axis ${String(a.axis)} is out of range for ${first.length} dims`);
      for (const x of xs) {
        if (x.length !== first.length || x.some((d, i) => i !== axis && d >= 0 && first[i]! >= 0 && d !== first[i])) {
          throw new Error(`the inputs (${xs.map((s) => `(${s.join(', ')})`).join(', ')}) differ outside axis ${axis}`);
        }
      }
      const joined = xs.reduce((s, x) => (s < 0 || x[axis]! < 0 ? -1 : s + x[axis]!), 0);
      return first.map((d, i) => (i === axis ? joined : d));
    },
    repr: (a) => `Concat(axis=${String(a.axis)})`,
    onnx: (e) => e.node('Concat', e.inputs, { axis: e.attrs.axis as number }),
    onnxImport: {
      ops: ['Concat'],
      read: (n) => {
        const inputs = Array.from({ length: n.inputCount }, (_, i) => i);
        if (inputs.some((i) => n.constant(i))) return { unsupported: 'a constant among the joined arrays' };
        return { attrs: { axis: n.attr('axis', 1) }, data: inputs };
      },
    },
    code: {
      pytorch: { forward: (s) => `torch.cat([${s.inputs.join(', ')}], dim=${String(s.attrs.axis)})` },
      gluon: { forward: (s) => `nd.concat(${s.inputs.join(', ')}, dim=${String(s.attrs.axis)})` },
      typescript: {
        child: () => null,
        // Concat's own forward: np.concat along the axis, negative axes counted from the end.
        forward: (s) => {
          const axis = s.attrs.axis as number;
          return `np.concat([${s.inputs.join(', ')}], ${axis < 0 ? axis + s.inputShapes[0]!.length : axis})`;
        },
        imports: ['np'],
      },
    },
    create: (a, o) => new Concat(a.axis as number, o),
  };

  readonly axis: number;

  constructor(axis = -1, options: BlockOptions = {}) {
    super(options);
    this.axis = axis;
  }

  override forward(...inputs: NDArray[]): NDArray {
    const axis = this.axis < 0 ? this.axis + inputs[0]!.ndim : this.axis;
    return np.concat(inputs, axis);
  }

  override hybridUnits(): HybridUnit[] | null {
    return this.forward === Concat.prototype.forward ? [{ kind: 'concat', owner: this, axis: this.axis }] : null;
  }

  override getConfig(): Record<string, unknown> {
    return { axis: this.axis };
  }

  override toString(): string {
    return Concat.spec.repr(this.getConfig());
  }
}
