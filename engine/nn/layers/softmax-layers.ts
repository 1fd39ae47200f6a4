// What Softmax and LogSoftmax share: one axis attribute, the shape passes through, and the
// spellings differ only in the function's name.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { softmax } from '../../ops/reduce.ts';
import { Block, type BlockOptions } from '../block.ts';
import type { HybridUnit } from '../hybrid-units.ts';
import { ONE_INPUT, ONE_OUTPUT, type LayerSpec } from './layer-spec.ts';

interface SoftmaxFacts {
  kind: 'Softmax' | 'LogSoftmax';
  doc: string;
  create: (axis: number, o: BlockOptions) => Block;
}

const FUNCTION = {
  Softmax: { torch: 'F.softmax', gluon: 'nd.softmax', npx: 'npx.softmax' },
  LogSoftmax: { torch: 'F.log_softmax', gluon: 'nd.log_softmax', npx: 'npx.logSoftmax' },
} as const;

export function softmaxSpec(f: SoftmaxFacts): LayerSpec {
  const fn = FUNCTION[f.kind];
  return {
    kind: f.kind,
    category: 'activation',
    doc: f.doc,
    attrs: [{ name: 'axis', type: 'int', default: -1, doc: 'the axis normalized over (negative counts from the end)' }],
    inputs: ONE_INPUT,
    outputs: ONE_OUTPUT,
    params: [],
    outputShape: (a, [x]) => {
      const axis = a.axis as number;
      if (axis >= x!.length || axis < -x!.length) throw new Error(`axis ${axis} is out of range for an input of ${x!.length} dims`);
      return [...x!];
    },
    // exp and a sum: about 5 operations an element.
    flops: (_a, [x]) => 5 * Math.abs(x!.reduce((p, d) => p * Math.max(d, 1), 1)),
    repr: (a) => `${f.kind}(axis=${String(a.axis)})`,
    onnx: (e) => e.node(f.kind, [e.inputs[0]!], { axis: e.attrs.axis as number }),
    onnxImport: {
      ops: [f.kind],
      read: (n) => {
        // Before opset 13 the op flattened the axes from `axis` on (default 1): the same only on the last axis.
        if (n.opset >= 13) return { attrs: { axis: n.attr('axis', -1) } };
        const rank = n.inputShape(0)?.length;
        const axis = n.attr('axis', 1);
        return rank !== undefined && (axis === rank - 1 || axis === -1)
          ? { attrs: { axis: -1 } }
          : { unsupported: `opset ${n.opset} ${f.kind} over axes ${axis}.. (not the last axis only)` };
      },
    },
    code: {
      pytorch: { forward: (s) => `${fn.torch}(${s.inputs[0]!}, dim=${String(s.attrs.axis)})` },
      gluon: { forward: (s) => `${fn.gluon}(${s.inputs[0]!}, axis=${String(s.attrs.axis)})` },
      typescript: { child: () => null, forward: (s) => `${fn.npx}(${s.inputs[0]!}, ${String(s.attrs.axis)})`, imports: ['npx'] },
    },
    create: (a, o) => f.create(a.axis as number, o),
  };
}

/** The layer both kinds are: softmax (or its log) along `axis`. */
export class SoftmaxLayer extends Block {
  readonly axis: number;
  readonly log: boolean;

  constructor(axis: number, log: boolean, options: BlockOptions = {}) {
    super(options);
    this.axis = axis;
    this.log = log;
  }

  override forward(x: NDArray): NDArray {
    return softmax(x, this.axis, this.log);
  }

  override hybridUnits(): HybridUnit[] | null {
    return this.forward === SoftmaxLayer.prototype.forward ? [{ kind: 'softmax', owner: this, axis: this.axis, log: this.log }] : null;
  }

  override getConfig(): Record<string, unknown> {
    return { axis: this.axis };
  }

  override toString(): string {
    return `${this.log ? 'LogSoftmax' : 'Softmax'}(axis=${this.axis})`;
  }
}
