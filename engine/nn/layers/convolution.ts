// What the convolution kinds share (Conv1D, Conv2D and their transposes, Gluon's names and
// defaults): attributes, parameter shapes with deferred in_channels, the output-size rule, FLOPs,
// ONNX (Conv / ConvTranspose), PyTorch / Gluon / TypeScript code, and the layer class over the
// ops layer's conv / convTranspose (oneDNN on the CPU, CUDA kernels on a GPU). Each kind's file
// names its dimensionality and direction.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { conv, convTranspose } from '../../ops/conv.ts';
import type { InitSpec } from '../../init/registry.ts';
import { Block } from '../block.ts';
import type { HybridUnit } from '../hybrid-units.ts';
import type { ParameterDict } from '../parameter-dict.ts';
import type { Parameter } from '../parameter.ts';
import { modelErrors, pyTuple } from '../model-errors.ts';
import { Activation, ACTIVATIONS, checkActivation, onnxActivation, type ActivationType } from './activation.ts';
import { GLUON_ACTIVATION, pyActivate, TORCH_ACTIVATION } from './layer-code.ts';
import { intsAttr, windowPads } from './onnx-read.ts';
import { ONE_INPUT, ONE_OUTPUT, perAxis, product, type Attrs, type CodeSite, type LayerSpec, type ShapeLike } from './layer-spec.ts';

export type Spatial = 1 | 2;

/** The options of every convolution kind (Gluon's keyword arguments, camelCased); sizes per spatial axis or one for all. */
export interface ConvArgs {
  strides?: number | readonly number[];
  padding?: number | readonly number[];
  /** Transposed kinds only: added to one side of each output axis (< stride). */
  outputPadding?: number | readonly number[];
  dilation?: number | readonly number[];
  groups?: number;
  activation?: ActivationType | null;
  useBias?: boolean;
  /** Input channels; 0 or omitted = inferred from the first batch (deferred initialization). */
  inChannels?: number;
  weightInitializer?: InitSpec | null;
  biasInitializer?: InitSpec;
  params?: ParameterDict;
  prefix?: string;
}

interface Geometry {
  kernel: number[];
  strides: number[];
  padding: number[];
  outputPadding: number[];
  dilation: number[];
  groups: number;
}

const LAYOUT = { 1: '(N, C, W)', 2: '(N, C, H, W)' } as const;
const shown = (x: ShapeLike): string => `(${x.map((d) => (d < 0 ? 'N' : d)).join(', ')})`;

/** A size attribute as one value per spatial axis (a single value applies to every axis). */
function geometryOf(a: Attrs, nd: number): Geometry {
  return {
    kernel: perAxis('kernelSize', a.kernelSize, nd, 1),
    strides: perAxis('strides', a.strides, nd, 1),
    padding: perAxis('padding', a.padding, nd, 0),
    outputPadding: perAxis('outputPadding', a.outputPadding ?? 0, nd, 0),
    dilation: perAxis('dilation', a.dilation, nd, 1),
    groups: a.groups as number,
  };
}

/** Input channels from the input shape, the inChannels attribute, or -1 (not known yet). */
const inChannelsOf = (a: Attrs, x?: ShapeLike): number => (x && x[1]! > 0 ? x[1]! : (a.inChannels as number) || -1);

/** The output shape, with the rules a person can act on ("Conv2D expects (N, C, H, W), got (N, 784)"). */
export function convOutputShape(kind: string, nd: Spatial, transposed: boolean, a: Attrs, x: ShapeLike): number[] {
  if (x.length !== nd + 2) throw new Error(`${kind} expects ${LAYOUT[nd]}, got ${shown(x)}`);
  const g = geometryOf(a, nd);
  const channels = a.channels as number;
  const inC = x[1]!;
  if (inC > 0 && inC % g.groups !== 0) throw new Error(`${kind}: the input's ${inC} channels do not split into groups = ${g.groups}`);
  if (channels % g.groups !== 0) throw new Error(`${kind}: channels = ${channels} do not split into groups = ${g.groups}`);
  if ((a.inChannels as number) > 0 && inC > 0 && a.inChannels !== inC) {
    throw new Error(`${kind} was given inChannels = ${String(a.inChannels)} but its input has ${inC} channels`);
  }
  const spatial = x.slice(2).map((len, i) => {
    if (len < 0) return -1;
    const span = g.dilation[i]! * (g.kernel[i]! - 1) + 1;
    if (transposed) {
      if (g.outputPadding[i]! >= Math.max(g.strides[i]!, g.dilation[i]!)) {
        throw new Error(`${kind}: outputPadding ${g.outputPadding[i]} must be smaller than the stride or the dilation`);
      }
      const out = (len - 1) * g.strides[i]! - 2 * g.padding[i]! + span + g.outputPadding[i]!;
      if (out < 1) throw new Error(`${kind}: padding ${g.padding[i]} leaves no output along axis ${i + 2} (input ${len})`);
      return out;
    }
    if (len + 2 * g.padding[i]! < span) {
      throw new Error(`${kind}: the kernel (${span} with dilation) is larger than the padded input (${len} + 2·${g.padding[i]}) along axis ${i + 2}`);
    }
    return Math.floor((len + 2 * g.padding[i]! - span) / g.strides[i]!) + 1;
  });
  return [x[0]!, channels, ...spatial];
}

/** Weight shape: (channels, in/groups, k...) or, transposed, (in, channels/groups, k...) as PyTorch and Gluon. */
function weightShape(a: Attrs, nd: number, transposed: boolean, x?: ShapeLike): number[] {
  const g = geometryOf(a, nd);
  const inC = inChannelsOf(a, x);
  const channels = a.channels as number;
  if (transposed) return [inC, channels / g.groups, ...g.kernel];
  return [channels, inC < 0 ? -1 : inC / g.groups, ...g.kernel];
}

const tuple = (v: readonly number[]): string => pyTuple(v);
const tsList = (v: readonly number[]): string => `[${v.join(', ')}]`;

interface ConvFacts {
  kind: string;
  nd: Spatial;
  transposed: boolean;
  create: (a: Attrs, o: { prefix?: string; params?: ParameterDict | null }) => Block;
}

export function convSpec(f: ConvFacts): LayerSpec {
  const { kind, nd, transposed } = f;
  const torchName = `${transposed ? 'ConvTranspose' : 'Conv'}${nd}d`;
  const onnxOp = transposed ? 'ConvTranspose' : 'Conv';
  const kernelDefault = new Array<number>(nd).fill(3);
  const ones = new Array<number>(nd).fill(1);
  const zeros = new Array<number>(nd).fill(0);
  const codeGeometry = (s: CodeSite) => geometryOf(s.attrs, nd);
  return {
    kind,
    category: 'convolution',
    doc: transposed
      ? `Transposed ${nd}-d convolution (the gradient of a convolution; upsamples): ${LAYOUT[nd]} → (N, channels, ...).`
      : `${nd}-d convolution over ${LAYOUT[nd]} inputs, with groups (depthwise when groups = channels = C) and dilation.`,
    attrs: [
      { name: 'channels', type: 'int', min: 1, doc: 'output channels' },
      { name: 'kernelSize', type: 'intList', default: kernelDefault, doc: `the kernel's size per spatial axis (${nd === 2 ? 'H, W' : 'W'})` },
      { name: 'strides', type: 'intList', default: ones, doc: 'the step per spatial axis' },
      {
        name: 'padding',
        type: 'intList',
        default: zeros,
        doc: transposed ? 'removed from both sides of each output axis' : 'zeros added on both sides of each spatial axis',
      },
      ...(transposed ? [{ name: 'outputPadding', type: 'intList' as const, default: zeros, doc: 'added to one side of each output axis (< stride)' }] : []),
      { name: 'dilation', type: 'intList', default: ones, doc: 'spacing of the kernel taps (1 = dense)' },
      { name: 'groups', type: 'int', min: 1, default: 1, doc: 'channel groups (channels = groups = input channels: depthwise)' },
      { name: 'activation', type: 'enum', choices: ACTIVATIONS, default: null, doc: 'activation (none = linear)' },
      { name: 'useBias', type: 'bool', default: true, doc: 'add a bias per output channel' },
      { name: 'inChannels', type: 'int', min: 0, default: 0, doc: 'input channels; 0 = infer from the first batch' },
      { name: 'weightInitializer', type: 'initializer', default: null, doc: 'weight init (null: the block-level init)' },
      { name: 'biasInitializer', type: 'initializer', default: 'zeros', doc: 'bias init' },
    ],
    inputs: ONE_INPUT,
    outputs: ONE_OUTPUT,
    params: [
      { name: 'weight', init: null, shape: (a, x) => weightShape(a, nd, transposed, x) },
      { name: 'bias', init: 'zeros', shape: (a) => [a.channels as number], present: (a) => a.useBias !== false },
    ],
    outputShape: (a, [x]) => convOutputShape(kind, nd, transposed, a, x!),
    // Each output (or, transposed, each input) position takes in/groups · k multiply-adds per channel.
    flops: (a, [x]) => {
      const out = convOutputShape(kind, nd, transposed, a, x!);
      const g = geometryOf(a, nd);
      const positions = Math.max(x![0]!, 1) * Math.abs(product((transposed ? x! : out).slice(2)));
      const inC = Math.max(x![1]!, 1);
      return 2 * positions * (a.channels as number) * (inC / g.groups) * product(g.kernel);
    },
    repr: (a, x) => {
      const g = geometryOf(a, nd);
      const inC = inChannelsOf(a, x);
      return (
        `${kind}(${inC < 0 ? 'None' : inC} -> ${String(a.channels)}, kernel_size=${tuple(g.kernel)}, stride=${tuple(g.strides)}` +
        `${g.padding.some((p) => p) ? `, padding=${tuple(g.padding)}` : ''}${g.dilation.some((d) => d !== 1) ? `, dilation=${tuple(g.dilation)}` : ''}` +
        `${g.groups !== 1 ? `, groups=${g.groups}` : ''}${a.activation ? `, Activation(${String(a.activation)})` : ''})`
      );
    },
    onnx: (e) => {
      const g = geometryOf(e.attrs, nd);
      const bias = e.attrs.useBias !== false ? [e.param('bias')] : [];
      const y = e.node(onnxOp, [e.inputs[0]!, e.param('weight'), ...bias], {
        kernel_shape: g.kernel,
        strides: g.strides,
        pads: [...g.padding, ...g.padding],
        dilations: g.dilation,
        group: g.groups,
        ...(transposed ? { output_padding: g.outputPadding } : {}),
      });
      return e.attrs.activation ? onnxActivation(e, e.attrs.activation as string, y) : y;
    },
    onnxImport: {
      ops: [onnxOp],
      read: (n) => {
        const w = n.constant(1);
        if (!w) return { unsupported: 'the weight is not a constant' };
        if (w.shape.length !== nd + 2) return { unsupported: `a ${w.shape.length - 2}-d kernel, not ${nd}-d` };
        if (n.attr<number[]>('output_shape', []).length) return { unsupported: 'output_shape (give output_padding instead)' };
        const bias = n.inputCount > 2 ? n.constant(2) : null;
        if (n.inputCount > 2 && !bias) return { unsupported: 'the bias is not a constant' };
        const kernel = w.shape.slice(2);
        const groups = n.attr('group', 1);
        const strides = intsAttr(n, 'strides', nd, 1);
        const dilation = intsAttr(n, 'dilations', nd, 1);
        if (!strides || !dilation) return { unsupported: `strides and dilations must list ${nd} values` };
        const pads = windowPads(n, kernel, strides, dilation);
        if ('unsupported' in pads) return pads;
        if (transposed && pads.prePad) return { unsupported: 'asymmetric pads on a transposed convolution' };
        const outputPadding = transposed ? intsAttr(n, 'output_padding', nd, 0) : null;
        return {
          attrs: {
            channels: transposed ? w.shape[1]! * groups : w.shape[0]!,
            kernelSize: kernel,
            strides,
            padding: pads.padding,
            dilation,
            groups,
            useBias: bias !== null,
            ...(outputPadding ? { outputPadding } : {}),
          },
          params: { weight: w, ...(bias ? { bias } : {}) },
          ...(pads.prePad ? { prePad: pads.prePad } : {}),
        };
      },
    },
    code: {
      pytorch: {
        module: (s) => {
          const g = codeGeometry(s);
          const inC = s.inputShapes[0]![1]!;
          const args = [
            `kernel_size=${tuple(g.kernel)}`,
            `stride=${tuple(g.strides)}`,
            `padding=${tuple(g.padding)}`,
            ...(transposed ? [`output_padding=${tuple(g.outputPadding)}`] : []),
            `dilation=${tuple(g.dilation)}`,
            `groups=${g.groups}`,
            ...(s.attrs.useBias === false ? ['bias=False'] : []),
          ];
          return inC > 0
            ? `nn.${torchName}(${inC}, ${String(s.attrs.channels)}, ${args.join(', ')})`
            : `nn.Lazy${torchName}(${String(s.attrs.channels)}, ${args.join(', ')})`;
        },
        forward: (s) => pyActivate(TORCH_ACTIVATION, s.attrs.activation, `${s.self}(${s.inputs[0]!})`),
      },
      gluon: {
        module: (s) => {
          const g = codeGeometry(s);
          const inC = s.inputShapes[0]![1]!;
          const args = [
            String(s.attrs.channels),
            `kernel_size=${tuple(g.kernel)}`,
            `strides=${tuple(g.strides)}`,
            `padding=${tuple(g.padding)}`,
            ...(transposed ? [`output_padding=${tuple(g.outputPadding)}`] : []),
            `dilation=${tuple(g.dilation)}`,
            `groups=${g.groups}`,
            ...(s.attrs.activation && s.attrs.activation !== 'gelu' ? [`activation='${String(s.attrs.activation)}'`] : []),
            ...(s.attrs.useBias === false ? ['use_bias=False'] : []),
            ...(inC > 0 ? [`in_channels=${inC}`] : []),
            ...(s.tiedTo ? [`params=${s.tiedTo}.params`] : []),
          ];
          return `nn.${kind}(${args.join(', ')}, prefix='${s.prefix}')`;
        },
        forward: (s) => (s.attrs.activation === 'gelu' ? GLUON_ACTIVATION.gelu!(`${s.self}(${s.inputs[0]!})`) : `${s.self}(${s.inputs[0]!})`),
      },
      typescript: {
        child: (s) => {
          const g = codeGeometry(s);
          const inC = s.inputShapes[0]![1]!;
          const args = [
            `strides: ${tsList(g.strides)}`,
            `padding: ${tsList(g.padding)}`,
            ...(transposed ? [`outputPadding: ${tsList(g.outputPadding)}`] : []),
            `dilation: ${tsList(g.dilation)}`,
            `groups: ${g.groups}`,
            ...(s.attrs.activation ? [`activation: '${String(s.attrs.activation)}'`] : []),
            ...(s.attrs.useBias === false ? ['useBias: false'] : []),
            ...(inC > 0 ? [`inChannels: ${inC}`] : []),
            ...(s.tiedTo ? [`params: ${s.tiedTo}.params`] : []),
            `prefix: '${s.prefix}'`,
          ];
          return { type: kind, make: `new ${kind}(${String(s.attrs.channels)}, ${tsList(g.kernel)}, { ${args.join(', ')} })` };
        },
      },
    },
    create: f.create,
  };
}

/** The layer every convolution kind is; the kind's file fixes the dimensionality and direction. */
export abstract class ConvLayer extends Block {
  readonly channels: number;
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly act: Activation | null;
  private readonly geometry: Geometry;

  protected constructor(
    readonly kind: string,
    readonly nd: Spatial,
    readonly transposed: boolean,
    channels: number,
    kernelSize: number | readonly number[],
    args: ConvArgs,
  ) {
    super({ prefix: args.prefix, params: args.params ?? null });
    const attrs = {
      channels,
      kernelSize,
      strides: args.strides ?? 1,
      padding: args.padding ?? 0,
      outputPadding: args.outputPadding ?? 0,
      dilation: args.dilation ?? 1,
      groups: args.groups ?? 1,
      inChannels: args.inChannels ?? 0,
    };
    if (!Number.isInteger(channels) || channels < 1) throw modelErrors.block(this.name, `channels must be a positive integer, got ${channels}.`);
    if (!Number.isInteger(attrs.groups) || attrs.groups < 1 || channels % attrs.groups !== 0) {
      throw modelErrors.block(this.name, `groups must be a positive integer dividing channels = ${channels}, got ${attrs.groups}.`);
    }
    try {
      this.geometry = geometryOf(attrs, nd);
    } catch (error) {
      throw modelErrors.block(this.name, (error as Error).message);
    }
    this.channels = channels;
    this.weight = this.params.get('weight', {
      shape: weightShape(attrs, nd, transposed),
      init: args.weightInitializer ?? null,
      dtype: 'float32',
      allowDeferredInit: true,
    });
    this.bias =
      args.useBias === false
        ? null
        : this.params.get('bias', { shape: [channels], init: args.biasInitializer ?? 'zeros', dtype: 'float32', allowDeferredInit: true });
    const act = args.activation ? checkActivation(this.name, args.activation) : null;
    this.act = act ? this.nameScope(() => this.registerChild(new Activation(act, { prefix: `${act}_` }), 'act')) : null;
  }

  private attrs(): Attrs {
    const g = this.geometry;
    return {
      channels: this.channels,
      kernelSize: g.kernel,
      strides: g.strides,
      padding: g.padding,
      outputPadding: g.outputPadding,
      dilation: g.dilation,
      groups: g.groups,
    };
  }

  /** The weight's in-channel axis from the first batch (Gluon's deferred in_channels). */
  override inferShape(x: NDArray): void {
    let want: number[];
    try {
      convOutputShape(this.kind, this.nd, this.transposed, this.attrs(), x.shape);
      want = weightShape(this.attrs(), this.nd, this.transposed, x.shape);
    } catch (error) {
      throw modelErrors.block(this.name, (error as Error).message);
    }
    try {
      this.weight.shape = want;
    } catch {
      throw modelErrors.inputMismatch(this.name, this.weight.name, pyTuple(this.weight.shape!), pyTuple(want));
    }
  }

  override forward(x: NDArray): NDArray {
    this.ensureInitialized(x);
    const g = this.geometry;
    const w = this.weight.data(x.device);
    const b = this.bias ? this.bias.data(x.device) : null;
    const options = { strides: g.strides, padding: g.padding, dilation: g.dilation, groups: g.groups };
    if (this.transposed) {
      const y = convTranspose(x, w, b, { ...options, outputPadding: g.outputPadding });
      return this.act ? this.act.call(y) : y;
    }
    return conv(x, w, b, { ...options, activation: this.act?.actType ?? null });
  }

  /** A 1-d or 2-d convolution, transposed or not, compiles into a hybridized plan. */
  override hybridUnits(): HybridUnit[] | null {
    if (this.nd > 2 || this.forward !== ConvLayer.prototype.forward) return null;
    const g = this.geometry;
    return [
      {
        kind: 'conv',
        owner: this,
        weight: this.weight,
        bias: this.bias,
        act: this.act?.actType ?? null,
        kernel: g.kernel,
        strides: g.strides,
        padding: g.padding,
        dilation: g.dilation,
        groups: g.groups,
        ...(this.transposed ? { transposed: true, outputPadding: g.outputPadding } : {}),
      },
    ];
  }

  override getConfig(): Record<string, unknown> {
    const s = this.weight.shape!;
    const inC = this.transposed ? s[0]! : s[1]! < 0 ? -1 : s[1]! * this.geometry.groups;
    const config: Record<string, unknown> = {
      ...this.attrs(),
      activation: this.act?.actType ?? null,
      useBias: this.bias !== null,
      inChannels: inC < 0 ? 0 : inC,
    };
    if (!this.transposed) delete config.outputPadding;
    return config;
  }
}
