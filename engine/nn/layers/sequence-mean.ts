// SequenceMean: the mean over the time axis, (T, N, C) → (N, C) with the default axis 0 (TNC);
// axis 1 for (N, T, C). Mean pooling of a sequence encoder's outputs for classification.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { Block, type BlockOptions } from '../block.ts';
import type { HybridUnit } from '../hybrid-units.ts';
import { dropAxis, sequenceAxis } from './sequence-helpers.ts';
import { ONE_INPUT, ONE_OUTPUT, product, shapeRule, type LayerSpec } from './layer-spec.ts';

export class SequenceMean extends Block {
  static readonly spec: LayerSpec = {
    kind: 'SequenceMean',
    category: 'sequence',
    doc: 'Averages over the time axis: the axis is removed ((T, N, C) → (N, C) with axis 0).',
    attrs: [{ name: 'axis', type: 'int', default: 0, doc: 'the time axis (0: TNC, 1: NTC)' }],
    inputs: ONE_INPUT,
    outputs: ONE_OUTPUT,
    params: [],
    outputShape: (a, [x]) => dropAxis(x!, sequenceAxis('SequenceMean', a.axis as number, x!)),
    flops: (_a, [x]) => Math.max(product(x!), 0),
    repr: (a) => `SequenceMean(axis=${String(a.axis)})`,
    onnx: (e) => e.node('ReduceMean', [e.inputs[0]!], { axes: [sequenceAxis('SequenceMean', e.attrs.axis as number, e.inputShapes[0]!)], keepdims: 0 }),
    code: {
      pytorch: { forward: (s) => `${s.inputs[0]!}.mean(dim=${String(s.attrs.axis)})` },
      gluon: { forward: (s) => `nd.mean(${s.inputs[0]!}, axis=${String(s.attrs.axis)})` },
      typescript: { child: (s) => ({ type: 'SequenceMean', make: `new SequenceMean(${String(s.attrs.axis)}, { prefix: '${s.prefix}' })` }) },
    },
    create: (a, o) => new SequenceMean(a.axis as number, o),
  };

  readonly axis: number;

  constructor(axis = 0, options: BlockOptions = {}) {
    super(options);
    this.axis = axis;
  }

  override forward(x: NDArray): NDArray {
    const a = shapeRule(this.name, () => sequenceAxis('SequenceMean', this.axis, x.shape));
    return x.mean(a);
  }

  override hybridUnits(): HybridUnit[] | null {
    if (this.forward !== SequenceMean.prototype.forward) return null;
    return [{ kind: 'seqreduce', owner: this, axis: this.axis, last: false }];
  }

  override getConfig(): Record<string, unknown> {
    return { axis: this.axis };
  }
}
