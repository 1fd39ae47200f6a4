// What the activation kinds with their own class share (LeakyReLU, ELU, SELU, GELU, SiLU, Swish,
// Softplus, HardSigmoid, HardSwish): one input, the shape passes through, a few float attributes,
// and the function's spellings in the engine, ONNX, PyTorch, Gluon 1.x and TypeScript. Each kind's
// file gives those spellings (PReLU, which has a parameter, has its own file).

import type { NDArray } from '../../ndarray/ndarray.ts';
import type { UnaryName } from '../../ops/elementwise.ts';
import { Block, type BlockOptions } from '../block.ts';
import type { HybridUnit } from '../hybrid-units.ts';
import { ONE_INPUT, ONE_OUTPUT, type AttrSpec, type Attrs, type LayerSpec, type OnnxEmitter, type OnnxImport } from './layer-spec.ts';

export interface ActivationFacts {
  kind: string;
  doc: string;
  /** Float attributes (alpha, beta) with their defaults; none for most. */
  attrs?: readonly AttrSpec[];
  forward(x: NDArray, a: Attrs): NDArray;
  /** The engine's unary op (and its alpha) forward computes: what a compiled plan runs instead. */
  unary?: (a: Attrs) => [UnaryName, number];
  /** Clip's bounds (the plan's pointwise step), for a kind that is no unary op. */
  bounds?: (a: Attrs) => [number, number];
  onnx(e: OnnxEmitter, x: string): string;
  /** Expressions on the input variable `x` with the attributes `a`. */
  torch(x: string, a: Attrs): string;
  gluon(x: string, a: Attrs): string;
  /** The constructor's arguments in TypeScript code (before the options object). */
  tsArgs?(a: Attrs): string[];
  /** The ONNX operator read back as this kind (LayerSpec.onnxImport). */
  onnxImport?: OnnxImport;
  create(a: Attrs, o: BlockOptions): Block;
}

/** The function's value per element: FLOPs count a few operations each. */
const elements = (x: readonly number[]): number => x.reduce((p, d) => p * Math.max(d, 1), 1);

export function activationSpec(f: ActivationFacts): LayerSpec {
  const attrs = f.attrs ?? [];
  return {
    kind: f.kind,
    category: 'activation',
    doc: f.doc,
    attrs,
    inputs: ONE_INPUT,
    outputs: ONE_OUTPUT,
    params: [],
    outputShape: (_a, [x]) => [...x!],
    flops: (_a, [x]) => 4 * elements(x!),
    repr: (a) => `${f.kind}(${attrs.map((s) => `${s.name}=${String(a[s.name])}`).join(', ')})`,
    onnx: (e) => f.onnx(e, e.inputs[0]!),
    ...(f.onnxImport ? { onnxImport: f.onnxImport } : {}),
    code: {
      pytorch: { forward: (s) => f.torch(s.inputs[0]!, s.attrs) },
      gluon: { forward: (s) => f.gluon(s.inputs[0]!, s.attrs) },
      typescript: {
        child: (s) => ({ type: f.kind, make: `new ${f.kind}(${[...(f.tsArgs?.(s.attrs) ?? []), `{ prefix: '${s.prefix}' }`].join(', ')})` }),
      },
    },
    create: f.create,
  };
}

/** The layer each such kind is: its attributes and its descriptor's forward. */
export abstract class ElementwiseActivation extends Block {
  protected constructor(
    private readonly facts: ActivationFacts,
    readonly attrs: Attrs,
    options: BlockOptions,
  ) {
    super(options);
  }

  override forward(x: NDArray): NDArray {
    return this.facts.forward(x, this.attrs);
  }

  override hybridUnits(): HybridUnit[] | null {
    const u = this.facts.unary;
    if (this.forward !== ElementwiseActivation.prototype.forward) return null;
    if (this.facts.bounds) return [{ kind: 'pointwise', owner: this, alpha: null, clip: this.facts.bounds(this.attrs) }];
    if (!u) return null;
    const [act, alpha] = u(this.attrs);
    return [{ kind: 'act', owner: this, act, alpha }];
  }

  override getConfig(): Record<string, unknown> {
    return { ...this.attrs };
  }

  override toString(): string {
    return `${this.facts.kind}(${(this.facts.attrs ?? []).map((s) => `${s.name}=${String(this.attrs[s.name])}`).join(', ')})`;
  }
}

/** A float attribute (alpha, beta) of an activation. */
export const floatAttr = (name: string, value: number, doc: string): AttrSpec => ({ name, type: 'float', default: value, doc });
