// LayerNorm: normalizes each sample over its trailing axes from `axis` (PyTorch's
// normalized_shape = x.shape[axis:]; with the default axis −1, Gluon's LayerNorm), then scales by
// gamma and shifts by beta, on the engine's native layer-norm kernel. gamma / beta take the
// normalized axes' shape from the first batch (deferred). ONNX LayerNormalization (opset 17), both ways.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { layerNorm } from '../../ops/normalization.ts';
import { Block } from '../block.ts';
import type { HybridUnit } from '../hybrid-units.ts';
import type { Parameter } from '../parameter.ts';
import { modelErrors, pyTuple } from '../model-errors.ts';
import {
  ONE_INPUT,
  ONE_OUTPUT,
  product,
  shapeRule,
  type Attrs,
  type LayerSpec,
  type OnnxNodeView,
  type OnnxRead,
  type ShapeLike,
  type Unsupported,
} from './layer-spec.ts';

/** LayerNorm's options (Gluon's keyword arguments, camelCased). */
export interface LayerNormArgs {
  /** First normalized axis (negative counts from the end); default −1. */
  axis?: number;
  epsilon?: number;
  /** Add beta (Gluon's center); default true. */
  center?: boolean;
  /** Multiply by gamma (Gluon's scale); default true. */
  scale?: boolean;
  prefix?: string;
}

/** The normalized axes' shape: x.shape[axis:] (-1 entries while unknown). */
export function normalizedShape(kind: string, axis: number, x: ShapeLike): number[] {
  const a = axis < 0 ? axis + x.length : axis;
  if (a < 0 || a >= x.length) throw new Error(`${kind}'s axis ${axis} is out of range for an input of ${x.length} axes`);
  if (a === 0) throw new Error(`${kind} cannot normalize over the batch axis (axis ${axis} of an input of ${x.length} axes)`);
  return x.slice(a);
}

const paramShape = (a: Attrs, x?: ShapeLike): number[] => {
  const axis = a.axis as number;
  return x ? normalizedShape('LayerNorm', axis, x) : new Array<number>(axis < 0 ? -axis : 1).fill(-1);
};
/** ONNX LayerNormalization: the axis counted from the end (so blocks share it across ranks), scale and bias constants. */
function layerNormFromOnnx(n: OnnxNodeView): OnnxRead | Unsupported {
  const rank = n.inputShape(0)?.length;
  let axis = n.attr('axis', -1);
  if (axis >= 0) {
    if (!rank) return { unsupported: "a positive axis needs the input's rank" };
    axis -= rank;
  }
  const [gamma, beta] = [n.constant(1), n.inputCount > 2 ? n.constant(2) : null];
  if (!gamma || (n.inputCount > 2 && !beta)) return { unsupported: 'scale and bias must be constants' };
  return { attrs: { axis, epsilon: n.attr('epsilon', 1e-5), scale: true, center: beta !== null }, params: beta ? { gamma, beta } : { gamma } };
}

/** PyTorch's normalized_shape / ONNX's axis from the exported input shape. */
const normalizedTuple = (a: Attrs, x: ShapeLike): string => pyTuple(normalizedShape('LayerNorm', a.axis as number, x));

const TORCH_WITHOUT_PARAMS = `def without_params(module, *names):
    for name in names:
        setattr(module, name, None)  # the engine's layer has no such parameter
    return module`;

export class LayerNorm extends Block {
  static readonly spec: LayerSpec = {
    kind: 'LayerNorm',
    category: 'normalization',
    doc: "Normalizes each sample over its trailing axes (from axis), then γ·x̂ + β: the Transformer's normalization.",
    attrs: [
      { name: 'axis', type: 'int', default: -1, doc: 'first normalized axis (−1: the last axis, the features)' },
      { name: 'epsilon', type: 'float', min: 0, default: 1e-5, doc: 'added to the variance' },
      { name: 'center', type: 'bool', default: true, doc: 'add the learned shift beta' },
      { name: 'scale', type: 'bool', default: true, doc: 'multiply by the learned scale gamma' },
    ],
    inputs: ONE_INPUT,
    outputs: ONE_OUTPUT,
    params: [
      { name: 'gamma', init: 'ones', shape: paramShape, present: (a) => a.scale !== false },
      { name: 'beta', init: 'zeros', shape: paramShape, present: (a) => a.center !== false },
    ],
    outputShape: (a, [x]) => {
      normalizedShape('LayerNorm', a.axis as number, x!);
      return [...x!];
    },
    flops: (_a, [x]) => 8 * Math.max(product(x!), 0),
    repr: (a, x) =>
      `LayerNorm(${pyTuple(paramShape(a, x))}, eps=${String(a.epsilon)}, center=${a.center !== false ? 'True' : 'False'}, scale=${a.scale !== false ? 'True' : 'False'})`,
    onnx: (e) => {
      const x = e.inputShapes[0]!;
      const axis = e.attrs.axis as number;
      const shape = normalizedShape('LayerNorm', axis, x);
      const ones = (v: number) => e.constant(new Array<number>(product(shape)).fill(v), shape);
      const gamma = e.attrs.scale !== false ? e.param('gamma') : ones(1);
      const beta = e.attrs.center !== false ? e.param('beta') : ones(0);
      return e.node('LayerNormalization', [e.inputs[0]!, gamma, beta], {
        axis: axis < 0 ? axis + x.length : axis,
        epsilon: { float: e.attrs.epsilon as number },
      });
    },
    onnxImport: { ops: ['LayerNormalization'], read: layerNormFromOnnx },
    code: {
      pytorch: {
        // PyTorch 1.13's LayerNorm has both or neither: a missing one is set to None (no state_dict key).
        module: (s) => {
          const [scale, center] = [s.attrs.scale !== false, s.attrs.center !== false];
          const m = `nn.LayerNorm(${normalizedTuple(s.attrs, s.inputShapes[0]!)}, eps=${String(s.attrs.epsilon)}${!scale && !center ? ', elementwise_affine=False' : ''})`;
          return scale === center ? m : `without_params(${m}, '${scale ? 'bias' : 'weight'}')`;
        },
        preamble: TORCH_WITHOUT_PARAMS,
        forward: (s) => `${s.self}(${s.inputs[0]!})`,
        stateNames: { gamma: 'weight', beta: 'bias' },
      },
      gluon: {
        // Gluon's LayerNorm normalizes one axis: the last one here (axis −1 on any rank; checked at export).
        module: (s) => {
          const shape = normalizedShape('LayerNorm', s.attrs.axis as number, s.inputShapes[0]!);
          if (shape.length !== 1) throw new Error("Gluon's LayerNorm normalizes one axis; this LayerNorm normalizes several (axis is not the last)");
          return (
            `nn.LayerNorm(axis=-1, epsilon=${String(s.attrs.epsilon)}, center=${s.attrs.center !== false ? 'True' : 'False'}, ` +
            `scale=${s.attrs.scale !== false ? 'True' : 'False'}${shape[0]! > 0 ? `, in_channels=${shape[0]!}` : ''}, prefix='${s.prefix}')`
          );
        },
        forward: (s) => `${s.self}(${s.inputs[0]!})`,
      },
      typescript: {
        child: (s) => ({
          type: 'LayerNorm',
          make:
            `new LayerNorm({ axis: ${String(s.attrs.axis)}, epsilon: ${String(s.attrs.epsilon)}, center: ${String(s.attrs.center !== false)}, ` +
            `scale: ${String(s.attrs.scale !== false)}, prefix: '${s.prefix}' })`,
        }),
      },
    },
    create: (a, o) => new LayerNorm({ ...(a as LayerNormArgs), prefix: o.prefix }),
  };

  readonly axis: number;
  readonly epsilon: number;
  readonly gamma: Parameter | null;
  readonly beta: Parameter | null;

  constructor(args: LayerNormArgs = {}) {
    super({ prefix: args.prefix });
    this.axis = args.axis ?? -1;
    this.epsilon = args.epsilon ?? 1e-5;
    if (!Number.isInteger(this.axis)) throw modelErrors.block(this.name, `axis must be an integer, got ${String(this.axis)}.`);
    if (!(this.epsilon >= 0)) throw modelErrors.block(this.name, `epsilon must be a non-negative number, got ${String(this.epsilon)}.`);
    // A negative axis fixes the parameters' rank now; a positive one waits for the input's rank.
    const shape = this.axis < 0 ? new Array<number>(-this.axis).fill(-1) : null;
    this.gamma = args.scale === false ? null : this.params.get('gamma', { shape, init: 'ones', dtype: 'float32', allowDeferredInit: true });
    this.beta = args.center === false ? null : this.params.get('beta', { shape, init: 'zeros', dtype: 'float32', allowDeferredInit: true });
  }

  /** gamma and beta take the normalized axes' shape from the first batch. */
  override inferShape(x: NDArray): void {
    const want = shapeRule(this.name, () => normalizedShape('LayerNorm', this.axis, x.shape));
    for (const p of [this.gamma, this.beta]) {
      if (!p) continue;
      try {
        p.shape = want;
      } catch {
        throw modelErrors.inputMismatch(this.name, p.name, pyTuple(p.shape!), pyTuple(want));
      }
    }
  }

  override forward(x: NDArray): NDArray {
    this.ensureInitialized(x);
    const want = shapeRule(this.name, () => normalizedShape('LayerNorm', this.axis, x.shape));
    const g = this.gamma?.data(x.device) ?? null;
    const b = this.beta?.data(x.device) ?? null;
    const p = g ?? b;
    if (p && pyTuple(p.shape) !== pyTuple(want)) throw modelErrors.inputMismatch(this.name, (this.gamma ?? this.beta)!.name, pyTuple(p.shape), pyTuple(want));
    return layerNorm(x, g, b, { axis: this.axis, eps: this.epsilon });
  }

  override hybridUnits(): HybridUnit[] | null {
    if (this.forward !== LayerNorm.prototype.forward) return null;
    return [{ kind: 'layernorm', owner: this, gamma: this.gamma, beta: this.beta, eps: this.epsilon, axis: this.axis, rms: false }];
  }

  override getConfig(): Record<string, unknown> {
    return { axis: this.axis, epsilon: this.epsilon, center: this.beta !== null, scale: this.gamma !== null };
  }
}
