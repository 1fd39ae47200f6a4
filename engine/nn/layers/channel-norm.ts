// What InstanceNorm and GroupNorm share: statistics per sample (over each channel, or each group
// of channels, and the spatial axes) — the same in training and prediction, so no running state —
// then a learned per-channel gamma and beta (scale / center). Each kind's file gives its forward
// and its ONNX / code spellings.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { Block, type BlockOptions } from '../block.ts';
import type { HybridUnit } from '../hybrid-units.ts';
import type { Parameter } from '../parameter.ts';
import { modelErrors, pyTuple } from '../model-errors.ts';
import {
  ONE_INPUT,
  ONE_OUTPUT,
  shapeRule,
  type AttrSpec,
  type Attrs,
  type LayerSpec,
  type OnnxEmitter,
  type OnnxImport,
  type ShapeLike,
} from './layer-spec.ts';

export interface ChannelNormArgs extends BlockOptions {
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  /** Channels; 0 = inferred from the first batch. */
  inChannels?: number;
}

export function checkChannels(kind: string, a: Attrs, x: ShapeLike): void {
  if (x.length < 3) throw new Error(`${kind} expects (N, C, ...) with at least one spatial axis, got (${x.map((d) => (d < 0 ? 'N' : d)).join(', ')})`);
  const groups = (a.groups as number | undefined) ?? 1;
  if (x[1]! > 0 && x[1]! % groups !== 0) throw new Error(`${kind}: the input's ${x[1]} channels do not split into groups = ${groups}`);
}

const channelsOf = (a: Attrs, x?: ShapeLike): number => (x && x[1]! > 0 ? x[1]! : (a.inChannels as number) || -1);

/** gamma, or ones where the layer has none (ONNX wants both); beta likewise with zeros. */
export function affineInputs(e: OnnxEmitter, c: number): [string, string] {
  return [
    e.attrs.scale !== false ? e.param('gamma') : e.constant(new Array<number>(c).fill(1), [c]),
    e.attrs.center !== false ? e.param('beta') : e.constant(new Array<number>(c).fill(0), [c]),
  ];
}

/** PyTorch's affine flag, which covers gamma and beta together. */
export function torchAffine(a: Attrs): string {
  if ((a.center !== false) !== (a.scale !== false))
    throw new Error('PyTorch normalizations have gamma and beta together (affine) or neither; center and scale differ here');
  return a.scale !== false ? 'True' : 'False';
}

interface ChannelNormFacts {
  kind: string;
  doc: string;
  attrs: readonly AttrSpec[];
  onnx(e: OnnxEmitter): string;
  /** The ONNX operator read back as this kind (LayerSpec.onnxImport). */
  onnxImport?: OnnxImport;
  code: NonNullable<LayerSpec['code']>;
  create(a: Attrs, o: BlockOptions): Block;
}

export function channelNormSpec(f: ChannelNormFacts): LayerSpec {
  return {
    kind: f.kind,
    category: 'normalization',
    doc: f.doc,
    attrs: [
      ...f.attrs,
      { name: 'epsilon', type: 'float', min: 0, default: 1e-5, doc: 'added to the variance' },
      { name: 'center', type: 'bool', default: true, doc: 'add the learned shift beta' },
      { name: 'scale', type: 'bool', default: true, doc: 'multiply by the learned gamma' },
      { name: 'inChannels', type: 'int', min: 0, default: 0, doc: 'channels; 0 = infer from the first batch' },
    ],
    inputs: ONE_INPUT,
    outputs: ONE_OUTPUT,
    params: [
      { name: 'gamma', init: 'ones', shape: (a, x) => [channelsOf(a, x)], present: (a) => a.scale !== false },
      { name: 'beta', init: 'zeros', shape: (a, x) => [channelsOf(a, x)], present: (a) => a.center !== false },
    ],
    outputShape: (a, [x]) => {
      checkChannels(f.kind, a, x!);
      return [...x!];
    },
    flops: (_a, [x]) => 5 * x!.reduce((p, d) => p * Math.max(d, 1), 1),
    repr: (a, x) =>
      `${f.kind}(${f.attrs.map((s) => `${s.name}=${String(a[s.name])}, `).join('')}eps=${String(a.epsilon)}, ` +
      `in_channels=${x ? channelsOf(a, x) : (a.inChannels as number) || 'None'})`,
    onnx: f.onnx,
    ...(f.onnxImport ? { onnxImport: f.onnxImport } : {}),
    code: f.code,
    create: f.create,
  };
}

/** The layer both kinds are; `normalize` is the kind's math on x with gamma / beta (or null). */
export abstract class ChannelNorm extends Block {
  readonly epsilon: number;
  readonly gamma: Parameter | null;
  readonly beta: Parameter | null;

  protected constructor(
    readonly kind: string,
    args: ChannelNormArgs,
  ) {
    super(args);
    this.epsilon = args.epsilon ?? 1e-5;
    const c = args.inChannels ?? 0;
    const make = (name: string, init: string) => this.params.get(name, { shape: [c], init, dtype: 'float32', allowDeferredInit: true });
    this.gamma = args.scale === false ? null : make('gamma', 'ones');
    this.beta = args.center === false ? null : make('beta', 'zeros');
  }

  protected abstract normalize(x: NDArray, gamma: NDArray | null, beta: NDArray | null): NDArray;
  protected abstract attrs(): Attrs;

  override inferShape(x: NDArray): void {
    shapeRule(this.name, () => checkChannels(this.kind, this.attrs(), x.shape));
    for (const p of [this.gamma, this.beta]) {
      if (!p) continue;
      try {
        p.shape = [x.shape[1]!];
      } catch {
        throw modelErrors.inputMismatch(this.name, p.name, pyTuple(p.shape!), pyTuple([x.shape[1]!]));
      }
    }
  }

  override forward(x: NDArray): NDArray {
    shapeRule(this.name, () => checkChannels(this.kind, this.attrs(), x.shape));
    if (this.gamma || this.beta) this.ensureInitialized(x);
    return this.normalize(x, this.gamma?.data(x.device) ?? null, this.beta?.data(x.device) ?? null);
  }

  /** GroupNorm and InstanceNorm (groups 0: one per channel) compile into a net plan's groupNorm step. */
  override hybridUnits(): HybridUnit[] | null {
    const base = this.forward === ChannelNorm.prototype.forward && (this.kind === 'GroupNorm' || this.kind === 'InstanceNorm');
    if (!base) return null;
    const groups = this.kind === 'GroupNorm' ? ((this.attrs().groups as number | undefined) ?? 1) : 0;
    return [{ kind: 'groupnorm', owner: this, gamma: this.gamma, beta: this.beta, eps: this.epsilon, groups }];
  }

  override getConfig(): Record<string, unknown> {
    const c = (this.gamma ?? this.beta)?.shape?.[0] ?? 0;
    return { ...this.attrs(), epsilon: this.epsilon, center: this.beta !== null, scale: this.gamma !== null, inChannels: c < 0 ? 0 : c };
  }
}
