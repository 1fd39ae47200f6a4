// Lambda: a function as a block, `new Lambda((x) => x.mul(2))`, or a name of an npx/np function
// ('tanh', 'relu', ...) so documents can store it.

import type { NDArray } from '../../ndarray/ndarray.ts';
import { np } from '../../ndarray/np.ts';
import { npx } from '../../ndarray/npx.ts';
import { Block, type BlockOptions } from '../block.ts';
import { modelErrors } from '../model-errors.ts';
import { ONE_INPUT, ONE_OUTPUT, type LayerSpec } from './layer-spec.ts';

export type LambdaFn = (...inputs: NDArray[]) => NDArray;

function byName(name: string): LambdaFn | undefined {
  const f = (npx as Record<string, unknown>)[name] ?? (np as Record<string, unknown>)[name];
  return typeof f === 'function' ? (f as LambdaFn) : undefined;
}

export class Lambda extends Block {
  static readonly spec: LayerSpec = {
    kind: 'Lambda',
    runsUserCode: true,
    category: 'core',
    doc: 'Wraps a function (or the name of an npx/np function) as a block.',
    attrs: [{ name: 'function', type: 'function', doc: 'the function, or its npx/np name' }],
    inputs: ONE_INPUT,
    outputs: ONE_OUTPUT,
    params: [],
    outputShape: (_a, [x]) => [...x!],
    onnx: { unsupported: 'a Lambda runs arbitrary engine code, which has no ONNX equivalent' },
    repr: (a) => `Lambda(${typeof a.function === 'string' ? a.function : '<lambda>'})`,
    code: {
      pytorch: { unsupported: 'a Lambda wraps engine code that cannot be translated' },
      gluon: { unsupported: 'a Lambda wraps engine code that cannot be translated' },
      typescript: { unsupported: 'a Lambda wraps engine code that cannot be translated' },
    },
    create: (a, o) => new Lambda(a.function as LambdaFn | string, o),
  };

  readonly fn: LambdaFn;
  readonly fnName: string;

  constructor(fn: LambdaFn | string, options: BlockOptions = {}) {
    super(options);
    const f = typeof fn === 'string' ? byName(fn) : fn;
    if (!f) throw modelErrors.block(this.name, `no npx or np function named ${JSON.stringify(fn)}.`);
    this.fn = f;
    this.fnName = typeof fn === 'string' ? fn : fn.name || '<lambda>';
  }

  override forward(...inputs: NDArray[]): NDArray {
    return this.fn(...inputs);
  }

  /** Only a named npx/np function survives as data; a closure cannot be stored in a document. */
  override getConfig(): Record<string, unknown> {
    return { function: this.fnName };
  }

  override toString(): string {
    return `Lambda(${this.fnName})`;
  }
}
