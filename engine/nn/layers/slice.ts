// Slice: positions [begin, end) along one axis (Gluon's slice_axis; numpy x[..., begin:end]).
// With Concat (which joins along an axis) it splits and rejoins sequences and feature groups:
// one Slice per part. end null runs to the end; negative bounds count from the end.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { Block, type BlockOptions } from '../block.ts';
import type { HybridUnit } from '../hybrid-units.ts';
import { sequenceAxis } from './sequence-helpers.ts';
import { ONE_INPUT, ONE_OUTPUT, shapeRule, type Attrs, type LayerSpec, type ShapeLike } from './layer-spec.ts';

/** [begin, end) resolved against the axis' length (Python's clamping). */
function bounds(a: Attrs, len: number): [number, number] {
  const resolve = (v: number): number => Math.min(Math.max(v < 0 ? v + len : v, 0), len);
  const b = resolve(a.begin as number);
  const e = a.end === null || a.end === undefined ? len : resolve(a.end as number);
  return [b, Math.max(e, b)];
}

function sliceShape(a: Attrs, x: ShapeLike): number[] {
  const axis = sequenceAxis('Slice', a.axis as number, x);
  if (!Number.isInteger(a.begin) || (a.end !== null && a.end !== undefined && !Number.isInteger(a.end))) {
    throw new Error(`Slice's begin and end must be integers (end may be null), got ${String(a.begin)} and ${String(a.end)}`);
  }
  const len = x[axis]!;
  if (len < 0) return x.map((d, i) => (i === axis ? -1 : d));
  const [b, e] = bounds(a, len);
  if (e === b) throw new Error(`Slice [${String(a.begin)}, ${String(a.end)}) of axis ${axis} (length ${len}) is empty`);
  return x.map((d, i) => (i === axis ? e - b : d));
}

const pyEnd = (a: Attrs): string => (a.end === null || a.end === undefined ? '' : String(a.end));

export class Slice extends Block {
  static readonly spec: LayerSpec = {
    kind: 'Slice',
    category: 'sequence',
    doc: 'Keeps positions [begin, end) of one axis (a split is one Slice per part; Concat joins them back).',
    attrs: [
      { name: 'axis', type: 'int', default: 1, doc: 'the axis to slice (negative counts from the end)' },
      { name: 'begin', type: 'int', default: 0, doc: 'first position kept (negative counts from the end)' },
      { name: 'end', type: 'int', default: null, doc: 'one past the last position kept; empty = to the end' },
    ],
    inputs: ONE_INPUT,
    outputs: ONE_OUTPUT,
    params: [],
    outputShape: (a, [x]) => sliceShape(a, x!),
    repr: (a) => `Slice(axis=${String(a.axis)}, begin=${String(a.begin)}, end=${a.end === null ? 'None' : String(a.end)})`,
    onnx: (e) => {
      const axis = sequenceAxis('Slice', e.attrs.axis as number, e.inputShapes[0]!);
      const end = e.attrs.end === null ? 2 ** 62 : (e.attrs.end as number);
      return e.node('Slice', [e.inputs[0]!, e.ints([e.attrs.begin as number]), e.ints([end]), e.ints([axis])]);
    },
    code: {
      pytorch: {
        forward: (s) => {
          const axis = sequenceAxis('Slice', s.attrs.axis as number, s.inputShapes[0]!);
          return `${s.inputs[0]!}[${':, '.repeat(axis)}${String(s.attrs.begin)}:${pyEnd(s.attrs)}]`;
        },
      },
      gluon: {
        forward: (s) =>
          `nd.slice_axis(${s.inputs[0]!}, axis=${String(s.attrs.axis)}, begin=${String(s.attrs.begin)}, end=${s.attrs.end === null ? 'None' : String(s.attrs.end)})`,
      },
      typescript: {
        child: (s) => ({
          type: 'Slice',
          make: `new Slice(${String(s.attrs.axis)}, ${String(s.attrs.begin)}, ${s.attrs.end === null ? 'null' : String(s.attrs.end)}, { prefix: '${s.prefix}' })`,
        }),
      },
    },
    create: (a, o) => new Slice(a.axis as number, a.begin as number, (a.end as number | null) ?? null, o),
  };

  readonly axis: number;
  readonly begin: number;
  readonly end: number | null;

  constructor(axis = 1, begin = 0, end: number | null = null, options: BlockOptions = {}) {
    super(options);
    this.axis = axis;
    this.begin = begin;
    this.end = end;
  }

  override forward(x: NDArray): NDArray {
    const attrs = this.getConfig();
    shapeRule(this.name, () => sliceShape(attrs, x.shape));
    const axis = sequenceAxis('Slice', this.axis, x.shape);
    const [b, e] = bounds(attrs, x.shape[axis]!);
    return x.slice(...x.shape.map((_, i): [number, number] | null => (i === axis ? [b, e] : null)));
  }

  override hybridUnits(): HybridUnit[] | null {
    if (this.forward !== Slice.prototype.forward) return null;
    return [{ kind: 'slice', owner: this, axis: this.axis, range: (len) => bounds(this.getConfig(), len) }];
  }

  override getConfig(): Record<string, unknown> {
    return { axis: this.axis, begin: this.begin, end: this.end };
  }
}
