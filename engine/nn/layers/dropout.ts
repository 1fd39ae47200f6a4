// Dropout: zeroes each element with probability `rate` and scales the rest by 1/(1-rate), only
// in autograd's training mode (autograd.record() by default, or autograd.trainMode()); elsewhere
// it is the identity, as Gluon's Dropout.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { np } from '../../ndarray/np.ts';
import { isFloat } from '../../ndarray/dtype.ts';
import { autograd } from '../../autograd/index.ts';
import { Block, type BlockOptions } from '../block.ts';
import type { HybridUnit } from '../hybrid.ts';
import { modelErrors, pyTuple } from '../model-errors.ts';
import { ONE_INPUT, ONE_OUTPUT, type LayerSpec } from './layer-spec.ts';

export interface DropoutArgs extends BlockOptions {
  /** Axes that share one mask value (variational dropout), e.g. [1] for the time axis. */
  axes?: readonly number[];
}

export class Dropout extends Block {
  static readonly spec: LayerSpec = {
    kind: 'Dropout',
    category: 'regularization',
    doc: 'Randomly zeroes elements while training.',
    attrs: [
      { name: 'rate', type: 'float', min: 0, max: 1, default: 0.5, doc: 'fraction of elements dropped' },
      { name: 'axes', type: 'intList', default: [], doc: 'axes sharing one mask value' },
    ],
    inputs: ONE_INPUT,
    outputs: ONE_OUTPUT,
    params: [],
    outputShape: (_a, [x]) => [...x!],
    // Exported models are for inference, where dropout passes its input through.
    onnx: (e) => e.node('Identity', [e.inputs[0]!]),
    onnxImport: {
      ops: ['Dropout'],
      read: (n) => ({ attrs: { rate: (n.inputCount > 1 ? n.constant(1)?.values[0] : undefined) ?? n.attr('ratio', 0.5) } }),
    },
    repr: (a) => `Dropout(p = ${String(a.rate)}, axes=${pyTuple((a.axes as number[] | undefined) ?? [])})`,
    code: {
      pytorch: { module: (s) => `nn.Dropout(p=${String(s.attrs.rate)})`, forward: (s) => `${s.self}(${s.inputs[0]!})` },
      gluon: {
        module: (s) => {
          const axes = (s.attrs.axes as number[] | undefined) ?? [];
          return `nn.Dropout(${String(s.attrs.rate)}${axes.length ? `, axes=${pyTuple(axes)}` : ''}, prefix='${s.prefix}')`;
        },
        forward: (s) => `${s.self}(${s.inputs[0]!})`,
      },
      typescript: {
        child: (s) => {
          const axes = (s.attrs.axes as number[] | undefined) ?? [];
          return {
            type: 'Dropout',
            make: `new Dropout(${String(s.attrs.rate)}, { ${axes.length ? `axes: [${axes.join(', ')}], ` : ''}prefix: '${s.prefix}' })`,
          };
        },
      },
    },
    create: (a, o) => new Dropout(a.rate as number, { ...o, axes: a.axes as number[] }),
  };

  readonly rate: number;
  readonly axes: readonly number[];

  constructor(rate = 0.5, args: DropoutArgs = {}) {
    super(args);
    if (!(rate >= 0 && rate < 1)) throw modelErrors.block(this.name, `rate must be in [0, 1), got ${rate}.`);
    this.rate = rate;
    this.axes = [...(args.axes ?? [])];
  }

  override forward(x: NDArray): NDArray {
    if (!autograd.isTraining() || this.rate === 0) return x;
    const maskShape = x.shape.map((d, i) => (this.axes.includes(i) ? 1 : d));
    const dtype = isFloat(x.dtype) ? x.dtype : 'float32';
    // The mask is not recorded (it does not track a gradient); only x·mask is.
    const keep = np.random.uniform(0, 1, maskShape, { dtype, device: x.device }).ge(this.rate).astype(dtype);
    return x.mul(keep.mul(1 / (1 - this.rate)));
  }

  /** Plans run in predict mode only, where dropout is the identity. */
  override hybridUnits(): HybridUnit[] | null {
    return this.forward === Dropout.prototype.forward ? [{ kind: 'identity', owner: this }] : null;
  }

  override getConfig(): Record<string, unknown> {
    return { rate: this.rate, axes: [...this.axes] };
  }

  override toString(): string {
    return Dropout.spec.repr(this.getConfig());
  }
}
