// Dense: y = act(x·Wᵀ + b) with W of shape (units, inUnits), on the engine's fused linear op.
// inUnits may be left out: the weight is then (units, -1) and initialization waits for the
// first batch (deferred initialization), as Gluon's Dense does. Everything about the kind is here:
// options, class, descriptor, ONNX (Gemm) and code (nn.Linear / nn.Dense / Dense).

import type { NDArray } from '../../ndarray/ndarray.ts';
import type { DType } from '../../ndarray/dtype.ts';
import { linear } from '../../ops/linalg.ts';
import { PackedWeights } from '../../ops/packed-linear.ts';
import type { InitSpec } from '../../init/registry.ts';
import { Block } from '../block.ts';
import type { HybridUnit } from '../hybrid.ts';
import type { ParameterDict } from '../parameter-dict.ts';
import type { Parameter } from '../parameter.ts';
import { modelErrors, pyTuple } from '../model-errors.ts';
import { Activation, ACTIVATIONS, checkActivation, onnxActivation, type ActivationType } from './activation.ts';
import { GLUON_ACTIVATION, pyActivate, TORCH_ACTIVATION } from './layer-code.ts';
import {
  ONE_INPUT,
  ONE_OUTPUT,
  product,
  type CodeSite,
  type LayerSpec,
  type OnnxEmitter,
  type OnnxNodeView,
  type OnnxRead,
  type Unsupported,
} from './layer-spec.ts';
import { asVector, scaled, transposed2d } from './onnx-read.ts';

/** Dense's options (Gluon's keyword arguments, camelCased). */
export interface DenseArgs {
  /** Activation applied to the output; none (linear) by default. */
  activation?: ActivationType | null;
  /** Input features; 0 or omitted = infer from the first batch (deferred initialization). */
  inUnits?: number;
  useBias?: boolean;
  /** true: x is (N, ...) and flattened to (N, inUnits); false: the last axis is the features. */
  flatten?: boolean;
  dtype?: DType;
  /** The weight's own init; null = the block-level init given to initialize(). */
  weightInitializer?: InitSpec | null;
  biasInitializer?: InitSpec;
  /** Share another Dense's parameters: `{params: shared.params}` (tied layers). */
  params?: ParameterDict;
  prefix?: string;
}

/**
 * Dense in ONNX: Gemm(transB=1) on a 2-d input (Flatten first when flattening a deeper one); with
 * flatten=false the features are the last axis, which Gemm cannot do, so MatMul(x, Wᵀ) + b.
 */
function denseToOnnx(e: OnnxEmitter): string {
  const a = e.attrs;
  const [x, shape] = [e.inputs[0]!, e.inputShapes[0]!];
  const bias = a.useBias !== false ? [e.param('bias')] : [];
  let y: string;
  if (a.flatten !== false || shape.length === 2) {
    const flat = shape.length === 2 ? x : e.node('Flatten', [x], { axis: 1 });
    y = e.node('Gemm', [flat, e.param('weight'), ...bias], { transB: 1 });
  } else {
    y = e.node('MatMul', [x, e.node('Transpose', [e.param('weight')], { perm: [1, 0] })]);
    if (bias.length) y = e.node('Add', [y, bias[0]!]);
  }
  return a.activation ? onnxActivation(e, a.activation as string, y) : y;
}

/**
 * Gemm(x, B, C) with transA = 0 → Dense(flatten) with W = alpha·B (transB = 1) or alpha·Bᵀ and
 * b = beta·C; MatMul(x, B) → Dense without bias, W = Bᵀ (the importer fuses an Add after it as the bias).
 */
function denseFromOnnx(n: OnnxNodeView): OnnxRead | Unsupported {
  const b = n.constant(1);
  if (!b || b.shape.length !== 2) return { unsupported: 'the weight is not a 2-d constant' };
  const x = n.inputShape(0);
  if (n.opType === 'MatMul') {
    if (!x || x.length < 2) return { unsupported: 'the input is not at least 2-d' };
    return { attrs: { units: b.shape[1]!, useBias: false, flatten: x.length === 2, inUnits: b.shape[0]! }, params: { weight: transposed2d(b) } };
  }
  if (n.attr('transA', 0) !== 0) return { unsupported: 'transA = 1 (the input transposed)' };
  const weight = scaled(n.attr('transB', 0) === 1 ? b : transposed2d(b), n.attr('alpha', 1));
  const units = weight.shape[0]!;
  const c = n.inputCount > 2 ? n.constant(2) : null;
  if (n.inputCount > 2 && !c) return { unsupported: 'the bias is not a constant' };
  const bias = c ? asVector(scaled(c, n.attr('beta', 1)), units) : null;
  if (c && !bias) return { unsupported: `a bias of shape (${c.shape.join(', ')}) for ${units} units` };
  return { attrs: { units, useBias: bias !== null, inUnits: weight.shape[1]! }, params: { weight, ...(bias ? { bias } : {}) } };
}

/** Input features: everything but the batch axis when flattening, else the last axis. */
export function inUnitsOf(x: readonly number[], flatten: boolean): number {
  return flatten ? product(x.slice(1)) : x[x.length - 1]!;
}

/** The input features as the exported graph's shapes give them (-1 when unknown). */
const siteInUnits = (s: CodeSite): number => inUnitsOf(s.inputShapes[0]!, s.attrs.flatten !== false);

export class Dense extends Block {
  static readonly spec: LayerSpec = {
    kind: 'Dense',
    category: 'core',
    doc: 'Fully connected layer: act(x·Wᵀ + b).',
    attrs: [
      { name: 'units', type: 'int', min: 1, doc: 'output features' },
      { name: 'activation', type: 'enum', choices: ACTIVATIONS, default: null, doc: 'activation (none = linear)' },
      { name: 'inUnits', type: 'int', min: 0, default: 0, doc: 'input features; 0 = infer from the first batch' },
      { name: 'useBias', type: 'bool', default: true, doc: 'add a bias' },
      { name: 'flatten', type: 'bool', default: true, doc: 'flatten all but the first axis of the input' },
      { name: 'weightInitializer', type: 'initializer', default: null, doc: 'weight init (null: the block-level init)' },
      { name: 'biasInitializer', type: 'initializer', default: 'zeros', doc: 'bias init' },
    ],
    inputs: ONE_INPUT,
    outputs: ONE_OUTPUT,
    params: [
      {
        name: 'weight',
        init: null,
        shape: (a, x) => [a.units as number, x ? inUnitsOf(x, a.flatten !== false) : (a.inUnits as number) || -1],
      },
      { name: 'bias', init: 'zeros', shape: (a) => [a.units as number], present: (a) => a.useBias !== false },
    ],
    outputShape: (a, [x]) => (a.flatten === false ? [...x!.slice(0, -1), a.units as number] : [x![0]!, a.units as number]),
    // x·Wᵀ: batch × inUnits × units multiply-adds (unknown batch counts as 1).
    flops: (a, [x]) => {
      const rows = a.flatten === false ? product(x!.slice(0, -1)) : x![0]!;
      return 2 * Math.max(rows, 1) * Math.max(inUnitsOf(x!, a.flatten !== false), 0) * (a.units as number);
    },
    repr: (a, x) => {
      const inUnits = x ? inUnitsOf(x, a.flatten !== false) : (a.inUnits as number) || -1;
      return `Dense(${inUnits} -> ${String(a.units)}, ${a.activation ? `Activation(${String(a.activation)})` : 'linear'})`;
    },
    onnx: denseToOnnx,
    onnxImport: { ops: ['Gemm', 'MatMul'], read: denseFromOnnx },
    code: {
      pytorch: {
        module: (s) => {
          const bias = s.attrs.useBias === false ? ', bias=False' : '';
          const inUnits = siteInUnits(s);
          return inUnits > 0 ? `nn.Linear(${inUnits}, ${String(s.attrs.units)}${bias})` : `nn.LazyLinear(${String(s.attrs.units)}${bias})`;
        },
        forward: (s) => {
          const x = s.inputs[0]!;
          const flat = s.attrs.flatten !== false && s.inputShapes[0]!.length > 2 ? `torch.flatten(${x}, 1)` : x;
          return pyActivate(TORCH_ACTIVATION, s.attrs.activation, `${s.self}(${flat})`);
        },
      },
      gluon: {
        module: (s) => {
          const a = s.attrs;
          const args = [String(a.units)];
          // Activation(gelu) is not an Activation op type in MXNet 1.x: forward() applies it.
          if (a.activation && a.activation !== 'gelu') args.push(`activation='${String(a.activation)}'`);
          if (a.useBias === false) args.push('use_bias=False');
          if (a.flatten === false) args.push('flatten=False');
          const inUnits = siteInUnits(s);
          if (inUnits > 0) args.push(`in_units=${inUnits}`);
          if (s.tiedTo) args.push(`params=${s.tiedTo}.params`); // tied: Gluon's Dense(..., params=shared.params)
          return `nn.Dense(${args.join(', ')}, prefix='${s.prefix}')`;
        },
        forward: (s) => (s.attrs.activation === 'gelu' ? GLUON_ACTIVATION.gelu!(`${s.self}(${s.inputs[0]!})`) : `${s.self}(${s.inputs[0]!})`),
      },
      typescript: {
        child: (s) => {
          const a = s.attrs;
          const args: string[] = [];
          if (a.activation) args.push(`activation: '${String(a.activation)}'`);
          const inUnits = siteInUnits(s);
          if (inUnits > 0) args.push(`inUnits: ${inUnits}`);
          if (a.useBias === false) args.push('useBias: false');
          if (a.flatten === false) args.push('flatten: false');
          if (s.tiedTo) args.push(`params: ${s.tiedTo}.params`); // tied, as Gluon's Dense(..., params=shared.params)
          return { type: 'Dense', make: `new Dense(${String(a.units)}, { ${[...args, `prefix: '${s.prefix}'`].join(', ')} })` };
        },
      },
    },
    create: (a, o) => new Dense(a.units as number, { ...(a as DenseArgs), prefix: o.prefix, params: o.params ?? undefined }),
  };

  readonly units: number;
  readonly flatten: boolean;
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly act: Activation | null;
  /** The weights packed for calls autograd does not record (engine/ops/packed-linear.ts). */
  private readonly packed = new PackedWeights();

  constructor(units: number, args: DenseArgs = {}) {
    super({ prefix: args.prefix, params: args.params ?? null });
    if (!Number.isInteger(units) || units < 1) throw modelErrors.block(this.name, `units must be a positive integer, got ${units}.`);
    const inUnits = args.inUnits ?? 0;
    if (!Number.isInteger(inUnits) || inUnits < 0) throw modelErrors.block(this.name, `inUnits must be a non-negative integer, got ${inUnits}.`);
    this.units = units;
    this.flatten = args.flatten ?? true;
    const dtype = args.dtype ?? 'float32';
    this.weight = this.params.get('weight', { shape: [units, inUnits], init: args.weightInitializer ?? null, dtype, allowDeferredInit: true });
    this.bias =
      args.useBias === false ? null : this.params.get('bias', { shape: [units], init: args.biasInitializer ?? 'zeros', dtype, allowDeferredInit: true });
    const act = args.activation ? checkActivation(this.name, args.activation) : null;
    this.act = act ? this.nameScope(() => this.registerChild(new Activation(act, { prefix: `${act}_` }), 'act')) : null;
  }

  /** weight = (units, features of x) — Gluon 2.0's Dense.infer_shape. */
  override inferShape(x: NDArray): void {
    const want = [this.units, inUnitsOf(x.shape, this.flatten)];
    try {
      this.weight.shape = want;
    } catch {
      throw modelErrors.inputMismatch(this.name, this.weight.name, pyTuple(this.weight.shape!), pyTuple(want));
    }
  }

  override forward(x: NDArray): NDArray {
    this.ensureInitialized(x);
    const w = this.weight.data(x.device);
    const features = inUnitsOf(x.shape, this.flatten);
    if (w.shape[1] !== features) {
      throw modelErrors.inputMismatch(this.name, this.weight.name, pyTuple(w.shape), pyTuple([this.units, features]));
    }
    return linear(x, w, this.bias ? this.bias.data(x.device) : null, { activation: this.act?.actType ?? null, flatten: this.flatten, packed: this.packed });
  }

  override hybridUnits(): HybridUnit[] | null {
    if (this.forward !== Dense.prototype.forward) return null; // a subclass with its own math
    return [{ kind: 'linear', owner: this, weight: this.weight, bias: this.bias, units: this.units, flatten: this.flatten, act: this.act?.actType ?? null }];
  }

  override getConfig(): Record<string, unknown> {
    const s = this.weight.shape!;
    return { units: this.units, activation: this.act?.actType ?? null, inUnits: s[1] === -1 ? 0 : s[1], useBias: this.bias !== null, flatten: this.flatten };
  }

  override toString(): string {
    return Dense.spec.repr(this.getConfig());
  }
}
