// What Add and Multiply share: any number of inputs (edges into one variadic port) combined
// elementwise with numpy broadcasting. Each kind's file gives its operator and spellings.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { Block, type BlockOptions } from '../block.ts';
import { ONE_OUTPUT, shapeRule, type LayerSpec, type ShapeLike } from './layer-spec.ts';

/** The broadcast shape of every input; -1 (unknown) meets a known size as that size. */
export function mergedShape(kind: string, inputs: readonly ShapeLike[]): number[] {
  if (inputs.length < 2) throw new Error(`${kind} needs at least two inputs, got ${inputs.length}`);
  return inputs.reduce<number[]>(
    (acc, x) => {
      const rank = Math.max(acc.length, x.length);
      const out: number[] = [];
      for (let i = 0; i < rank; i++) {
        const a = acc[acc.length - rank + i] ?? 1;
        const b = x[x.length - rank + i] ?? 1;
        if (a === b || b === 1) out.push(a);
        else if (a === 1) out.push(b);
        else if (a < 0 || b < 0) out.push(Math.max(a, b));
        else {
          throw new Error(
            `the inputs ${inputs.map((s) => `(${s.join(', ')})`).join(' and ')} do not broadcast: ` +
              `axis ${i - rank} has sizes ${a} and ${b} (sizes must be equal or 1)`,
          );
        }
      }
      return out;
    },
    [...inputs[0]!],
  );
}

interface MergeFacts {
  kind: string;
  doc: string;
  /** ONNX operator (Add, Mul), Python and TypeScript infix spellings. */
  onnx: string;
  python: string;
  method: 'add' | 'mul';
  create: (o: BlockOptions) => Block;
}

export function mergeSpec(f: MergeFacts): LayerSpec {
  return {
    kind: f.kind,
    category: 'merge',
    doc: f.doc,
    attrs: [],
    inputs: [{ name: 'data', doc: 'the arrays to combine (two or more; shapes broadcast)', variadic: true }],
    outputs: ONE_OUTPUT,
    params: [],
    outputShape: (_a, xs) => mergedShape(f.kind, xs),
    repr: () => `${f.kind}()`,
    onnx: (e) => e.inputs.slice(1).reduce((acc, x) => e.node(f.onnx, [acc, x]), e.inputs[0]!),
    onnxImport: {
      ops: [f.onnx],
      read: (n) => (n.constant(0) || n.constant(1) ? { unsupported: 'a constant operand (not another branch)' } : { attrs: {}, data: [0, 1] }),
    },
    code: {
      pytorch: { forward: (s) => s.inputs.join(` ${f.python} `) },
      gluon: { forward: (s) => s.inputs.join(` ${f.python} `) },
      typescript: { child: () => null, forward: (s) => s.inputs.slice(1).reduce((acc, x) => `${acc}.${f.method}(${x})`, s.inputs[0]!) },
    },
    create: (_a, o) => f.create(o),
  };
}

/** The combining step, checked up front so a mismatch names the layer and every shape. */
export function mergeForward(block: Block, kind: string, method: 'add' | 'mul', inputs: NDArray[]): NDArray {
  shapeRule(block.name, () =>
    mergedShape(
      kind,
      inputs.map((x) => x.shape),
    ),
  );
  return inputs.slice(1).reduce((acc, x) => acc[method](x), inputs[0]!);
}
