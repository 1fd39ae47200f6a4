// SequenceLast: the last step along the time axis, (T, N, C) → (N, C) with the default axis 0
// (MXNet's SequenceLast, Gluon's TNC layout); axis 1 for (N, T, C). What a sequence classifier
// reads from a recurrent layer's outputs.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { Block, type BlockOptions } from '../block.ts';
import type { HybridUnit } from '../hybrid-units.ts';
import { dropAxis, sequenceAxis } from './sequence-helpers.ts';
import { ONE_INPUT, ONE_OUTPUT, shapeRule, type LayerSpec } from './layer-spec.ts';

export class SequenceLast extends Block {
  static readonly spec: LayerSpec = {
    kind: 'SequenceLast',
    category: 'sequence',
    doc: 'Takes the last time step: the time axis is removed ((T, N, C) → (N, C) with axis 0).',
    attrs: [{ name: 'axis', type: 'int', default: 0, doc: 'the time axis (0: TNC, 1: NTC)' }],
    inputs: ONE_INPUT,
    outputs: ONE_OUTPUT,
    params: [],
    outputShape: (a, [x]) => dropAxis(x!, sequenceAxis('SequenceLast', a.axis as number, x!)),
    repr: (a) => `SequenceLast(axis=${String(a.axis)})`,
    // Gather with a scalar index drops the axis.
    onnx: (e) => e.node('Gather', [e.inputs[0]!, e.ints([-1], [])], { axis: sequenceAxis('SequenceLast', e.attrs.axis as number, e.inputShapes[0]!) }),
    code: {
      pytorch: { forward: (s) => `${s.inputs[0]!}.select(${String(s.attrs.axis)}, -1)` },
      gluon: { forward: (s) => `nd.SequenceLast(${s.inputs[0]!}, axis=${String(s.attrs.axis)})` },
      typescript: { child: (s) => ({ type: 'SequenceLast', make: `new SequenceLast(${String(s.attrs.axis)}, { prefix: '${s.prefix}' })` }) },
    },
    create: (a, o) => new SequenceLast(a.axis as number, o),
  };

  readonly axis: number;

  constructor(axis = 0, options: BlockOptions = {}) {
    super(options);
    this.axis = axis;
  }

  override forward(x: NDArray): NDArray {
    const a = shapeRule(this.name, () => sequenceAxis('SequenceLast', this.axis, x.shape));
    return x.get(...x.shape.map((_, i) => (i === a ? -1 : null)).slice(0, a + 1));
  }

  override hybridUnits(): HybridUnit[] | null {
    if (this.forward !== SequenceLast.prototype.forward) return null;
    return [{ kind: 'seqreduce', owner: this, axis: this.axis, last: true }];
  }

  override getConfig(): Record<string, unknown> {
    return { axis: this.axis };
  }
}
