// RMSNorm: x / sqrt(mean(x²) + eps) · gamma over the trailing axes from `axis` (no centering, no
// shift; LLaMA's normalization, PyTorch 2.4's nn.RMSNorm), on npx.rmsNorm. gamma takes the
// normalized axes' shape from the first batch. ONNX as Mul/ReduceMean/Add/Sqrt/Div.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { rmsNorm } from '../../ops/normalization.ts';
import { Block } from '../block.ts';
import type { HybridUnit } from '../hybrid-units.ts';
import type { Parameter } from '../parameter.ts';
import { modelErrors, pyTuple } from '../model-errors.ts';
import { normalizedShape } from './layer-norm.ts';
import { ONE_INPUT, ONE_OUTPUT, product, shapeRule, type Attrs, type LayerSpec, type ShapeLike } from './layer-spec.ts';

export interface RMSNormArgs {
  /** First normalized axis (negative counts from the end); default −1. */
  axis?: number;
  epsilon?: number;
  /** Multiply by the learned gamma; default true. */
  scale?: boolean;
  prefix?: string;
}

const paramShape = (a: Attrs, x?: ShapeLike): number[] => {
  const axis = a.axis as number;
  return x ? normalizedShape('RMSNorm', axis, x) : new Array<number>(axis < 0 ? -axis : 1).fill(-1);
};
/** PyTorch 1.13 has no RMSNorm: the exported code defines one (gamma named as here). */
const TORCH_RMS_NORM = `class RMSNorm(nn.Module):
    def __init__(self, shape, eps, scale):
        super().__init__()
        self.eps = eps
        self.dims = tuple(range(-len(shape), 0))
        self.gamma = nn.Parameter(torch.ones(shape)) if scale else None

    def forward(self, x):
        y = x * torch.rsqrt(x.pow(2).mean(dim=self.dims, keepdim=True) + self.eps)
        return y * self.gamma if self.gamma is not None else y`;

/** Nor has Gluon 1.x: a Block whose gamma is named prefix + 'gamma', as the engine's. */
const GLUON_RMS_NORM = `class RMSNorm(nn.Block):
    def __init__(self, shape, eps, scale, **kwargs):
        super().__init__(**kwargs)
        self.eps = eps
        self.n = len(shape)
        with self.name_scope():
            self.gamma = self.params.get('gamma', shape=shape, init='ones') if scale else None

    def forward(self, x):
        axes = tuple(range(x.ndim - self.n, x.ndim))
        y = x / nd.sqrt(nd.mean(nd.square(x), axis=axes, keepdims=True) + self.eps)
        return y * self.gamma.data(x.context) if self.gamma is not None else y`;

export class RMSNorm extends Block {
  static readonly spec: LayerSpec = {
    kind: 'RMSNorm',
    category: 'normalization',
    doc: 'Divides each sample by its root mean square over the trailing axes, then scales by γ (no centering).',
    attrs: [
      { name: 'axis', type: 'int', default: -1, doc: 'first normalized axis (−1: the last axis, the features)' },
      { name: 'epsilon', type: 'float', min: 0, default: 1e-6, doc: 'added to the mean square' },
      { name: 'scale', type: 'bool', default: true, doc: 'multiply by the learned scale gamma' },
    ],
    inputs: ONE_INPUT,
    outputs: ONE_OUTPUT,
    params: [{ name: 'gamma', init: 'ones', shape: paramShape, present: (a) => a.scale !== false }],
    outputShape: (a, [x]) => {
      normalizedShape('RMSNorm', a.axis as number, x!);
      return [...x!];
    },
    flops: (_a, [x]) => 4 * Math.max(product(x!), 0),
    repr: (a, x) => `RMSNorm(${pyTuple(paramShape(a, x))}, eps=${String(a.epsilon)})`,
    onnx: (e) => {
      const x = e.inputs[0]!;
      const shape = e.inputShapes[0]!;
      const axes = normalizedShape('RMSNorm', e.attrs.axis as number, shape).map((_, i, all) => shape.length - all.length + i);
      const ms = e.node('ReduceMean', [e.node('Mul', [x, x])], { axes, keepdims: 1 });
      const y = e.node('Div', [x, e.node('Sqrt', [e.node('Add', [ms, e.constant([e.attrs.epsilon as number])])])]);
      return e.attrs.scale !== false ? e.node('Mul', [y, e.param('gamma')]) : y;
    },
    code: {
      pytorch: {
        module: (s) =>
          `RMSNorm(${pyTuple(normalizedShape('RMSNorm', s.attrs.axis as number, s.inputShapes[0]!))}, ${String(s.attrs.epsilon)}, ${s.attrs.scale !== false ? 'True' : 'False'})`,
        forward: (s) => `${s.self}(${s.inputs[0]!})`,
        preamble: TORCH_RMS_NORM,
      },
      gluon: {
        module: (s) =>
          `RMSNorm(${pyTuple(normalizedShape('RMSNorm', s.attrs.axis as number, s.inputShapes[0]!))}, ${String(s.attrs.epsilon)}, ` +
          `${s.attrs.scale !== false ? 'True' : 'False'}, prefix='${s.prefix}')`,
        forward: (s) => `${s.self}(${s.inputs[0]!})`,
        preamble: GLUON_RMS_NORM,
      },
      typescript: {
        child: (s) => ({
          type: 'RMSNorm',
          make: `new RMSNorm({ axis: ${String(s.attrs.axis)}, epsilon: ${String(s.attrs.epsilon)}, scale: ${String(s.attrs.scale !== false)}, prefix: '${s.prefix}' })`,
        }),
      },
    },
    create: (a, o) => new RMSNorm({ ...(a as RMSNormArgs), prefix: o.prefix }),
  };

  readonly axis: number;
  readonly epsilon: number;
  readonly gamma: Parameter | null;

  constructor(args: RMSNormArgs = {}) {
    super({ prefix: args.prefix });
    this.axis = args.axis ?? -1;
    this.epsilon = args.epsilon ?? 1e-6;
    if (!Number.isInteger(this.axis)) throw modelErrors.block(this.name, `axis must be an integer, got ${String(this.axis)}.`);
    if (!(this.epsilon >= 0)) throw modelErrors.block(this.name, `epsilon must be a non-negative number, got ${String(this.epsilon)}.`);
    const shape = this.axis < 0 ? new Array<number>(-this.axis).fill(-1) : null;
    this.gamma = args.scale === false ? null : this.params.get('gamma', { shape, init: 'ones', dtype: 'float32', allowDeferredInit: true });
  }

  override inferShape(x: NDArray): void {
    const want = shapeRule(this.name, () => normalizedShape('RMSNorm', this.axis, x.shape));
    if (!this.gamma) return;
    try {
      this.gamma.shape = want;
    } catch {
      throw modelErrors.inputMismatch(this.name, this.gamma.name, pyTuple(this.gamma.shape!), pyTuple(want));
    }
  }

  override forward(x: NDArray): NDArray {
    this.ensureInitialized(x);
    const want = shapeRule(this.name, () => normalizedShape('RMSNorm', this.axis, x.shape));
    const g = this.gamma?.data(x.device) ?? null;
    if (g && pyTuple(g.shape) !== pyTuple(want)) throw modelErrors.inputMismatch(this.name, this.gamma!.name, pyTuple(g.shape), pyTuple(want));
    return rmsNorm(x, g, { axis: this.axis, eps: this.epsilon });
  }

  override hybridUnits(): HybridUnit[] | null {
    if (this.forward !== RMSNorm.prototype.forward) return null;
    return [{ kind: 'layernorm', owner: this, gamma: this.gamma, beta: null, eps: this.epsilon, axis: this.axis, rms: true }];
  }

  override getConfig(): Record<string, unknown> {
    return { axis: this.axis, epsilon: this.epsilon, scale: this.gamma !== null };
  }
}
