// PReLU: x for x > 0, alpha·x otherwise, with alpha learned — one value shared by every channel
// (inChannels = 1, the default) or one per channel of axis 1 (Gluon's and PyTorch's PReLU).
// ONNX PRelu with the slope shaped to broadcast over the channel axis.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { prelu } from '../../ops/activations.ts';
import type { InitSpec } from '../../init/registry.ts';
import { Block, type BlockOptions } from '../block.ts';
import type { HybridUnit } from '../hybrid-units.ts';
import type { Parameter } from '../parameter.ts';
import { modelErrors } from '../model-errors.ts';
import { ONE_INPUT, ONE_OUTPUT, type LayerSpec } from './layer-spec.ts';

/** Gluon's default: alpha starts at 0.25 (PyTorch's too). */
const ALPHA_INIT = '["constant",{"value":0.25}]';

export interface PReLUArgs extends BlockOptions {
  /** 1: one alpha for all channels; C: one per channel of axis 1. */
  inChannels?: number;
  alphaInitializer?: InitSpec;
}

export class PReLU extends Block {
  static readonly spec: LayerSpec = {
    kind: 'PReLU',
    category: 'activation',
    doc: 'Leaky ReLU with a learned slope alpha: one shared, or one per channel (inChannels = C).',
    attrs: [
      { name: 'inChannels', type: 'int', min: 1, default: 1, doc: '1: one alpha; C: one alpha per channel of axis 1' },
      { name: 'alphaInitializer', type: 'initializer', default: ALPHA_INIT, doc: "alpha's initial value (0.25)" },
    ],
    inputs: ONE_INPUT,
    outputs: ONE_OUTPUT,
    params: [{ name: 'alpha', init: ALPHA_INIT, shape: (a) => [a.inChannels as number] }],
    outputShape: (a, [x]) => {
      const c = a.inChannels as number;
      if (c !== 1 && (x!.length < 2 || (x![1]! > 0 && x![1] !== c))) {
        throw new Error(
          `PReLU has ${c} alphas, one per channel, but its input (${x!.join(', ')}) has ${x!.length < 2 ? 'no channel axis' : `${x![1]} channels`}`,
        );
      }
      return [...x!];
    },
    flops: (_a, [x]) => 3 * x!.reduce((p, d) => p * Math.max(d, 1), 1),
    repr: (a) => `PReLU(in_channels=${String(a.inChannels)})`,
    onnx: (e) => {
      const rank = e.inputShapes[0]!.length;
      const c = e.attrs.inChannels as number;
      const slope = c === 1 ? e.param('alpha') : e.node('Reshape', [e.param('alpha'), e.ints([c, ...new Array<number>(Math.max(rank - 2, 0)).fill(1)])]);
      return e.node('PRelu', [e.inputs[0]!, slope]);
    },
    onnxImport: {
      ops: ['PRelu'],
      read: (n) => {
        const slope = n.constant(1);
        const x = n.inputShape(0);
        if (!slope) return { unsupported: 'the slope is not a constant' };
        const c = slope.values.length;
        // One slope, or one per channel broadcast along axis 1 ((C, 1, 1) against (N, C, H, W)).
        const perChannel = c > 1 && x && x[1] === c && slope.shape.length === x.length - 1 && slope.shape.slice(1).every((d) => d === 1);
        if (c !== 1 && !perChannel) return { unsupported: `a slope of shape (${slope.shape.join(', ')}) that is not one per channel` };
        return { attrs: { inChannels: c }, params: { alpha: { shape: [c], values: slope.values } } };
      },
    },
    code: {
      pytorch: {
        module: (s) => `nn.PReLU(${String(s.attrs.inChannels)})`,
        forward: (s) => `${s.self}(${s.inputs[0]!})`,
        stateNames: { alpha: 'weight' },
      },
      gluon: {
        module: (s) => `nn.PReLU(in_channels=${String(s.attrs.inChannels)}, prefix='${s.prefix}')`,
        forward: (s) => `${s.self}(${s.inputs[0]!})`,
      },
      typescript: { child: (s) => ({ type: 'PReLU', make: `new PReLU({ inChannels: ${String(s.attrs.inChannels)}, prefix: '${s.prefix}' })` }) },
    },
    create: (a, o) => new PReLU({ ...(a as PReLUArgs), ...o }),
  };

  readonly alpha: Parameter;

  constructor(args: PReLUArgs = {}) {
    super(args);
    const c = args.inChannels ?? 1;
    if (!Number.isInteger(c) || c < 1) throw modelErrors.block(this.name, `inChannels must be a positive integer, got ${c}.`);
    this.alpha = this.params.get('alpha', { shape: [c], init: args.alphaInitializer ?? ALPHA_INIT, dtype: 'float32' });
  }

  override forward(x: NDArray): NDArray {
    return prelu(x, this.alpha.data(x.device));
  }

  override hybridUnits(): HybridUnit[] | null {
    return this.forward === PReLU.prototype.forward ? [{ kind: 'pointwise', owner: this, alpha: this.alpha, clip: null }] : null;
  }

  override getConfig(): Record<string, unknown> {
    return { inChannels: this.alpha.shape![0] };
  }

  override toString(): string {
    return PReLU.spec.repr(this.getConfig());
  }
}
