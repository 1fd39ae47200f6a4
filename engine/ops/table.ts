// The op table: one row per differentiable op, its backward written in terms of other ops
// (tinygrad's pm_gradient, micrograd's _backward). Autograd reads it today; a graph compiler can
// read the same rows to build a backward plan. Rows receive the output gradient `gy` and the
// recorded node, and return one gradient (or null) per array input, already in that input's shape.

import { UNARY_OP } from '../backend/native-addon.ts';
import type { TapeNode } from '../autograd/tape.ts';
import { zeros } from '../ndarray/creation.ts';
import { binary, unary, unaryBackward, type UnaryAttrs, type UnaryName } from './elementwise.ts';
import { broadcastTo, reshape, sliceRegion, sumTo, transpose, writeRegion, type Region } from './layout.ts';
import { reduce, softmaxBackward, type ReduceAttrs, type SoftmaxAttrs } from './reduce.ts';
import { matmulCore, type LinearAttrs, type MatmulAttrs } from './linalg.ts';
import { convBackward, convTransposeBackward } from './conv.ts';
import { poolBackward } from './pool.ts';
import { batchNormBackward, layerNormBackward, type BatchNormAttrs, type LayerNormAttrs } from './normalization.ts';
import { recurrentLayerBackward, type RecurrentAttrs } from './recurrent.ts';
import { padBackward, type PadAttrs } from './pad.ts';
import { takeBackward, type TakeAttrs } from './take.ts';
import { native } from '../backend/backend.ts';
import { errors } from '../core/errors.ts';
import { NDArray } from '../ndarray/ndarray-core.ts';
import { DTYPE_INFO, isFloat } from '../ndarray/dtype.ts';
import { sameShape } from '../ndarray/shape.ts';
import { describe } from './operands.ts';

export interface OpRow {
  readonly name: string;
  /** Native kernel family the forward runs on (for tooling and the graph compiler). */
  readonly kernel: string;
  /**
   * `want[i]`: whether input i needs a gradient (rows may return null for the others and skip
   * their work). `dest[i]`, when given, is an array of input i's shape and dtype that the row may
   * write input i's gradient into and return (autograd passes a leaf's own .grad there).
   */
  backward(gy: NDArray, node: TapeNode, want: readonly boolean[], dest: readonly (NDArray | null)[]): (NDArray | null)[];
}

type Operand = NDArray | number;
type BinaryGrad = (gy: NDArray, a: Operand, b: Operand, out: NDArray, want: readonly [boolean, boolean]) => [Operand | null, Operand | null];

/** Binary rows see both operands (a JS number for the scalar side of x ⊕ 3) and reduce broadcasting. */
function binaryRow(name: string, grad: BinaryGrad): OpRow {
  return {
    name,
    kernel: 'binary',
    backward(gy, node) {
      const { inputs } = node;
      let a: Operand;
      let b: Operand;
      if (inputs.length === 2) {
        a = inputs[0]!;
        b = inputs[1]!;
      } else {
        const { scalar, scalarFirst } = node.attrs as { scalar: number; scalarFirst: boolean };
        a = scalarFirst ? scalar : inputs[0]!;
        b = scalarFirst ? inputs[0]! : scalar;
      }
      const [ga, gb] = grad(gy, a, b, node.output, [typeof a !== 'number', typeof b !== 'number']);
      const res: (NDArray | null)[] = [];
      if (typeof a !== 'number') res.push(ga === null || typeof ga === 'number' ? null : sumTo(ga, a.shape));
      if (typeof b !== 'number') res.push(gb === null || typeof gb === 'number' ? null : sumTo(gb, b.shape));
      return res;
    },
  };
}

const mul = (x: Operand, y: Operand): NDArray => binary('mul', x, y);
const div = (x: Operand, y: Operand): NDArray => binary('div', x, y);

function unaryRow(name: UnaryName): OpRow {
  return {
    name,
    kernel: `unary:${name}`,
    backward: (gy, n) => [unaryBackward(name, n.inputs[0]!, n.output, gy, (n.attrs as UnaryAttrs | null)?.alpha ?? 0)],
  };
}

/** gy of a reduction, reshaped with the reduced axes kept as 1 and broadcast back to x's shape. */
function spreadReduced(g: NDArray, x: NDArray, attrs: ReduceAttrs): NDArray {
  if (!attrs.keepdims)
    g = reshape(
      g,
      x.shape.map((d, i) => (attrs.axes.includes(i) ? 1 : d)),
    );
  return broadcastTo(g, x.shape);
}

function reducedCount(x: NDArray, attrs: ReduceAttrs): number {
  let n = 1;
  for (const a of attrs.axes) n *= x.shape[a]!;
  return n;
}

function extremumRow(name: 'max' | 'min'): OpRow {
  return {
    name,
    kernel: 'reduce',
    backward(gy, n) {
      const x = n.inputs[0]!;
      const attrs = n.attrs as ReduceAttrs;
      // Ties share the gradient equally, so the sum of the input gradient equals gy.
      const mask = binary('eq', x, spreadReduced(n.output, x, attrs));
      const ties = spreadReduced(reduce('sum', mask, attrs.axes, attrs.keepdims), x, attrs);
      return [div(mul(spreadReduced(gy, x, attrs), mask), ties)];
    },
  };
}

/**
 * Gradients of a recorded linear in one native call (linearBackward: the activation's derivative,
 * dx, dw, db through the same kernels as the unfused ops), skipping those nobody wants and writing
 * into `dest` where given; mixed dtypes take the op-by-op path.
 */
function linearBackward(gy: NDArray, n: TapeNode, want: readonly boolean[], dest: readonly (NDArray | null)[]): (NDArray | null)[] {
  const [x, w, b] = n.inputs as [NDArray, NDArray, NDArray | undefined];
  const act = (n.attrs as LinearAttrs | null)?.activation ?? null;
  const y = n.output;
  const dtype = y.dtype;
  const rows = x.shape[0]!;
  const inUnits = x.shape[1]!;
  const outUnits = w.shape[0]!;
  if (isFloat(dtype) && x.dtype === dtype && w.dtype === dtype && (!b || b.dtype === dtype) && gy.dtype === dtype) {
    const out = (i: number, shape: readonly number[]): NDArray | null => {
      if (!want[i]) return null;
      const d = dest[i];
      return d && sameShape(d.shape, shape) && d.dtype === dtype && d.device === y.device ? d : NDArray._alloc(shape, dtype, y.device, 'linear backward');
    };
    const dx = out(0, x.shape);
    const dw = out(1, w.shape);
    const db = b ? out(2, b.shape) : null;
    try {
      native().linearBackward(
        DTYPE_INFO[dtype].code,
        x.buffer,
        w.buffer,
        y.buffer,
        gy.buffer,
        act === null ? -1 : UNARY_OP[act],
        dx?.buffer ?? null,
        dw?.buffer ?? null,
        db?.buffer ?? null,
        rows,
        inUnits,
        outUnits,
      );
    } catch (e) {
      throw errors.fromNative('linear backward', e, describe(x, w));
    }
    return b ? [dx, dw, db] : [dx, dw];
  }
  const g = act === null ? gy : unaryBackward(act, y, y, gy);
  const grads: (NDArray | null)[] = [
    want[0] ? matmulCore('linear backward', g, w, false, false) : null,
    want[1] ? matmulCore('linear backward', g, x, true, false) : null,
  ];
  if (b) grads.push(want[2] ? reduce('sum', g, 0, false) : null);
  return grads;
}

const rows: OpRow[] = [
  binaryRow('add', (gy) => [gy, gy]),
  binaryRow('sub', (gy) => [gy, unary('neg', gy)]),
  binaryRow('mul', (gy, a, b) => [mul(gy, b), mul(gy, a)]),
  // d(a/b)/db = -a/b² = -out/b
  binaryRow('div', (gy, _a, b, out, want) => [div(gy, b), want[1] ? unary('neg', div(mul(gy, out), b)) : null]),
  binaryRow('pow', (gy, a, b, out, want) => [
    want[0] ? mul(mul(gy, b), binary('pow', a, typeof b === 'number' ? b - 1 : binary('sub', b, 1))) : null,
    want[1] ? mul(mul(gy, out), typeof a === 'number' ? Math.log(a) : unary('log', a)) : null,
  ]),
  binaryRow('maximum', (gy, a, b) => [mul(gy, binary('ge', a, b)), mul(gy, binary('lt', a, b))]),
  binaryRow('minimum', (gy, a, b) => [mul(gy, binary('le', a, b)), mul(gy, binary('gt', a, b))]),
  ...(Object.keys(UNARY_OP) as UnaryName[]).map(unaryRow),
  { name: 'copy', kernel: 'copyBytes', backward: (gy) => [gy] },
  { name: 'astype', kernel: 'cast', backward: (gy, n) => [gy.astype(n.inputs[0]!.dtype)] },
  { name: 'reshape', kernel: 'view', backward: (gy, n) => [reshape(gy, n.inputs[0]!.shape)] },
  {
    name: 'transpose',
    kernel: 'copyStrided',
    backward(gy, n) {
      const perm = n.attrs as number[];
      const inverse = new Array<number>(perm.length);
      perm.forEach((p, i) => {
        inverse[p] = i;
      });
      return [transpose(gy, inverse)];
    },
  },
  { name: 'broadcastTo', kernel: 'copyStrided', backward: (gy, n) => [sumTo(gy, n.inputs[0]!.shape)] },
  {
    name: 'slice',
    kernel: 'copyStrided',
    backward(gy, n) {
      const x = n.inputs[0]!;
      const g = zeros(x.shape, { dtype: gy.dtype, device: gy.device });
      writeRegion('slice backward', g, n.attrs as Region, gy);
      return [g];
    },
  },
  {
    name: 'concat',
    kernel: 'copyStrided',
    backward(gy, n) {
      const { axis, sizes } = n.attrs as { axis: number; sizes: number[] };
      let at = 0;
      return sizes.map((len) => {
        const r: Region = { begins: gy.shape.map(() => 0), steps: gy.shape.map(() => 1), shape: gy.shape.slice() };
        r.begins[axis] = at;
        r.shape[axis] = len;
        at += len;
        return sliceRegion(gy, r);
      });
    },
  },
  { name: 'sum', kernel: 'reduce', backward: (gy, n) => [spreadReduced(gy, n.inputs[0]!, n.attrs as ReduceAttrs)] },
  {
    name: 'mean',
    kernel: 'reduce',
    backward(gy, n) {
      const x = n.inputs[0]!;
      const attrs = n.attrs as ReduceAttrs;
      return [div(spreadReduced(gy, x, attrs), reducedCount(x, attrs))];
    },
  },
  extremumRow('max'),
  extremumRow('min'),
  {
    // d(prod)/dx_i = prod / x_i (undefined where x_i = 0, as in MXNet's prod backward).
    name: 'prod',
    kernel: 'reduce',
    backward(gy, n) {
      const x = n.inputs[0]!;
      const attrs = n.attrs as ReduceAttrs;
      return [div(mul(spreadReduced(gy, x, attrs), spreadReduced(n.output, x, attrs)), x)];
    },
  },
  { name: 'softmax', kernel: 'softmax', backward: (gy, n) => [softmaxBackward(n.output, gy, n.attrs as SoftmaxAttrs, false)] },
  { name: 'logSoftmax', kernel: 'softmax', backward: (gy, n) => [softmaxBackward(n.output, gy, n.attrs as SoftmaxAttrs, true)] },
  {
    name: 'matmul',
    kernel: 'matmul',
    backward(gy, n, want) {
      const [a, b] = n.inputs as [NDArray, NDArray];
      const { a2, b2, out2 } = n.attrs as MatmulAttrs;
      const g2 = reshape(gy, out2);
      const av = reshape(a, a2);
      const bv = reshape(b, b2);
      return [
        want[0] ? reshape(sumTo(matmulCore('matmul backward', g2, bv, false, true), a2), a.shape) : null,
        want[1] ? reshape(sumTo(matmulCore('matmul backward', av, g2, true, false), b2), b.shape) : null,
      ];
    },
  },
  {
    // out[N, out] = act(x[N, in] · w[out, in]ᵀ + b), act fused (relu, sigmoid, tanh: derived from out) or none.
    name: 'linear',
    kernel: 'linear',
    backward: linearBackward,
  },
  // y = act(conv(x, w) + b): dx through convolutionBackwardData, dw and db in one convolutionBackwardWeights.
  { name: 'conv', kernel: 'convolution', backward: convBackward },
  // The adjoint of conv: dx is conv(gy, w), dw conv's weight gradient with x and gy swapped.
  { name: 'convTranspose', kernel: 'convolutionBackwardData', backward: convTransposeBackward },
  { name: 'pool', kernel: 'pooling', backward: poolBackward },
  {
    // inputs [x, gamma?, beta?]; the running statistics are not inputs: they get no gradient.
    name: 'batchNorm',
    kernel: 'batchNorm',
    backward(gy, n, want) {
      const a = n.attrs as BatchNormAttrs;
      return batchNormBackward(gy, n.inputs[0]!, a.hasGamma ? n.inputs[1]! : null, a, want);
    },
  },
  {
    name: 'layerNorm',
    kernel: 'layerNorm',
    backward(gy, n, want) {
      const a = n.attrs as LayerNormAttrs;
      return layerNormBackward(gy, n.inputs[0]!, a.hasGamma ? n.inputs[1]! : null, a, want);
    },
  },
  {
    // inputs [x, wIh, wHh, bIh, bHh, h0?, c0?]; the output is the packed [y | hn | cn].
    name: 'recurrentLayer',
    kernel: 'recurrent',
    backward: (gy, n, want) => recurrentLayerBackward(gy, n.inputs, n.output, n.attrs as RecurrentAttrs, want),
  },
  { name: 'pad', kernel: 'pad', backward: (gy, n) => [padBackward(gy, n.inputs[0]!, n.attrs as PadAttrs)] },
  // The indices are an attribute (no gradient); the table's gradient is a scatter-add.
  { name: 'take', kernel: 'take', backward: (gy, n) => [takeBackward(gy, n.inputs[0]!, n.attrs as TakeAttrs)] },
];

export const OP_TABLE: ReadonlyMap<string, OpRow> = new Map(rows.map((r) => [r.name, r]));
