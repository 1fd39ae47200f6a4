// What the global pooling kinds share: the mean or the maximum over every spatial axis, kept as
// size-1 axes as Gluon does — (N, C, H, W) → (N, C, 1, 1), (N, C, W) → (N, C, 1).

import type { NDArray } from '../../ndarray/ndarray.ts';
import { Block, type BlockOptions } from '../block.ts';
import type { HybridUnit } from '../hybrid-units.ts';
import { ONE_INPUT, ONE_OUTPUT, shapeRule, type LayerSpec, type ShapeLike } from './layer-spec.ts';

type Mode = 'avg' | 'max';
const LAYOUT = { 1: '(N, C, W)', 2: '(N, C, H, W)' } as const;

/** Checks the rank ("GlobalAvgPool2D expects (N, C, H, W), got (N, 784)") and gives the pooled shape. */
export function globalPooledShape(kind: string, spatial: 1 | 2, x: ShapeLike): number[] {
  if (x.length !== spatial + 2) throw new Error(`${kind} expects ${LAYOUT[spatial]}, got (${x.map((d) => (d < 0 ? 'N' : d)).join(', ')})`);
  return [x[0]!, x[1]!, ...new Array<number>(spatial).fill(1)];
}

export function globalPoolSpec(kind: string, mode: Mode, spatial: 1 | 2, create: (o: BlockOptions) => Block): LayerSpec {
  const torch = `F.adaptive_${mode}_pool${spatial}d`;
  return {
    kind,
    category: 'pooling',
    doc: `${mode === 'avg' ? 'Mean' : 'Maximum'} over every spatial position of each channel: ${LAYOUT[spatial]} → (N, C${', 1'.repeat(spatial)}).`,
    attrs: [],
    inputs: ONE_INPUT,
    outputs: ONE_OUTPUT,
    params: [],
    outputShape: (_a, [x]) => globalPooledShape(kind, spatial, x!),
    flops: (_a, [x]) => Math.abs(x!.reduce((p, d) => p * Math.max(d, 1), 1)),
    repr: () => `${kind}(size=(${'1, '.repeat(spatial - 1)}1), stride=(), padding=(), ceil_mode=True, global_pool=True, pool_type=${mode})`,
    onnx: (e) => e.node(mode === 'avg' ? 'GlobalAveragePool' : 'GlobalMaxPool', [e.inputs[0]!]),
    onnxImport: {
      ops: [mode === 'avg' ? 'GlobalAveragePool' : 'GlobalMaxPool'],
      read: (n) => (n.inputShape(0)?.length === spatial + 2 ? { attrs: {} } : { unsupported: `the input is not ${spatial}-d` }),
    },
    code: {
      pytorch: { forward: (s) => `${torch}(${s.inputs[0]!}, 1)` },
      gluon: { forward: (s) => `nd.Pooling(${s.inputs[0]!}, kernel=(${'1, '.repeat(spatial)}), global_pool=True, pool_type='${mode}')` },
      typescript: { child: (s) => ({ type: kind, make: `new ${kind}({ prefix: '${s.prefix}' })` }) },
    },
    create: (_a, o) => create(o),
  };
}

/** The layer every global pooling kind is. */
export class GlobalPool extends Block {
  constructor(
    readonly kind: string,
    readonly mode: Mode,
    readonly spatial: 1 | 2,
    options: BlockOptions = {},
  ) {
    super(options);
  }

  override forward(x: NDArray): NDArray {
    shapeRule(this.name, () => globalPooledShape(this.kind, this.spatial, x.shape));
    const axes = this.spatial === 2 ? [2, 3] : [2];
    return this.mode === 'avg' ? x.mean(axes, true) : x.max(axes, true);
  }

  override hybridUnits(): HybridUnit[] | null {
    if (this.spatial > 2 || this.forward !== GlobalPool.prototype.forward) return null;
    return [{ kind: 'pool', owner: this, options: { mode: this.mode, global: true } }];
  }

  override toString(): string {
    return `${this.kind}(size=(${'1, '.repeat(this.spatial - 1)}1), stride=(), padding=(), ceil_mode=True, global_pool=True, pool_type=${this.mode})`;
  }
}
