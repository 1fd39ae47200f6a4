// Pad: the spatial axes of (N, C, W) / (N, C, H, W) / (N, C, D, H, W) padded with zeros (or a
// constant), by reflection, or by replicating the edge. ONNX Pad; PyTorch F.pad (which lists the
// last axis first).

import type { NDArray } from '../../ndarray/ndarray.ts';
import { pad } from '../../ops/pad.ts';
import { Block, type BlockOptions } from '../block.ts';
import type { HybridUnit } from '../hybrid-units.ts';
import { pyTuple } from '../model-errors.ts';
import { ONE_INPUT, ONE_OUTPUT, shapeRule, type Attrs, type LayerSpec, type ShapeLike } from './layer-spec.ts';

export type PadMode = 'constant' | 'reflect' | 'replicate';

export interface PadArgs extends BlockOptions {
  mode?: PadMode;
  value?: number;
}

/** [before, after] per spatial axis from the attribute: one number per axis (both sides) or two (before, after). */
export function padPairs(padding: readonly number[], x: ShapeLike): [number, number][] {
  const spatial = x.length - 2;
  if (spatial < 1 || spatial > 3)
    throw new Error(`Pad expects (N, C, W), (N, C, H, W) or (N, C, D, H, W), got (${x.map((d) => (d < 0 ? 'N' : d)).join(', ')})`);
  if (padding.some((p) => !Number.isInteger(p) || p < 0)) throw new Error(`Pad's padding ${pyTuple(padding)} must be non-negative integers`);
  if (padding.length === spatial) return padding.map((p) => [p, p]);
  if (padding.length === 2 * spatial) return Array.from({ length: spatial }, (_, i) => [padding[2 * i]!, padding[2 * i + 1]!]);
  throw new Error(`Pad's padding ${pyTuple(padding)} must give ${spatial} values (both sides) or ${2 * spatial} (before, after per axis)`);
}

function paddedShape(a: Attrs, x: ShapeLike): number[] {
  const pairs = padPairs(a.padding as number[], x);
  return [
    x[0]!,
    x[1]!,
    ...x.slice(2).map((d, i) => {
      const [b, e] = pairs[i]!;
      if (a.mode === 'reflect' && d > 0 && (b >= d || e >= d)) throw new Error(`reflect padding (${b}, ${e}) must be smaller than the axis (${d})`);
      return d < 0 ? -1 : d + b + e;
    }),
  ];
}

export class Pad extends Block {
  static readonly spec: LayerSpec = {
    kind: 'Pad',
    category: 'shape',
    doc: 'Pads the spatial axes: zeros (or a constant), reflection, or the edge replicated.',
    attrs: [
      { name: 'padding', type: 'intList', default: [1, 1], doc: 'per spatial axis: one value (both sides) or before, after' },
      { name: 'mode', type: 'enum', choices: ['constant', 'reflect', 'replicate'], default: 'constant', doc: 'what fills the border' },
      { name: 'value', type: 'float', default: 0, doc: 'the fill of constant mode' },
    ],
    inputs: ONE_INPUT,
    outputs: ONE_OUTPUT,
    params: [],
    outputShape: (a, [x]) => paddedShape(a, x!),
    repr: (a) => `Pad(padding=${pyTuple(a.padding as number[])}, mode=${String(a.mode)})`,
    onnx: (e) => {
      const pairs = padPairs(e.attrs.padding as number[], e.inputShapes[0]!);
      const pads = e.ints([0, 0, ...pairs.map(([b]) => b), 0, 0, ...pairs.map(([, a]) => a)]);
      const mode = e.attrs.mode === 'replicate' ? 'edge' : String(e.attrs.mode);
      return e.node('Pad', mode === 'constant' ? [e.inputs[0]!, pads, e.constant([e.attrs.value as number])] : [e.inputs[0]!, pads], { mode });
    },
    onnxImport: {
      ops: ['Pad'],
      read: (n) => {
        const pads = n.opset >= 11 ? n.constant(1)?.values : Float64Array.from(n.attr<number[]>('pads', []));
        if (!pads) return { unsupported: 'the pads are computed at run time, not a constant' };
        const rank = pads.length / 2;
        if (n.inputCount > 3 && n.constant(3) === null && n.opset >= 18) return { unsupported: 'axes computed at run time' };
        if (rank < 3 || pads[0] || pads[1] || pads[rank] || pads[rank + 1]) return { unsupported: 'padding of the batch or channel axis' };
        if (pads.some((p) => p < 0)) return { unsupported: 'negative pads (cropping)' };
        const mode = n.attr('mode', 'constant');
        if (!['constant', 'reflect', 'edge'].includes(mode)) return { unsupported: `mode ${mode}` };
        const value = n.opset >= 11 ? (n.inputCount > 2 ? n.constant(2)?.values[0] : 0) : n.attr('value', 0);
        if (value === undefined) return { unsupported: 'a fill value computed at run time' };
        const padding = Array.from({ length: rank - 2 }, (_, i) => [pads[i + 2]!, pads[rank + i + 2]!]).flat();
        return { attrs: { padding, mode: mode === 'edge' ? 'replicate' : mode, value } };
      },
    },
    code: {
      // F.pad lists (before, after) from the last axis to the first.
      pytorch: {
        forward: (s) => {
          const flat = [...padPairs(s.attrs.padding as number[], s.inputShapes[0]!)].reverse().flat();
          return `F.pad(${s.inputs[0]!}, ${pyTuple(flat)}, mode='${String(s.attrs.mode)}'${s.attrs.mode === 'constant' ? `, value=${String(s.attrs.value)}` : ''})`;
        },
      },
      gluon: {
        forward: (s) => {
          const pairs = padPairs(s.attrs.padding as number[], s.inputShapes[0]!);
          const mode = s.attrs.mode === 'replicate' ? 'edge' : String(s.attrs.mode);
          return `nd.pad(${s.inputs[0]!}, mode='${mode}', pad_width=${pyTuple([0, 0, 0, 0, ...pairs.flat()])}${mode === 'constant' ? `, constant_value=${String(s.attrs.value)}` : ''})`;
        },
      },
      typescript: {
        child: (s) => ({
          type: 'Pad',
          make: `new Pad([${(s.attrs.padding as number[]).join(', ')}], { mode: '${String(s.attrs.mode)}', value: ${String(s.attrs.value)}, prefix: '${s.prefix}' })`,
        }),
      },
    },
    create: (a, o) => new Pad(a.padding as number[], { ...(a as PadArgs), ...o }),
  };

  readonly padding: readonly number[];
  readonly mode: PadMode;
  readonly value: number;

  constructor(padding: readonly number[], args: PadArgs = {}) {
    super(args);
    this.padding = [...padding];
    this.mode = args.mode ?? 'constant';
    this.value = args.value ?? 0;
  }

  override forward(x: NDArray): NDArray {
    shapeRule(this.name, () => paddedShape(this.getConfig(), x.shape));
    return pad(x, { pads: padPairs(this.padding, x.shape), mode: this.mode, value: this.value });
  }

  override hybridUnits(): HybridUnit[] | null {
    if (this.forward !== Pad.prototype.forward) return null;
    return [{ kind: 'pad', owner: this, pairs: (x) => padPairs(this.padding, x), mode: this.mode, value: this.value }];
  }

  override getConfig(): Record<string, unknown> {
    return { padding: [...this.padding], mode: this.mode, value: this.value };
  }

  override toString(): string {
    return Pad.spec.repr(this.getConfig());
  }
}
