// BatchNorm (Gluon's names and defaults): per channel of axis 1 (or `axis`), y = (x − mean) /
// sqrt(var + ε) · gamma + beta. In training (autograd's train mode) the batch's statistics
// normalize and running_mean / running_var follow them (running = momentum·running +
// (1 − momentum)·batch); in prediction the running statistics normalize. The running statistics
// are parameters that are state (not differentiable): saved and loaded with the others, never
// touched by the optimizer. Exports: ONNX BatchNormalization, nn.BatchNorm1d/2d (PyTorch's momentum
// is 1 − Gluon's), nn.BatchNorm.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { batchNorm } from '../../ops/normalization.ts';
import type { InitSpec } from '../../init/registry.ts';
import { Block, type BlockOptions } from '../block.ts';
import type { HybridUnit } from '../hybrid-units.ts';
import type { Parameter } from '../parameter.ts';
import { modelErrors, pyTuple } from '../model-errors.ts';
import { ONE_INPUT, ONE_OUTPUT, type Attrs, type LayerSpec, type ShapeLike } from './layer-spec.ts';

export interface BatchNormArgs extends BlockOptions {
  axis?: number;
  momentum?: number;
  epsilon?: number;
  /** Add beta (false: no shift). */
  center?: boolean;
  /** Multiply by gamma (false: no scale). */
  scale?: boolean;
  /** Normalize with the running statistics in training too. */
  useGlobalStats?: boolean;
  /** Channels; 0 = inferred from the first batch. */
  inChannels?: number;
  gammaInitializer?: InitSpec;
  betaInitializer?: InitSpec;
}

/** The normalized axis, counted from the front; refuses inputs without it. */
function axisOf(a: Attrs, x: ShapeLike): number {
  const axis = (a.axis as number) < 0 ? (a.axis as number) + x.length : (a.axis as number);
  if (x.length < 2 || axis < 1 || axis >= x.length) {
    throw new Error(`BatchNorm normalizes axis ${String(a.axis)} of (N, C, ...) inputs, got (${x.map((d) => (d < 0 ? 'N' : d)).join(', ')})`);
  }
  return axis;
}

const channelsOf = (a: Attrs, x?: ShapeLike): number => (x ? x[axisOf(a, x)]! : (a.inChannels as number) || -1);
const channelParam = (name: string, init: string, present?: (a: Attrs) => boolean) => ({
  name,
  init,
  shape: (a: Attrs, x?: ShapeLike) => [channelsOf(a, x)],
  ...(present ? { present } : {}),
});

/** PyTorch's module for an input of this rank. */
const torchBn = (rank: number): string => `BatchNorm${rank === 2 || rank === 3 ? '1d' : rank === 4 ? '2d' : '3d'}`;

export class BatchNorm extends Block {
  static readonly spec: LayerSpec = {
    kind: 'BatchNorm',
    category: 'normalization',
    doc: 'Batch normalization per channel: batch statistics in training (updating the running ones), running statistics in prediction.',
    attrs: [
      { name: 'axis', type: 'int', default: 1, doc: 'the channel axis' },
      { name: 'momentum', type: 'float', min: 0, max: 1, default: 0.9, doc: 'running = momentum·running + (1 − momentum)·batch' },
      { name: 'epsilon', type: 'float', min: 0, default: 1e-5, doc: 'added to the variance' },
      { name: 'center', type: 'bool', default: true, doc: 'add the learned shift beta' },
      { name: 'scale', type: 'bool', default: true, doc: 'multiply by the learned gamma' },
      { name: 'useGlobalStats', type: 'bool', default: false, doc: 'use the running statistics in training too' },
      { name: 'inChannels', type: 'int', min: 0, default: 0, doc: 'channels; 0 = infer from the first batch' },
    ],
    inputs: ONE_INPUT,
    outputs: ONE_OUTPUT,
    params: [
      channelParam('gamma', 'ones', (a) => a.scale !== false),
      channelParam('beta', 'zeros', (a) => a.center !== false),
      channelParam('running_mean', 'zeros'),
      channelParam('running_var', 'ones'),
    ],
    stateParams: ['running_mean', 'running_var'],
    outputShape: (a, [x]) => {
      axisOf(a, x!);
      return [...x!];
    },
    flops: (_a, [x]) => 4 * x!.reduce((p, d) => p * Math.max(d, 1), 1),
    repr: (a, x) =>
      `BatchNorm(axis=${String(a.axis)}, eps=${String(a.epsilon)}, momentum=${String(a.momentum)}, fix_gamma=False, ` +
      `use_global_stats=${a.useGlobalStats ? 'True' : 'False'}, in_channels=${x ? channelsOf(a, x) : (a.inChannels as number) || 'None'})`,
    onnx: (e) => {
      const x = e.inputs[0]!;
      const shape = e.inputShapes[0]!;
      const axis = axisOf(e.attrs, shape);
      const c = shape[axis]!;
      const moved = axis === 1 ? x : e.node('Transpose', [x], { perm: movePerm(shape.length, axis) });
      const y = e.node(
        'BatchNormalization',
        [
          moved,
          e.attrs.scale !== false ? e.param('gamma') : e.constant(new Array<number>(c).fill(1), [c]),
          e.attrs.center !== false ? e.param('beta') : e.constant(new Array<number>(c).fill(0), [c]),
          e.param('running_mean'),
          e.param('running_var'),
        ],
        { epsilon: { float: e.attrs.epsilon as number } },
      );
      return axis === 1 ? y : e.node('Transpose', [y], { perm: movePerm(shape.length, axis) });
    },
    onnxImport: {
      ops: ['BatchNormalization'],
      read: (n) => {
        const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((i) => n.constant(i));
        if (!gamma || !beta || !mean || !variance) return { unsupported: 'scale, bias, mean and variance must be constants' };
        if (n.attr('training_mode', 0) === 1) return { unsupported: 'training_mode 1 (the running statistics as outputs)' };
        // ONNX's momentum is Gluon's: running = momentum·running + (1 − momentum)·batch.
        return {
          attrs: { axis: 1, epsilon: n.attr('epsilon', 1e-5), momentum: n.attr('momentum', 0.9) },
          params: { gamma, beta, running_mean: mean, running_var: variance },
        };
      },
    },
    code: {
      pytorch: {
        module: (s) => {
          const a = s.attrs;
          if ((a.center !== false) !== (a.scale !== false))
            throw new Error("PyTorch's BatchNorm has both gamma and beta (affine) or neither; center and scale differ here");
          const x = s.inputShapes[0]!;
          return (
            `nn.${torchBn(x.length)}(${channelsOf(a, x)}, eps=${String(a.epsilon)}, momentum=${String(1 - (a.momentum as number))}` +
            `${a.scale === false ? ', affine=False' : ''})`
          );
        },
        forward: (s) => {
          const axis = axisOf(s.attrs, s.inputShapes[0]!);
          const x = s.inputs[0]!;
          if (axis === 1) return `${s.self}(${x})`;
          const perm = movePerm(s.inputShapes[0]!.length, axis).join(', ');
          return `${s.self}(${x}.permute(${perm})).permute(${perm})`;
        },
        stateNames: { gamma: 'weight', beta: 'bias' },
      },
      gluon: {
        module: (s) => {
          const a = s.attrs;
          return (
            `nn.BatchNorm(axis=${String(a.axis)}, momentum=${String(a.momentum)}, epsilon=${String(a.epsilon)}, center=${a.center !== false ? 'True' : 'False'}, ` +
            `scale=${a.scale !== false ? 'True' : 'False'}, use_global_stats=${a.useGlobalStats ? 'True' : 'False'}, in_channels=${channelsOf(a, s.inputShapes[0]!)}, prefix='${s.prefix}')`
          );
        },
        forward: (s) => `${s.self}(${s.inputs[0]!})`,
      },
      typescript: {
        child: (s) => {
          const a = s.attrs;
          return {
            type: 'BatchNorm',
            make:
              `new BatchNorm({ axis: ${String(a.axis)}, momentum: ${String(a.momentum)}, epsilon: ${String(a.epsilon)}, ` +
              `center: ${a.center !== false}, scale: ${a.scale !== false}, useGlobalStats: ${a.useGlobalStats === true}, inChannels: ${channelsOf(a, s.inputShapes[0]!)}, prefix: '${s.prefix}' })`,
          };
        },
      },
    },
    create: (a, o) => new BatchNorm({ ...(a as BatchNormArgs), ...o }),
  };

  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly useGlobalStats: boolean;
  readonly gamma: Parameter | null;
  readonly beta: Parameter | null;
  readonly runningMean: Parameter;
  readonly runningVar: Parameter;

  constructor(args: BatchNormArgs = {}) {
    super(args);
    this.axis = args.axis ?? 1;
    this.momentum = args.momentum ?? 0.9;
    this.epsilon = args.epsilon ?? 1e-5;
    this.useGlobalStats = args.useGlobalStats ?? false;
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw modelErrors.block(this.name, `momentum must be in [0, 1], got ${this.momentum}.`);
    if (!(this.epsilon >= 0)) throw modelErrors.block(this.name, `epsilon must be ≥ 0, got ${this.epsilon}.`);
    const c = args.inChannels ?? 0;
    const make = (name: string, init: InitSpec, differentiable = true) =>
      this.params.get(name, { shape: [c], init, dtype: 'float32', allowDeferredInit: true, differentiable });
    this.gamma = args.scale === false ? null : make('gamma', args.gammaInitializer ?? 'ones');
    this.beta = args.center === false ? null : make('beta', args.betaInitializer ?? 'zeros');
    this.runningMean = make('running_mean', 'zeros', false);
    this.runningVar = make('running_var', 'ones', false);
  }

  override inferShape(x: NDArray): void {
    let c: number;
    try {
      c = x.shape[axisOf({ axis: this.axis }, x.shape)]!;
    } catch (error) {
      throw modelErrors.block(this.name, (error as Error).message);
    }
    for (const p of [this.gamma, this.beta, this.runningMean, this.runningVar]) {
      if (!p) continue;
      try {
        p.shape = [c];
      } catch {
        throw modelErrors.inputMismatch(this.name, p.name, pyTuple(p.shape!), pyTuple([c]));
      }
    }
  }

  override forward(x: NDArray): NDArray {
    this.ensureInitialized(x);
    const axis = axisOf({ axis: this.axis }, x.shape);
    const d = x.device;
    const moved = axis === 1 ? x : x.transpose(movePerm(x.ndim, axis));
    const y = batchNorm(moved, this.gamma?.data(d) ?? null, this.beta?.data(d) ?? null, this.runningMean.data(d), this.runningVar.data(d), {
      eps: this.epsilon,
      momentum: this.momentum,
      useGlobalStats: this.useGlobalStats,
    });
    return axis === 1 ? y : y.transpose(movePerm(x.ndim, axis));
  }

  /** In a hybridized plan (prediction mode) it is folded into the convolution before it where there is one. */
  override hybridUnits(): HybridUnit[] | null {
    if (this.forward !== BatchNorm.prototype.forward) return null;
    return [
      {
        kind: 'batchnorm',
        owner: this,
        gamma: this.gamma,
        beta: this.beta,
        mean: this.runningMean,
        variance: this.runningVar,
        eps: this.epsilon,
        axis: this.axis,
      },
    ];
  }

  override getConfig(): Record<string, unknown> {
    const c = this.runningMean.shape![0]!;
    return {
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.beta !== null,
      scale: this.gamma !== null,
      useGlobalStats: this.useGlobalStats,
      inChannels: c < 0 ? 0 : c,
    };
  }

  override toString(): string {
    return BatchNorm.spec.repr(this.getConfig(), this.runningMean.shapeIsKnown ? [1, ...this.runningMean.shape!] : undefined);
  }
}

/** The permutation swapping `axis` and 1 (its own inverse). */
function movePerm(rank: number, axis: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[1] = axis;
  perm[axis] = 1;
  return perm;
}
