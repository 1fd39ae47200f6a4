// A code block to ONNX by tracing: the forward runs once on arrays of the input shapes and each
// engine call it makes is also written as ONNX nodes through the layer's emitter. That is exact
// when the calls do not depend on the data; a call that reads values to decide what to compute
// (item(), as FancyMLP's loop does) or one with no ONNX counterpart refuses the export, saying why.

import { NDArray } from '../ndarray/ndarray.ts';
import type { OnnxEmitter } from '../nn/layers/layer-spec.ts';
import type { ApiRequest } from './engine-api.ts';

const BINARY: Readonly<Record<string, string>> = {
  add: 'Add',
  sub: 'Sub',
  subtract: 'Sub',
  mul: 'Mul',
  multiply: 'Mul',
  div: 'Div',
  divide: 'Div',
  pow: 'Pow',
  power: 'Pow',
  maximum: 'Max',
  minimum: 'Min',
  dot: 'MatMul',
  matmul: 'MatMul',
};
const UNARY: Readonly<Record<string, string>> = {
  neg: 'Neg',
  negative: 'Neg',
  abs: 'Abs',
  exp: 'Exp',
  log: 'Log',
  sqrt: 'Sqrt',
  tanh: 'Tanh',
  relu: 'Relu',
  sigmoid: 'Sigmoid',
  sign: 'Sign',
};
const REDUCE: Readonly<Record<string, string>> = { sum: 'ReduceSum', mean: 'ReduceMean', max: 'ReduceMax', min: 'ReduceMin', prod: 'ReduceProd' };

export class OnnxTracer {
  private readonly names = new Map<NDArray, string>();
  /** Why the trace cannot stand for the code (set even when the code catches the error it gets). */
  refusal: string | null = null;

  constructor(private readonly e: OnnxEmitter) {}

  bind(x: NDArray, name: string): void {
    this.names.set(x, name);
  }

  /** The ONNX value of an operand: a traced array, or a constant (a number, or an array the code made from numbers). */
  nameOf(v: unknown): string {
    if (v instanceof NDArray) {
      const known = this.names.get(v);
      if (known !== undefined) return known;
      const name = this.e.constant([...v.astype('float32').toTyped()].map(Number), [...v.shape]);
      this.names.set(v, name);
      return name;
    }
    if (typeof v === 'number') return this.e.constant([v]);
    throw this.refuse(`an operand of type ${typeof v} has no ONNX value`);
  }

  private refuse(why: string): Error {
    this.refusal ??= why;
    return new Error(why);
  }

  /** Writes one engine call (already run on real arrays, giving `result`) as ONNX nodes. */
  record(req: ApiRequest, target: NDArray | null, args: unknown[], result: unknown): void {
    const name = req.name;
    const operands = target ? [target, ...args] : args;
    if (name === 'item') {
      throw this.refuse('the code reads a value with item() to decide what to compute (data-dependent control flow), which a static ONNX graph cannot express');
    }
    if (!(result instanceof NDArray)) throw this.refuse(`${name} gives no array, which a static ONNX graph cannot hold`);
    let out: string;
    if (BINARY[name]) out = this.e.node(BINARY[name], [this.nameOf(operands[0]), this.nameOf(operands[1])]);
    else if (UNARY[name]) out = this.e.node(UNARY[name], [this.nameOf(operands[0])]);
    else if (name === 'square') out = this.e.node('Mul', [this.nameOf(operands[0]), this.nameOf(operands[0])]);
    else if (REDUCE[name]) out = this.reduce(REDUCE[name], operands);
    else if (name === 'T' || name === 'transpose') {
      const axes = operands.slice(1).flat() as number[];
      out = this.e.node('Transpose', [this.nameOf(operands[0])], axes.length ? { perm: axes } : {});
    } else if (name === 'reshape') {
      out = this.e.node('Reshape', [this.nameOf(operands[0]), this.e.ints(result.shape)]);
    } else {
      throw this.refuse(`${req.op === 'method' ? 'NDArray.' : `${req.op}.`}${name} has no ONNX mapping for code blocks yet`);
    }
    this.names.set(result, out);
  }

  private reduce(op: string, [x, axis, keepdims]: unknown[]): string {
    const axes = axis === undefined || axis === null ? [] : ((Array.isArray(axis) ? axis : [axis]) as number[]);
    const keep = keepdims === true ? 1 : 0;
    // Opset 17: ReduceSum takes its axes as an input, the others as an attribute.
    if (op === 'ReduceSum') return this.e.node(op, axes.length ? [this.nameOf(x), this.e.ints(axes)] : [this.nameOf(x)], { keepdims: keep });
    return this.e.node(op, [this.nameOf(x)], axes.length ? { axes, keepdims: keep } : { keepdims: keep });
  }

  /** The output's value name, made a node's output (an Identity) when the code returned an input as it is. */
  output(y: NDArray, inputs: readonly string[]): string {
    const name = this.nameOf(y);
    return inputs.includes(name) || !name.includes('/') ? this.e.node('Identity', [name]) : name;
  }
}
