// What the pooling kinds share (MaxPool1D/2D, AvgPool1D/2D, Gluon's names and defaults): the
// window attributes, the output-size rule (ceil mode as PyTorch: a last window must start inside
// the input or its left padding), ONNX (MaxPool / AveragePool), code, and the layer over the ops
// layer's pool (oneDNN on the CPU, CUDA kernels on a GPU).

import type { NDArray } from '../../ndarray/ndarray.ts';
import { pool } from '../../ops/pool.ts';
import { Block, type BlockOptions } from '../block.ts';
import type { HybridUnit } from '../hybrid-units.ts';
import { modelErrors, pyTuple } from '../model-errors.ts';
import { intsAttr, windowPads } from './onnx-read.ts';
import { ONE_INPUT, ONE_OUTPUT, perAxis, product, shapeRule, type Attrs, type LayerSpec, type ShapeLike } from './layer-spec.ts';

export type PoolMode = 'max' | 'avg';
export type Spatial = 1 | 2;

export interface PoolArgs extends BlockOptions {
  /** The step; default (null) the window size. */
  strides?: number | readonly number[] | null;
  padding?: number | readonly number[];
  ceilMode?: boolean;
  /** Average pooling: count the zero padding in the divisor (default true, as Gluon and PyTorch). */
  countIncludePad?: boolean;
}

interface Window {
  size: number[];
  strides: number[];
  padding: number[];
  ceilMode: boolean;
  countIncludePad: boolean;
}

const LAYOUT = { 1: '(N, C, W)', 2: '(N, C, H, W)' } as const;

function windowOf(a: Attrs, nd: number): Window {
  const size = perAxis('poolSize', a.poolSize, nd, 1);
  const padding = perAxis('padding', a.padding ?? 0, nd, 0);
  padding.forEach((p, i) => {
    if (2 * p > size[i]!) throw new Error(`padding ${p} must be at most half the window (${size[i]}) along axis ${i + 2}`);
  });
  return {
    size,
    strides:
      a.strides === null || a.strides === undefined || (Array.isArray(a.strides) && a.strides.length === 0) ? size : perAxis('strides', a.strides, nd, 1),
    padding,
    ceilMode: a.ceilMode === true,
    countIncludePad: a.countIncludePad !== false,
  };
}

export function pooledShape(kind: string, nd: Spatial, a: Attrs, x: ShapeLike): number[] {
  if (x.length !== nd + 2) throw new Error(`${kind} expects ${LAYOUT[nd]}, got (${x.map((d) => (d < 0 ? 'N' : d)).join(', ')})`);
  const w = windowOf(a, nd);
  return [
    x[0]!,
    x[1]!,
    ...x.slice(2).map((len, i) => {
      if (len < 0) return -1;
      const [k, s, p] = [w.size[i]!, w.strides[i]!, w.padding[i]!];
      if (len + 2 * p < k) throw new Error(`${kind}: the window (${k}) is larger than the padded input (${len} + 2·${p}) along axis ${i + 2}`);
      let out = Math.floor((len + 2 * p - k + (w.ceilMode ? s - 1 : 0)) / s) + 1;
      if (w.ceilMode && (out - 1) * s >= len + p) out -= 1; // the last window must start inside the input or its left padding
      return out;
    }),
  ];
}

export function poolSpec(kind: string, mode: PoolMode, nd: Spatial, create: (a: Attrs, o: BlockOptions) => Block): LayerSpec {
  const pair = new Array<number>(nd).fill(2);
  const zeros = new Array<number>(nd).fill(0);
  const torch = `F.${mode}_pool${nd}d`;
  return {
    kind,
    category: 'pooling',
    doc: `${mode === 'max' ? 'Maximum' : 'Mean'} over a sliding window of ${LAYOUT[nd]} inputs, per channel.`,
    attrs: [
      { name: 'poolSize', type: 'intList', default: pair, doc: 'the window per spatial axis' },
      { name: 'strides', type: 'intList', default: null, doc: 'the step per spatial axis (empty: the window size)' },
      { name: 'padding', type: 'intList', default: zeros, doc: 'implicit padding on both sides (at most half the window)' },
      { name: 'ceilMode', type: 'bool', default: false, doc: 'round the output size up (a last partial window)' },
      ...(mode === 'avg' ? [{ name: 'countIncludePad', type: 'bool' as const, default: true, doc: "count the padding in the mean's divisor" }] : []),
    ],
    inputs: ONE_INPUT,
    outputs: ONE_OUTPUT,
    params: [],
    outputShape: (a, [x]) => pooledShape(kind, nd, a, x!),
    // One comparison or addition per window element and output (unknown batch counts as 1).
    flops: (a, [x]) => pooledShape(kind, nd, a, x!).reduce((p, d) => p * Math.max(d, 1), 1) * product(windowOf(a, nd).size),
    repr: (a) => {
      const w = windowOf(a, nd);
      return (
        `${kind}(size=${pyTuple(w.size)}, stride=${pyTuple(w.strides)}, padding=${pyTuple(w.padding)}, ceil_mode=${w.ceilMode ? 'True' : 'False'}` +
        `, global_pool=False, pool_type=${mode}, layout=${nd === 2 ? 'NCHW' : 'NCW'}${mode === 'avg' ? `, count_include_pad=${w.countIncludePad ? 'True' : 'False'}` : ''})`
      );
    },
    onnx: (e) => {
      const w = windowOf(e.attrs, nd);
      return e.node(mode === 'max' ? 'MaxPool' : 'AveragePool', [e.inputs[0]!], {
        kernel_shape: w.size,
        strides: w.strides,
        pads: [...w.padding, ...w.padding],
        ceil_mode: w.ceilMode ? 1 : 0,
        ...(mode === 'avg' ? { count_include_pad: w.countIncludePad ? 1 : 0 } : {}),
      });
    },
    onnxImport: {
      ops: [mode === 'max' ? 'MaxPool' : 'AveragePool'],
      read: (n) => {
        const size = n.attr<number[]>('kernel_shape', []);
        if (size.length !== nd) return { unsupported: `a ${size.length}-d window, not ${nd}-d` };
        const strides = intsAttr(n, 'strides', nd, 1);
        const dilation = intsAttr(n, 'dilations', nd, 1);
        if (!strides || !dilation || dilation.some((d) => d !== 1)) return { unsupported: 'dilated pooling windows' };
        if (n.attr('storage_order', 0) !== 0) return { unsupported: 'storage_order 1' };
        const pads = windowPads(n, size, strides, dilation);
        if ('unsupported' in pads) return pads;
        if (pads.prePad) return { unsupported: 'asymmetric pads on a pooling window' };
        return {
          attrs: {
            poolSize: size,
            strides,
            padding: pads.padding,
            ceilMode: n.attr('ceil_mode', 0) === 1,
            ...(mode === 'avg' ? { countIncludePad: n.attr('count_include_pad', 0) === 1 } : {}),
          },
        };
      },
    },
    code: {
      pytorch: {
        forward: (s) => {
          const w = windowOf(s.attrs, nd);
          return (
            `${torch}(${s.inputs[0]!}, ${pyTuple(w.size)}, stride=${pyTuple(w.strides)}, padding=${pyTuple(w.padding)}, ceil_mode=${w.ceilMode ? 'True' : 'False'}` +
            `${mode === 'avg' ? `, count_include_pad=${w.countIncludePad ? 'True' : 'False'}` : ''})`
          );
        },
      },
      gluon: {
        module: (s) => {
          const w = windowOf(s.attrs, nd);
          return (
            `nn.${kind}(pool_size=${pyTuple(w.size)}, strides=${pyTuple(w.strides)}, padding=${pyTuple(w.padding)}, ceil_mode=${w.ceilMode ? 'True' : 'False'}` +
            `${mode === 'avg' ? `, count_include_pad=${w.countIncludePad ? 'True' : 'False'}` : ''}, prefix='${s.prefix}')`
          );
        },
        forward: (s) => `${s.self}(${s.inputs[0]!})`,
      },
      typescript: {
        child: (s) => {
          const w = windowOf(s.attrs, nd);
          return {
            type: kind,
            make:
              `new ${kind}([${w.size.join(', ')}], { strides: [${w.strides.join(', ')}], padding: [${w.padding.join(', ')}], ` +
              `ceilMode: ${w.ceilMode}${mode === 'avg' ? `, countIncludePad: ${w.countIncludePad}` : ''}, prefix: '${s.prefix}' })`,
          };
        },
      },
    },
    create,
  };
}

/** The layer every pooling kind is. */
export abstract class PoolLayer extends Block {
  private readonly window: Window;

  protected constructor(
    readonly kind: string,
    readonly mode: PoolMode,
    readonly nd: Spatial,
    poolSize: number | readonly number[],
    args: PoolArgs,
  ) {
    super(args);
    try {
      this.window = windowOf(
        { poolSize, strides: args.strides ?? null, padding: args.padding ?? 0, ceilMode: args.ceilMode, countIncludePad: args.countIncludePad },
        nd,
      );
    } catch (error) {
      throw modelErrors.block(this.name, (error as Error).message);
    }
  }

  override forward(x: NDArray): NDArray {
    const w = this.window;
    shapeRule(this.name, () => pooledShape(this.kind, this.nd, this.getConfig(), x.shape));
    return pool(x, { mode: this.mode, kernel: w.size, strides: w.strides, padding: w.padding, ceilMode: w.ceilMode, countIncludePad: w.countIncludePad });
  }

  override hybridUnits(): HybridUnit[] | null {
    if (this.nd > 2 || this.forward !== PoolLayer.prototype.forward) return null;
    const w = this.window;
    return [
      {
        kind: 'pool',
        owner: this,
        options: { mode: this.mode, kernel: w.size, strides: w.strides, padding: w.padding, ceilMode: w.ceilMode, countIncludePad: w.countIncludePad },
      },
    ];
  }

  override getConfig(): Record<string, unknown> {
    const w = this.window;
    return {
      poolSize: w.size,
      strides: w.strides,
      padding: w.padding,
      ceilMode: w.ceilMode,
      ...(this.mode === 'avg' ? { countIncludePad: w.countIncludePad } : {}),
    };
  }

  override toString(): string {
    return (this.constructor as unknown as { spec: LayerSpec }).spec.repr(this.getConfig());
  }
}
